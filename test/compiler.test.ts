// The jit compiler (engine 1): for a corpus of programs, the optimized and compiled jaxpr
// must compute what the jaxpr interpreter computes (within 1e-6 relative; in practice the
// same bits, since fused code rounds every intermediate as the eager kernels store it).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { compiledSource, compileJaxpr } from "../src/backends/cpu/codegen.js";
import { optimizeJaxpr } from "../src/compiler/passes.js";
import type { ArrayImpl } from "../src/core/array.js";
import { isFloat } from "../src/core/dtype.js";
import { type ClosedJaxpr, evalJaxpr, type Literal } from "../src/core/jaxpr.js";
import type { Array as JArray } from "../src/index.js";
import { checkpoint, customJvp, debug, grad, numpy as jnp, lax, vmap } from "../src/index.js";
import { take } from "../src/numpy/gather.js";
import { sort } from "../src/numpy/sorting.js";
import { makeJaxpr } from "../src/transforms/jit.js";

type Fn = (...args: any[]) => any;

function values(x: ArrayImpl): number[] {
  return Array.from(x.values(), Number);
}

/** Same dtype, shape and weak type; values within 1e-6 relative (NaNs and infinities equal). */
function assertMatches(actual: ArrayImpl, expected: ArrayImpl, label: string, rtol: number, atol = 0): void {
  assert.equal(actual.dtype, expected.dtype, `${label}: dtype`);
  assert.deepEqual([...actual.shape], [...expected.shape], `${label}: shape`);
  assert.equal(actual.weakType, expected.weakType, `${label}: weak type`);
  const a = values(actual);
  const e = values(expected);
  const exact = !isFloat(expected.dtype);
  for (let i = 0; i < e.length; i++) {
    const av = a[i]!;
    const ev = e[i]!;
    if (Object.is(av, ev) || (Number.isNaN(av) && Number.isNaN(ev))) continue;
    const ok = !exact && Number.isFinite(ev) && Math.abs(av - ev) <= rtol * Math.abs(ev) + atol;
    assert.ok(ok, `${label}: element ${i} is ${av}, the interpreter gives ${ev}`);
  }
}

/**
 * Traces f, then checks compileJaxpr(optimizeJaxpr(jaxpr)) against evalJaxpr over two
 * calls (buffers are reused between calls: the first call's results must survive it), with
 * JavaScript loops and with WebAssembly SIMD loops, to `rtol` (1e-6: float32 functions like
 * tanh may differ by an ulp).
 */
function check(name: string, f: Fn, args: JArray[], second?: JArray[], rtol = 1e-6, atol = 0): ClosedJaxpr {
  const closed = makeJaxpr(f)(...args);
  for (const simd of [false, true]) {
    const compiled = compileJaxpr(optimizeJaxpr(closed), { simd });
    const run = (xs: JArray[]) => {
      const expected = evalJaxpr(closed.jaxpr, [...closed.consts, ...xs]) as ArrayImpl[];
      const actual = compiled(xs as ArrayImpl[]);
      assert.equal(actual.length, expected.length, `${name}: number of outputs`);
      return { actual, expected };
    };
    const first = run(args);
    const snapshot = first.actual.map(values);
    const again = run(second ?? args);
    const loops = simd ? "SIMD loops" : "JavaScript loops";
    [first, again].forEach(({ actual, expected }, k) =>
      actual.forEach((a, i) => assertMatches(a, expected[i]!, `${name} (${loops}), call ${k + 1}, output ${i}`, rtol, atol)),
    );
    first.actual.forEach((a, i) => assert.deepEqual(values(a), snapshot[i], `${name} (${loops}): output ${i} changed after another call`));
  }
  return closed;
}

const f32 = (data: number[], shape?: number[]) => {
  const a = jnp.array(data, { dtype: "float32" });
  return shape ? a.reshape(shape) : a;
};
const rand = (shape: number[], seed: number, dtype: "float32" | "float64" = "float32") => {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, (_, i) => Math.sin(seed * 7.31 + i * 1.7) * 2);
  return jnp.array(data, { dtype }).reshape(shape);
};

test("compiler: elementwise chains, scalars and weak-typed constants", () => {
  const x = rand([5, 7], 1);
  check("chain", (a: JArray) => jnp.sin(a).mul(2).add(jnp.exp(a.neg()).div(3)), [x], [rand([5, 7], 2)]);
  // SIMD tanh is within 2 float32 ulps (as XLA's is not correctly rounded either); where
  // tanh(a) is near -1/2, "* 2 + 1" cancels, and 2 ulps of tanh become 4 ulps of 1 absolute
  check("tanh*2+1", (a: JArray) => jnp.tanh(a).mul(2).add(1), [rand([1000], 3)], undefined, 1e-6, 4 * 2 ** -24);
  check(
    "scalars",
    (a: JArray, b: JArray) =>
      a
        .mul(b)
        .add(jnp.sqrt(jnp.abs(a)))
        .sub(b.pow(3)),
    [f32([1.5], []), f32([-0.25], [])],
  );
  check(
    "unary zoo",
    (a: JArray) => [
      jnp.log1p(jnp.abs(a)),
      jnp.expm1(a),
      jnp.floor(a),
      jnp.ceil(a),
      jnp.sign(a),
      lax.round(a),
      lax.logistic(a),
      lax.rsqrt(jnp.abs(a).add(1)),
    ],
    [x],
  );
  check("special values", (a: JArray) => [jnp.maximum(a, 0), jnp.minimum(a, 0), jnp.tanh(a), jnp.log(a)], [
    f32([Number.NaN, -0, 0, Number.POSITIVE_INFINITY, -3e38, 1e-30, -1e-5, 25]),
  ]);
  check("float64", (a: JArray, b: JArray) => jnp.tanh(a).mul(b).add(jnp.exp(b.neg())), [
    rand([4, 3], 4, "float64"),
    rand([4, 3], 5, "float64"),
  ]);
  check("weak scalar stays weak", (a: JArray) => a.mul(2).add(0.5), [jnp.array(3)]);
});

test("compiler: broadcasting and reductions (keepdims, leading, middle and all axes)", () => {
  const x = rand([4, 3], 6);
  check("row and column broadcasts", (a: JArray, b: JArray, c: JArray) => a.add(b).mul(c), [x, rand([3], 7), rand([4, 1], 8)]);
  check("outer product", (a: JArray, b: JArray) => a.get(":", null).mul(b.get(null, ":")), [rand([5], 9), rand([6], 10)]);
  check(
    "softmax",
    (a: JArray) => {
      const z = a.sub(jnp.max(a, -1, { keepdims: true }));
      const e = jnp.exp(z);
      return e.div(jnp.sum(e, -1, { keepdims: true }));
    },
    [rand([3, 5], 11)],
  );
  check("sum over the leading axis", (a: JArray) => [jnp.sum(a, 0), jnp.mean(a.mul(a), 0)], [rand([6, 5], 12)]);
  check("reduce the middle axis", (a: JArray) => [jnp.sum(a, 1), jnp.max(a, 1, { keepdims: true }), jnp.min(a.neg(), [0, 2])], [
    rand([3, 4, 5], 13),
  ]);
  check("reduce everything", (a: JArray) => [jnp.sum(a), jnp.max(a), jnp.prod(a.mul(0.5))], [rand([3, 4], 14)]);
  check("max with NaN", (a: JArray) => [jnp.max(a), jnp.min(a, 0)], [f32([1, Number.NaN, 3, 0, -1, 2], [3, 2])]);
  check("size-one axes", (a: JArray) => [jnp.sum(a, 1), jnp.sum(a, [0, 2]).add(1)], [rand([3, 1, 2], 15)]);
  check("empty arrays", (a: JArray) => [jnp.sum(a, 0), a.mul(2), jnp.max(a, 1)], [jnp.zeros([0, 3])]);
});

test("compiler: matmul in every layout, batched, and with vmap", () => {
  const a = rand([5, 7], 16);
  const b = rand([7, 3], 17);
  check("matmul", (x: JArray, y: JArray) => jnp.matmul(x, y), [a, b]);
  check("transposed operands", (x: JArray, y: JArray) => [jnp.matmul(x.T, x), jnp.matmul(y, y.T), jnp.matmul(x.T, y)], [
    a,
    rand([5, 3], 18),
  ]);
  check("batched", (x: JArray, y: JArray) => jnp.matmul(x, y), [rand([2, 3, 4], 19), rand([2, 4, 6], 20)]);
  check("vector forms", (x: JArray, v: JArray) => [jnp.dot(v, v), jnp.matmul(x, v), jnp.matmul(v.get("0:5"), x)], [a, rand([7], 21)]);
  check("int32 matmul", (x: JArray, y: JArray) => jnp.matmul(x, y), [jnp.arange(12).reshape([3, 4]), jnp.arange(8).reshape([4, 2]).sub(3)]);
  check("float64 matmul chain", (x: JArray, y: JArray) => jnp.tanh(jnp.matmul(x, y).add(1)).sum(0), [
    rand([9, 6], 22, "float64"),
    rand([6, 5], 23, "float64"),
  ]);
  const perExample = (w: JArray, x: JArray) => jnp.tanh(jnp.dot(w, x)).sum();
  check("vmap", (w: JArray, xs: JArray) => vmap(perExample, { inAxes: [null, 0] })(w, xs), [rand([4, 3], 24), rand([8, 3], 25)]);
  check("vmap of vmap", (xs: JArray, ys: JArray) => vmap(vmap((p: JArray, q: JArray) => p.mul(q).sum()))(xs, ys), [
    rand([2, 3, 4], 26),
    rand([2, 3, 4], 27),
  ]);
});

test("compiler: gradients of an MLP loss and the regression step", () => {
  const mlpLoss = (w1: JArray, b1: JArray, w2: JArray, b2: JArray, x: JArray, y: JArray) => {
    const h = jnp.tanh(jnp.matmul(x, w1).add(b1));
    const out = jnp.matmul(h, w2).add(b2);
    return jnp.mean(out.sub(y).pow(2));
  };
  const params = [rand([3, 8], 28), rand([8], 29), rand([8, 2], 30), rand([2], 31)];
  const data = [rand([16, 3], 32), rand([16, 2], 33)];
  // the compiled products sum in float32 (as XLA's CPU dot does), the interpreter's in
  // float64: gradients summed over the batch of 16 differ by float32 roundings
  check("grad of an MLP loss", grad(mlpLoss, { argnums: [0, 1, 2, 3] }), [...params, ...data], undefined, 1e-5);

  const loss = (b0: JArray, b1: JArray, X: JArray, y: JArray) => jnp.mean(y.sub(b0.add(b1.mul(X))).pow(2));
  const g = grad(loss, { argnums: [0, 1] });
  const step = (b0: JArray, b1: JArray, X: JArray, y: JArray) => {
    const [g0, g1] = g(b0, b1, X, y) as JArray[];
    return [b0.sub(g0!.mul(0.1)), b1.sub(g1!.mul(0.1))];
  };
  const X = jnp.linspace(0, 1, 100).astype("float32");
  const Y = X.mul(3).add(1);
  const z = jnp.zeros([], { dtype: "float32" });
  const closed = check("regression step", step, [z, z, X, Y], [f32([0.5], []), f32([2], []), X, Y]);
  // 500 compiled steps follow the interpreter's trajectory exactly
  const compiled = compileJaxpr(optimizeJaxpr(closed));
  let c: ArrayImpl[] = [z, z] as ArrayImpl[];
  let e: ArrayImpl[] = [z, z] as ArrayImpl[];
  for (let i = 0; i < 500; i++) {
    c = compiled([c[0]!, c[1]!, X, Y] as ArrayImpl[]);
    e = evalJaxpr(closed.jaxpr, [...closed.consts, e[0]!, e[1]!, X, Y]) as ArrayImpl[];
  }
  assert.deepEqual([c[0]!.item(), c[1]!.item()], [e[0]!.item(), e[1]!.item()]);
  assert.ok(Math.abs((c[0]!.item() as number) - 1) < 0.05 && Math.abs((c[1]!.item() as number) - 3) < 0.1);
});

test("compiler: where/select, comparisons, booleans and conversions", () => {
  const x = f32([-2, -0.5, 0, 0.5, 2, Number.NaN]);
  check("leaky relu", (a: JArray) => jnp.where(a.gt(0), a, a.mul(0.1)), [x]);
  check(
    "comparisons",
    (a: JArray, b: JArray) => [a.lt(b), a.le(b), a.eq(b), a.ne(b), jnp.logicalAnd(a.gt(0), b.gt(0)), jnp.logicalNot(a.ge(b))],
    [x, f32([0, -0.5, 1, 0.5, 3, 1])],
  );
  check("any and all", (a: JArray) => [lax.reduceMax(a.gt(1), [0, 1]), lax.reduceMin(a.gt(-3), [0])], [rand([3, 4], 34)]);
  check(
    "conversions",
    (a: JArray) => [a.astype("int32"), a.astype("uint8"), a.astype("bool"), a.astype("float64"), a.astype("int32").astype("float32")],
    [f32([-2.7, -0.5, 0, 0.5, 300.9, Number.NaN, 1e10])],
  );
  check("select_n with three cases", (w: JArray, a: JArray) => lax.selectN(w, [a, a.mul(2), a.neg()]), [
    jnp.array([0, 1, 2, 1], { dtype: "int32" }),
    f32([1, 2, 3, 4]),
  ]);
});

test("compiler: integer arithmetic wraps like the eager kernels", () => {
  const i = jnp.array([2147483647, -7, 5, 0, 123456789], { dtype: "int32" });
  const j = jnp.array([3, 2, -5, 7, 1000], { dtype: "int32" });
  check(
    "int32",
    (a: JArray, b: JArray) => [
      a.add(b),
      a.mul(b).add(1),
      jnp.floorDivide(a, b),
      jnp.remainder(a, b),
      a.sub(b).mul(65537),
      jnp.abs(a.neg()),
    ],
    [i, j],
  );
  check(
    "bitwise",
    (a: JArray, b: JArray) => [
      lax.and(a, b),
      lax.or(a, b),
      lax.xor(a, b),
      lax.not(a),
      lax.shiftLeft(a, b),
      lax.shiftRightArithmetic(a, b),
      lax.shiftRightLogical(a, b),
    ],
    [i, j],
  );
  const u = jnp.array([250, 3, 128], { dtype: "uint8" });
  check("uint8", (a: JArray) => [a.add(a), a.mul(3), a.sub(jnp.array(200, { dtype: "uint8" }))], [u]);
  check("uint32", (a: JArray) => [a.mul(a), a.add(4294967295), jnp.sum(a)], [jnp.array([4000000000, 7, 65536], { dtype: "uint32" })]);
  check("int8 and int16", (a: JArray, b: JArray) => [a.add(a).mul(a), b.mul(b).add(b)], [
    jnp.array([100, -100, 7], { dtype: "int8" }),
    jnp.array([300, -32000, 5], { dtype: "int16" }),
  ]);
  check("integer pow", (a: JArray, b: JArray) => [a.pow(3), lax.integerPow(b, 3), lax.integerPow(b, 0), lax.integerPow(b, -2)], [
    j,
    f32([1.5, -2, 0, 3, 1e-3]),
  ]);
});

test("compiler: primitives without a lowering run their eager impl", () => {
  const x = rand([4, 5], 35);
  check(
    "data movement",
    (a: JArray) => [
      jnp.concatenate([a, a.mul(2)], 0),
      lax.pad(a, jnp.array(0, { dtype: "float32" }), [
        [1, 0, 1],
        [0, 2, 0],
      ]),
    ],
    [x],
  );
  check("sort and gather", (a: JArray, idx: JArray) => [sort(a, 1), take(a, idx, 1).mul(3)], [x, jnp.array([4, 0, 2], { dtype: "int32" })]);
  check(
    "cond",
    (p: JArray, a: JArray) =>
      lax
        .cond(
          p,
          (v: JArray) => v.mul(2),
          (v: JArray) => v.sub(1),
          a,
        )
        .add(1),
    [jnp.array(true), x],
  );
  check("scan", (a: JArray) => lax.scan((c: JArray, r: JArray) => [c.add(r), c.mul(r)], jnp.zeros([5]), a), [x]);
  check("float16 falls back", (a: JArray) => a.mul(a).add(1).sum(), [jnp.array([1.5, 2, -3], { dtype: "float16" })]);
  check(
    "outputs that are inputs, consts and duplicates",
    (a: JArray, b: JArray) => {
      const c = a.mul(2);
      return [a, c, c, b, jnp.array([1, 2, 3]), c.reshape([5, 4])];
    },
    [x, rand([3], 36)],
  );
});

test("compiler: transposes, slices and reversals are strided reads inside fused loops", () => {
  const f = (a: JArray) => [a.T.mul(2), a.get("1:3, ::2").add(1), lax.rev(a, [1]).sub(a), a.get("::-1, 1:").T.sum(1), a.T.T.T];
  const closed = check("views", f, [rand([4, 5], 45)], [rand([4, 5], 46)]);
  const src = compiledSource(optimizeJaxpr(closed));
  assert.ok(!src.includes("impl("), src);
});

test("compiler: a returned reshape of a computed value is not a reused buffer", () => {
  const closed = check(
    "reshape output",
    (a: JArray) => [a.mul(2).reshape([20]), a.mul(2).sum(1).reshape([2, 2])],
    [rand([4, 5], 37)],
    [rand([4, 5], 38)],
  );
  assert.ok(compiledSource(optimizeJaxpr(closed)).includes("new Float32Array(20)"));
});

test("compiler: programs with no equations, and effects inside jit", () => {
  check("identity", (a: JArray) => a, [rand([3], 39)]);
  check("constant output", () => jnp.arange(4).mul(2), []);
  const seen: string[] = [];
  const closed = makeJaxpr((a: JArray) => {
    const b = a.mul(2);
    debug.print("{}", b);
    return a.add(1);
  })(f32([1, 2]));
  const opt = optimizeJaxpr(closed);
  assert.ok(
    opt.jaxpr.eqns.some((e) => e.prim.name === "debug_callback"),
    "DCE keeps the effect",
  );
  const log = console.log;
  console.log = (s: string) => seen.push(s);
  try {
    const out = compileJaxpr(opt)([f32([1, 2]) as ArrayImpl]);
    assert.deepEqual(values(out[0]!), [2, 3]);
  } finally {
    console.log = log;
  }
  assert.deepEqual(seen, ["[2., 4.]"], "the debug print ran once, with the doubled values");
});

test("compiler: a call back into the running compiled function is interpreted", () => {
  let compiled: (xs: ArrayImpl[]) => ArrayImpl[] = () => [];
  let inner: number[] = [];
  let called = false;
  const closed = makeJaxpr((a: JArray) => {
    const b = a.mul(3);
    debug.print("{}", b);
    return b.add(1);
  })(f32([1, 2]));
  const log = console.log;
  console.log = () => {
    if (called) return;
    called = true;
    inner = values(compiled([f32([10, 20]) as ArrayImpl])[0]!);
  };
  try {
    compiled = compileJaxpr(optimizeJaxpr(closed));
    const out = compiled([f32([1, 2]) as ArrayImpl]);
    assert.deepEqual(values(out[0]!), [4, 7]);
  } finally {
    console.log = log;
  }
  assert.deepEqual(inner, [31, 61]);
});

test("compiler: the interpreter fallback (what a strict CSP gets) computes the same", () => {
  const f = (a: JArray, b: JArray) => [jnp.tanh(a).sum(0), jnp.matmul(a, b)];
  const args = [rand([3, 4], 40), rand([4, 2], 41)];
  const closed = makeJaxpr(f)(...args);
  const interpreted = compileJaxpr(optimizeJaxpr(closed), { mode: "interpret" });
  const generated = compileJaxpr(optimizeJaxpr(closed));
  const a = interpreted(args as ArrayImpl[]);
  const b = generated(args as ArrayImpl[]);
  a.forEach((x, i) => assertMatches(b[i]!, x, `output ${i}`, 1e-6));
});
test("compiler: where code generation is forbidden, compiled functions interpret", () => {
  // what a strict Content-Security-Policy does to `new Function`, as a node flag
  const script = `
    const { numpy: jnp } = await import(${JSON.stringify(new URL("../src/index.js", import.meta.url).href)});
    const { makeJaxpr } = await import(${JSON.stringify(new URL("../src/transforms/jit.js", import.meta.url).href)});
    const { optimizeJaxpr } = await import(${JSON.stringify(new URL("../src/compiler/passes.js", import.meta.url).href)});
    const { compileJaxpr } = await import(${JSON.stringify(new URL("../src/backends/cpu/codegen.js", import.meta.url).href)});
    let generated = true;
    try { new Function("return 1"); } catch { generated = false; }
    const a = jnp.array([[1, 2], [3, 4]], { dtype: "float32" });
    const f = compileJaxpr(optimizeJaxpr(makeJaxpr((x) => [jnp.matmul(x, x), x.mul(2).sum()])(a)));
    console.log(JSON.stringify({ generated, outs: f([a]).map((o) => o.tolist()) }));`;
  const out = execFileSync(process.execPath, ["--disallow-code-generation-from-strings", "--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  assert.deepEqual(JSON.parse(out), {
    generated: false,
    outs: [
      [
        [7, 10],
        [15, 22],
      ],
      20,
    ],
  });
});

test("compiler: fused loops and buffer reuse in the generated code", () => {
  const x = rand([64], 42);
  // one loop (unrolled, plus its remainder) for the whole chain and both reductions;
  // nothing stored, no eager fallback
  const closed = makeJaxpr((a: JArray) => {
    const t = jnp.tanh(a).mul(2).add(1);
    return [t.sum(), t.mul(t).sum()];
  })(x);
  const src = compiledSource(optimizeJaxpr(closed), [], false);
  assert.equal(new Set(src.match(/\bi\d+\b/g)).size, 1, src);
  assert.ok(!/buf_|impl\(|new Float32Array\(64\)/.test(src), src);
  // with SIMD loops: one call, the same single loop
  const simdSrc = compiledSource(optimizeJaxpr(closed));
  assert.equal(simdSrc.match(/simd_\d+\(/g)?.length, 1, simdSrc);
  assert.ok(!/\bfor \(|buf_|impl\(/.test(simdSrc), simdSrc);
  // a chain through opaque transposes: intermediates of equal size share reused buffers
  const chain = makeJaxpr((a: JArray) => {
    let y = a;
    for (let i = 0; i < 6; i++) y = jnp.tanh(y.T).add(1);
    return y;
  })(rand([8, 8], 43));
  const csrc = compiledSource(optimizeJaxpr(chain));
  const buffers = new Set(csrc.match(/buf_\d+/g));
  assert.ok(buffers.size <= 3, `${buffers.size} buffers for 6 intermediates:\n${csrc}`);
  check(
    "transpose chain",
    (a: JArray) => {
      let y = a;
      for (let i = 0; i < 6; i++) y = jnp.tanh(y.T).add(1);
      return y;
    },
    [rand([8, 8], 43)],
  );
});

test("passes: dead code, duplicates, constants, identities and nested calls go away", () => {
  const x = rand([4], 44);
  const count = (c: ClosedJaxpr) => c.jaxpr.eqns.length;
  const names = (c: ClosedJaxpr) => c.jaxpr.eqns.map((e) => e.prim.name);
  const dead = makeJaxpr((a: JArray) => {
    jnp.sin(a).mul(3); // unused
    return a.add(1);
  })(x);
  assert.equal(count(dead), 3);
  assert.deepEqual(names(optimizeJaxpr(dead)), ["add"]);

  const dup = makeJaxpr((a: JArray) =>
    jnp
      .sin(a)
      .mul(jnp.sin(a))
      .add(jnp.sin(a).mul(jnp.sin(a))),
  )(x);
  assert.equal(count(dup), 7);
  assert.deepEqual(names(optimizeJaxpr(dup)), ["sin", "mul", "add"]);

  // (2 * 3 + 1) as float32: one literal 7 remains
  const consts = makeJaxpr((a: JArray) => a.mul(jnp.array(2).mul(3).add(1).astype("float32")))(x);
  assert.equal(count(consts), 4);
  const constsOpt = optimizeJaxpr(consts);
  assert.deepEqual(names(constsOpt), ["mul"]);
  assert.equal((constsOpt.jaxpr.eqns[0]!.inputs[1] as Literal).val.item(), 7);
  const folded = makeJaxpr(() => jnp.arange(6).reshape([2, 3]).mul(2).sum(0))();
  assert.equal(count(optimizeJaxpr(folded)), 0, "a program of constants folds away");
  assert.deepEqual(values(compileJaxpr(optimizeJaxpr(folded))([])[0]!), [6, 10, 14]);

  const stopped = makeJaxpr((a: JArray) => lax.stopGradient(a).mul(a.astype("float32")))(x);
  assert.deepEqual(names(optimizeJaxpr(stopped)), ["mul"]);

  const inner = checkpoint((a: JArray) => jnp.sin(a).mul(2));
  const relu = customJvp((a: JArray) => jnp.maximum(a, 0));
  relu.defjvp(([a]: JArray[], [t]: JArray[]) => [jnp.maximum(a!, 0), t!.mul(a!.gt(0))]);
  const nested = makeJaxpr((a: JArray) => relu(inner(a)).add(inner(a)))(x);
  assert.ok(names(nested).includes("checkpoint") && names(nested).includes("custom_jvp_call"));
  const inlined = optimizeJaxpr(nested);
  assert.ok(!names(inlined).includes("checkpoint") && !names(inlined).includes("custom_jvp_call"), names(inlined).join(" "));
  assert.equal(names(inlined).filter((n) => n === "sin").length, 1, "the two inlined copies merge");
  check("inlined calls", (a: JArray) => relu(inner(a)).add(inner(a)), [x]);
});

test("compiler: random programs of elementwise ops, broadcasts, reductions and matmuls", () => {
  // A deterministic generator: each program draws from a pool of values of a few shapes
  // and appends ops whose results join the pool; the last few values are returned.
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  const shapes = [[4, 3], [3], [4, 1], [], [2, 4, 3]];
  for (let p = 0; p < 25; p++) {
    const inputs = [rand([4, 3], p), rand([3], p + 100), rand([2, 4, 3], p + 200)];
    const program = (...xs: JArray[]) => {
      const pool = [...xs];
      for (let k = 0; k < 14; k++) {
        const a = pick(pool);
        const b = pick(pool);
        const op = pick([
          "add",
          "mul",
          "sub",
          "tanh",
          "exp",
          "max",
          "sum",
          "sumk",
          "maxk",
          "where",
          "matmul",
          "bcast",
          "div",
          "T",
          "slice",
          "rev",
        ]);
        let r: JArray;
        try {
          if (op === "tanh") r = jnp.tanh(a);
          else if (op === "exp") r = jnp.exp(jnp.minimum(a, 3));
          else if (op === "sum") r = a.ndim > 0 ? jnp.sum(a, pick([...Array(a.ndim).keys()])) : a.neg();
          else if (op === "sumk") r = a.ndim > 0 ? jnp.sum(a, -1, { keepdims: true }) : a.mul(3);
          else if (op === "maxk") r = a.ndim > 1 ? jnp.max(a, 0, { keepdims: true }) : jnp.max(a);
          else if (op === "where") r = jnp.where(a.gt(0), a, b.mul(0.5));
          else if (op === "matmul") r = jnp.matmul(a, b);
          else if (op === "bcast") r = jnp.broadcastTo(a, pick(shapes));
          else if (op === "div") r = a.div(jnp.abs(b).add(1));
          else if (op === "T") r = a.T.add(b.T);
          else if (op === "slice") r = a.ndim > 0 ? a.get(pick(["1:", "::2", ":-1"])).mul(2) : a.neg();
          else if (op === "rev") r = a.ndim > 0 ? lax.rev(a, [a.ndim - 1]).sub(a) : a.mul(a);
          else if (op === "add") r = a.add(b);
          else if (op === "mul") r = a.mul(b);
          else if (op === "sub") r = a.sub(b);
          else r = jnp.maximum(a, b);
        } catch {
          r = a.mul(b.sum()); // operands whose shapes do not fit this op
        }
        pool.push(r);
      }
      return pool.slice(-4);
    };
    check(`random program ${p}`, program, inputs, [rand([4, 3], p + 7), rand([3], p + 107), rand([2, 4, 3], p + 207)]);
  }
});
