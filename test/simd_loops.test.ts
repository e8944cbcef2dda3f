// Fused loops compiled to WebAssembly SIMD (simd_loop.ts) against the same loops compiled to
// JavaScript, which equal the eager kernels: bit for bit where float32 arithmetic is exact
// (add, sub, mul, div, sqrt, min/max with NaN and signed zeros, comparisons, selects,
// conversions, int32 wrap-around), within float32 roundings for sums (another order) and
// exp / logistic (a float32 polynomial; subnormal results flushed to zero, as XLA's CPU
// backend does). Also: which loops SIMD takes, and that staging never mixes up arrays.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compiledSource, compileJaxpr } from "../src/backends/cpu/codegen.js";
import { helpers, loopThreads } from "../src/backends/cpu/simd_threads.js";
import { optimizeJaxpr } from "../src/compiler/passes.js";
import type { ArrayImpl } from "../src/core/array.js";
import type { Array as JArray } from "../src/index.js";
import { jit, numpy as jnp, lax, makeJaxpr, nn } from "../src/index.js";
import { assertAllClose } from "./helpers.js";

type Fn = (...xs: JArray[]) => JArray | JArray[];

/** f compiled both ways: its SIMD source, and both results. */
function bothWays(f: Fn, args: JArray[]): { source: string; simd: ArrayImpl[]; js: ArrayImpl[] } {
  const closed = optimizeJaxpr(makeJaxpr(f)(...args));
  const impls = args as unknown as ArrayImpl[];
  return {
    source: compiledSource(closed),
    simd: compileJaxpr(closed, { simd: true })(impls),
    js: compileJaxpr(closed, { simd: false })(impls),
  };
}

function assertSameBits(label: string, got: ArrayImpl, want: ArrayImpl): void {
  assert.deepEqual(got.shape, want.shape, label);
  assert.equal(got.dtype, want.dtype, label);
  const a = got.data;
  const b = want.data;
  for (let i = 0; i < b.length; i++) {
    const same = Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i]));
    assert.ok(same, `${label}: element ${i} is ${a[i]}, JavaScript gives ${b[i]}`);
  }
}

/** Float32 values with the special cases spread among ordinary ones. */
function specials(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  const odd = [Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40, -3e38];
  for (let i = 0; i < n; i++) out[i] = i % 11 === 3 ? odd[(i + seed) % odd.length]! : Math.sin(i * 0.91 + seed) * 7;
  return out;
}

test("SIMD loops equal JavaScript loops bit for bit for exact float32, int32 and bool operations", () => {
  // rows of 64, and of 61: the last elements of each pass (or of the whole) go one at a time
  for (const [rows, width] of [
    [8, 64],
    [6, 61],
  ] as const) {
    exactCases(rows, width);
  }
});

function exactCases(rows: number, width: number): void {
  const n = rows * width;
  const x = jnp.array(specials(n, 1)).reshape([rows, width]);
  const y = jnp.array(specials(n, 4)).reshape([rows, width]);
  const row = jnp.array(specials(width, 2));
  const col = jnp.array(specials(rows, 3)).reshape([rows, 1]);
  const k = jnp
    .array(
      Array.from({ length: n }, (_, i) => (i * 2654435761) | 0),
      { dtype: "int32" },
    )
    .reshape([rows, width]);
  const m = jnp
    .array(
      Array.from({ length: n }, (_, i) => (i * 40503) % 7 > 2),
      { dtype: "bool" },
    )
    .reshape([rows, width]);
  const s = jnp.array(0.75);
  const cases: [string, Fn, JArray[]][] = [
    ["arithmetic", (a, b) => jnp.divide(jnp.subtract(jnp.multiply(jnp.add(a, b), a), 3), b), [x, y]],
    ["max, min (NaN, signed zeros)", (a, b) => [jnp.maximum(a, b), jnp.minimum(a, b), jnp.maximum(b, a), jnp.minimum(b, a)], [x, y]],
    ["unary", (a) => [jnp.negative(a), jnp.abs(a), jnp.sqrt(a), jnp.floor(a), jnp.ceil(a), jnp.square(a)], [x]],
    [
      "compare and select",
      (a, b) => [jnp.where(jnp.less(a, b), a, jnp.multiply(b, 2)), jnp.greaterEqual(a, b), jnp.notEqual(a, a)],
      [x, y],
    ],
    ["broadcast row and column, a scalar argument", (a, r, c, t) => jnp.add(jnp.multiply(jnp.subtract(a, r), t), c), [x, row, col, s]],
    ["sliced reads", (a, b) => jnp.add(lax.slice(a, [0, 4], [rows, 37]), lax.slice(b, [0, 20], [rows, 53])), [x, y]],
    ["transposed outer axes", (a) => jnp.add(jnp.transpose(a, [1, 0, 2]), 1), [x.reshape([rows / 2, 2, width])]],
    ["int32 wrap-around", (i) => [jnp.add(jnp.multiply(i, i), 7), jnp.subtract(i, 5), jnp.maximum(i, 3), jnp.less(i, 0)], [k]],
    [
      "bool logic",
      (b, a) => [
        jnp.logicalAnd(b, jnp.greater(a, 0)),
        jnp.logicalOr(b, jnp.isnan(a)),
        jnp.logicalNot(b),
        jnp.logicalXor(b, jnp.less(a, 1)),
      ],
      [m, x],
    ],
    [
      "conversions",
      (b, i, a) => [b.astype("float32"), b.astype("int32"), i.astype("float32"), a.astype("bool"), i.astype("bool")],
      [m, k, x],
    ],
  ];
  for (const [label, f, args] of cases) {
    const { source, simd, js } = bothWays(f, args);
    assert.match(source, /simd_\d+\(/, `${label}: a SIMD loop`);
    simd.forEach((r, i) => assertSameBits(`[${rows}, ${width}] ${label} [${i}]`, r, js[i]!));
  }
}

test("SIMD reductions: max and min exactly, sums within float32 rounding, over rows and whole arrays", () => {
  // rows of 83 and 30: whole steps, then the rest one element at a time
  for (const [rows, n] of [
    [8, 64],
    [6, 40],
    [3, 12],
    [1, 256],
    [5, 83],
    [4, 30],
    [9, 5],
  ] as const) {
    const x = jnp.array(specials(rows * n, n).map((v) => (Math.abs(v) < 1e30 ? v : 1))).reshape([rows, n]);
    const withNaN = jnp.array(specials(rows * n, n)).reshape([rows, n]);
    const f: Fn = (a, b) => [
      jnp.max(a, -1),
      jnp.min(a, -1),
      jnp.max(b, -1),
      jnp.sum(a, -1),
      jnp.sum(jnp.exp(jnp.multiply(a, 0.1))),
      jnp.max(a),
    ];
    const { source, simd, js } = bothWays(f, [x, withNaN]);
    assert.match(source, /simd_\d+\(/, `[${rows}, ${n}]: a SIMD loop`);
    for (const i of [0, 1, 2, 5]) assertSameBits(`[${rows}, ${n}] output ${i}`, simd[i]!, js[i]!);
    for (const i of [3, 4]) assertAllClose(Array.from(simd[i]!.data), Array.from(js[i]!.data), { rtol: 2e-6, atol: 1e-6 });
  }
});

test("SIMD exp and log within one float32 ulp of Math's, tanh and logistic within two; subnormal results are 0, as XLA's CPU backend gives", () => {
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  const xs: number[] = [];
  // every (257 * 65)th float32 bit pattern (all magnitudes, NaN, infinities), then the range that matters, densely
  for (let b = 0; b < 0x100000000; b += 257 * 65) {
    bits[0] = b;
    xs.push(asFloat[0]!);
  }
  for (let i = 0; i < 200000; i++) xs.push(Math.fround(-90 + (180 * i) / 200000));
  for (let i = 0; i < 60000; i++) xs.push(Math.fround(-12 + (24 * i) / 60000));
  while (xs.length % 4 !== 0) xs.push(0);
  const x = jnp.array(new Float32Array(xs));
  const refs: [string, Fn, (v: number) => number, number][] = [
    ["exp", (a) => jnp.exp(a), Math.exp, 1],
    ["logistic", (a) => nn.sigmoid(a), (v) => 1 / (1 + Math.exp(-v)), 2],
    ["tanh", (a) => jnp.tanh(a), Math.tanh, 2],
    ["log", (a) => jnp.log(a), Math.log, 1],
  ];
  for (const [label, f, ref, ulps] of refs) {
    const { source, simd } = bothWays(f, [x]);
    assert.match(source, /simd_\d+\(/, `${label}: a SIMD loop\n${source}`);
    const y = simd[0]!.data;
    let differ = 0;
    for (let i = 0; i < xs.length; i++) {
      const want = Math.fround(ref(xs[i]!));
      const got = y[i]!;
      if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))) continue;
      if (Math.abs(want) < 2 ** -126 && label !== "log") {
        assert.equal(got, 0, `${label}(${xs[i]}): a subnormal result flushes to 0`);
        continue;
      }
      differ++;
      const ulp = Math.abs(Math.fround(want * (1 + 2 ** -23)) - want);
      assert.ok(Math.abs(got - want) <= ulps * ulp, `${label}(${xs[i]}) = ${got}, Math gives ${want}`);
    }
    // most are the correctly rounded float32 (of these inputs: exp 95%, tanh 97%, log all, logistic 89%)
    assert.ok(differ < xs.length * 0.15, `${label}: ${differ} of ${xs.length} differ`);
  }
  // near the ends of float32's range (repeated: loops this short would stay JavaScript)
  const ends = [88.72, 88.73, 89, 1e30, -87.3, -87.4, -104, -3e38, Number.NaN, 0, -0, 1];
  const { source, simd } = bothWays((a) => jnp.exp(a), [jnp.array([...ends, ...ends, ...ends])]);
  assert.match(source, /simd_\d+\(/);
  const edge = simd[0]!.data;
  assert.deepEqual(Array.from(edge.slice(1, 4)), [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
  assert.ok(edge[0]! > 3.39e38 && Number.isFinite(edge[0]!));
  const smallest = Math.exp(Math.fround(-87.3)); // just above the smallest normal float32
  assert.ok(Math.abs(edge[4]! - smallest) < smallest * 2e-7, `exp(-87.3) = ${edge[4]}`);
  assert.deepEqual(Array.from(edge.slice(5, 8)), [0, 0, 0]);
  assert.ok(Number.isNaN(edge[8]!));
  assert.deepEqual(Array.from(edge.slice(9, 12)), [1, 1, Math.fround(Math.E)]);
  // tanh: signed zeros, the limits, NaN, tiny arguments
  const tEnds = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 30, -30, Number.NaN, 1e-30, -3e-8, 9.5];
  const t = bothWays((a) => jnp.tanh(a), [jnp.array([...tEnds, ...tEnds, ...tEnds, ...tEnds])]);
  assert.match(t.source, /simd_\d+\(/);
  const th = t.simd[0]!.data;
  assert.ok(Object.is(th[0], 0) && Object.is(th[1], -0), "tanh keeps the sign of zero");
  assert.deepEqual(Array.from(th.slice(2, 6)), [1, -1, 1, -1]);
  assert.ok(Number.isNaN(th[6]!));
  assert.deepEqual(Array.from(th.slice(7, 10)), [Math.fround(1e-30), Math.fround(-3e-8), Math.fround(Math.tanh(9.5))]);
});

test("loops SIMD does not take stay JavaScript: rows under 4, other dtypes, reductions over outer axes, short loops", () => {
  const cases: [string, Fn, JArray[]][] = [
    ["rows of 3", (a) => jnp.sum(jnp.exp(a), -1), [jnp.ones([40, 3])]],
    ["float64-free uint32", (a) => jnp.add(a, a), [jnp.ones([64], { dtype: "uint32" })]],
    ["sum over the outer axis", (a) => jnp.sum(a, 0), [jnp.ones([64, 64])]],
    ["16 elements", (a) => jnp.exp(a), [jnp.ones([16])]],
  ];
  for (const [label, f, args] of cases) {
    const { source, simd, js } = bothWays(f, args);
    assert.doesNotMatch(source, /simd_\d+\(/, label);
    simd.forEach((r, i) => assertSameBits(label, r, js[i]!));
  }
});

test("SIMD loops in a compiled loop body: carries in the kernel's memory read in place, arguments staged, equal to eager", () => {
  // a softmax over a 256-element carry, then the carry updated: each step reads the last step's values
  const step = (c: JArray, i: JArray): JArray => {
    const p = nn.softmax(jnp.add(c, jnp.multiply(i, 0.01)), -1);
    return jnp.subtract(c, jnp.multiply(p, 3));
  };
  const init = jnp.array(specials(4 * 256, 5).map((v) => (Number.isFinite(v) ? v : 2))).reshape([4, 256]);
  const run = (c0: JArray) => lax.foriLoop(0, 20, (i, c) => step(c, i.astype("float32")), c0);
  const values = (a: JArray) => Array.from(a.dataSync());
  const eager = values(run(init));
  const compiled = jit(run);
  assertAllClose(compiled(init), eager, { rtol: 1e-5, atol: 1e-6 });
  // calls with different arguments: staging never serves one call another's data
  const other = jnp.multiply(init, 0.5);
  assertAllClose(compiled(other), values(run(other)), { rtol: 1e-5, atol: 1e-6 });
  assertAllClose(compiled(init), eager, { rtol: 1e-5, atol: 1e-6 });
});

test("loops over more than the staging area run block by block, on helper threads where there are any, with the same bits", () => {
  // 1200 × 1000 float32: 4.8 MB per array, more than the 4 MB staging area
  const rows = 1200;
  const cols = 1000;
  const x = jnp.array(Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37) * 3)).reshape([rows, cols]);
  const bias = jnp.array(Float32Array.from({ length: cols }, (_, i) => Math.cos(i) * 0.5));
  const mask = jnp.array(
    Uint8Array.from({ length: cols }, (_, i) => i % 3),
    { dtype: "bool" },
  );
  const counts = jnp.array(Int32Array.from({ length: rows * cols }, (_, i) => i - 600000)).reshape([rows, cols]);
  const cases: [string, Fn, JArray[]][] = [
    ["broadcast and select", (a, b, m) => jnp.where(m!, a!.mul(b!).add(1), jnp.maximum(a!, b!)), [x, bias, mask]],
    ["tanh then cancellation", (a) => jnp.tanh(a).mul(2).add(1), [x]],
    ["row sums and maxima", (a) => [a.sum(1), a.max(1), jnp.exp(a.neg()).sum(1)], [x]],
    ["int32 and bool outputs", (a, k) => [k!.mul(3).add(1), a!.gt(0.5)], [x, counts]],
  ];
  for (const [label, f, args] of cases) {
    const closed = optimizeJaxpr(makeJaxpr(f)(...args));
    const impls = args as unknown as ArrayImpl[];
    assert.match(compiledSource(closed), /blocked_\d+\.run\(/, `${label}: a blocked loop\n${compiledSource(closed)}`);
    const threaded = compileJaxpr(closed)(impls);
    const saved = loopThreads.helpers;
    loopThreads.helpers = 0;
    let alone: ArrayImpl[];
    try {
      alone = compileJaxpr(closed)(impls);
    } finally {
      loopThreads.helpers = saved;
    }
    const js = compileJaxpr(closed, { simd: false })(impls);
    threaded.forEach((a, i) => {
      assertSameBits(`${label}: output ${i}, threads against one thread`, a, alone[i]!);
      assert.equal(alone[i]!.data.buffer instanceof SharedArrayBuffer, false, `${label}: one thread writes ordinary arrays`);
      // sums: float64 partial sums against JavaScript's one float64 sum; tanh: two ulps (see above)
      if (label === "row sums and maxima" || label === "tanh then cancellation")
        assertAllClose(Array.from(a.data), Array.from(js[i]!.data), { rtol: 1e-6, atol: 4 * 2 ** -24 }, `${label}: output ${i}`);
      else assertSameBits(`${label}: output ${i}, SIMD against JavaScript`, a, js[i]!);
    });
    // with a second core, the helpers wrote fresh outputs on SharedArrayBuffers
    if (helpers() !== null && label !== "row sums and maxima")
      assert.ok(threaded[0]!.data.buffer instanceof SharedArrayBuffer, `${label}: threaded outputs`);
  }
});

test("arrays on SharedArrayBuffers (threaded loops' outputs) feed onnxruntime and read back as ordinary arrays", () => {
  const x = jnp.array(Float32Array.from({ length: 1 << 21 }, (_, i) => (i % 1000) / 100));
  const y = jit((a: JArray) => jnp.tanh(a).mul(2).add(1), { backend: "cpu" })(x);
  if (helpers() !== null) assert.ok((y as unknown as ArrayImpl).data.buffer instanceof SharedArrayBuffer);
  const z = jit((a: JArray) => a.mul(3), { backend: "ort" })(y);
  const ys = y.dataSync();
  assert.ok(ys.buffer instanceof ArrayBuffer);
  const zs = z.dataSync();
  for (let i = 0; i < ys.length; i += 4099) assert.equal(zs[i], Math.fround(ys[i]! * 3));
});
