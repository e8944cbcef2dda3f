// The ort backend, primitive by primitive: each jaxpr run by onnxruntime must match the cpu
// engine, exactly for integers and bools (wraparound, division by zero, shifts past the
// width, float-to-int conversion) and within 1e-5 for floats, special values included.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OrtUnsupported } from "../src/backends/ort/graph.js";
import { lowerToOnnx } from "../src/backends/ort/lower.js";
import { compileOrt } from "../src/backends/ort/session.js";
import type { ArrayImpl } from "../src/core/array.js";
import type { DType, Array as JArray } from "../src/index.js";
import { numpy as jnp, lax, makeJaxpr } from "../src/index.js";
import { cholesky } from "../src/primitives/linalg.js";
import { fma } from "../src/random/fma.js";
import { checkOrt, requireOrt } from "./ort_helpers.js";

const arr = (data: number[], dtype: DType = "float32", shape?: number[]): JArray => {
  const a = jnp.array(data, { dtype });
  return shape ? a.reshape(shape) : a;
};
const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;
const SPECIAL = [-3.5, -1, -0.5, -0, 0, 1e-8, -1e-7, 0.5, 1, 2.5, 3, 40, NAN, INF, -INF];

test("onnxruntime-node is installed and loads", () => {
  requireOrt();
});

test("float32 unary ops, special values included", () => {
  const x = arr(SPECIAL);
  const ops = [lax.sin, lax.cos, lax.tan, lax.tanh, lax.exp, lax.log, lax.log1p, lax.expm1, lax.sqrt, lax.rsqrt, lax.logistic];
  checkOrt((x: JArray) => ops.map((f) => f(x)), [x], { rtol: 2e-6 });
  const exact = [lax.abs, lax.sign, lax.floor, lax.ceil, lax.round, lax.isFinite, lax.neg];
  checkOrt((x: JArray) => exact.map((f) => f(x)), [x], { rtol: 0, atol: 0 });
  // round: half to even
  checkOrt((x: JArray) => lax.round(x), [arr([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999])], { rtol: 0, atol: 0 });
});

test("log1p and expm1 stay accurate near zero", () => {
  const x = arr([1e-10, -1e-10, 3e-8, 1e-5, -1e-5, 1e-3, -0.9999, 80, -80]);
  checkOrt((x: JArray) => [lax.log1p(x), lax.expm1(x)], [x], { rtol: 4e-7, atol: 0 });
});

test("float32 binary ops with special values", () => {
  const n = SPECIAL.length;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      xs.push(SPECIAL[i]!);
      ys.push(SPECIAL[j]!);
    }
  const x = arr(xs);
  const y = arr(ys);
  checkOrt(
    (x: JArray, y: JArray) => [lax.add(x, y), lax.sub(x, y), lax.mul(x, y), lax.div(x, y), lax.max(x, y), lax.min(x, y), lax.rem(x, y)],
    [x, y],
    { rtol: 0, atol: 0 },
  );
  checkOrt((x: JArray, y: JArray) => lax.atan2(x, y), [x, y], { rtol: 2e-6, atol: 1e-7 });
  // pow: as in JAX (and C), 1 ** y = 1 and (-1) ** ±inf = 1; the cpu engine's Math.pow gives NaN there
  const keep = xs.map((v, i) => !(Math.abs(v) === 1 && !Number.isFinite(ys[i]!)));
  const px = arr(xs.filter((_, i) => keep[i]));
  const py = arr(ys.filter((_, i) => keep[i]));
  checkOrt((x: JArray, y: JArray) => lax.pow(x, y), [px, py], { rtol: 2e-6, atol: 1e-7 });
  const jaxPow = compileOrt(makeJaxpr((x: JArray, y: JArray) => lax.pow(x, y))(arr([1, 1, -1, -1]), arr([NAN, INF, INF, -INF])));
  assert.deepEqual(jaxPow([arr([1, 1, -1, -1]), arr([NAN, INF, INF, -INF])] as ArrayImpl[])[0]!.tolist(), [1, 1, 1, 1]);
  checkOrt((x: JArray, y: JArray) => [lax.eq(x, y), lax.ne(x, y), lax.lt(x, y), lax.le(x, y), lax.gt(x, y), lax.ge(x, y)], [x, y]);
});

test("float64 ops", () => {
  const x = arr([-2.5, -0.3, 1e-12, 0.7, 1.5, 3, 30], "float64");
  const y = arr([1.5, -2, 3, 0.25, -0.5, 2, 7], "float64");
  const ops = [lax.sin, lax.cos, lax.tan, lax.tanh, lax.exp, lax.log1p, lax.expm1, lax.logistic, lax.rsqrt];
  const got = checkOrt(
    (x: JArray, y: JArray) => [...ops.map((f) => f(lax.abs(x))), lax.div(x, y), lax.pow(lax.abs(x), y), lax.rem(x, y)],
    [x, y],
    { rtol: 1e-14, atol: 0 },
  );
  assert.equal(got[0]!.dtype, "float64");
});

test("int32 arithmetic wraps and divides like the cpu engine (division by zero, INT_MIN / -1)", () => {
  const a = arr([7, -7, 7, -7, 0, -2147483648, 2147483647, 5, -2147483648], "int32");
  const b = arr([3, 3, -3, -3, 0, -1, 1, 0, 2147483647], "int32");
  checkOrt(
    (a: JArray, b: JArray) => [
      lax.add(a, b),
      lax.sub(a, b),
      lax.mul(a, b),
      lax.div(a, b),
      lax.rem(a, b),
      lax.max(a, b),
      lax.min(a, b),
      lax.and(a, b),
      lax.or(a, b),
      lax.xor(a, b),
      lax.not(a),
      lax.neg(a),
      lax.abs(a),
      lax.sign(a),
      lax.lt(a, b),
      lax.eq(a, b),
    ],
    [a, b],
  );
});

test("shifts past the width and of negative values", () => {
  for (const [dtype, xs] of [
    ["int32", [1, -8, 0x40000000, -1, 5, 7, -2147483648, 3]],
    ["uint32", [1, 0xfffffff8, 0x40000000, 0xffffffff, 5, 7, 0x80000000, 3]],
    ["int8", [1, -8, 64, -1, 5, 7, -128, 3]],
    ["uint8", [1, 248, 64, 255, 5, 7, 128, 3]],
    ["int16", [1, -8, 0x4000, -1, 5, 7, -32768, 3]],
    ["uint16", [1, 0xfff8, 0x4000, 0xffff, 5, 7, 0x8000, 3]],
  ] as [DType, number[]][]) {
    const signed = !dtype.startsWith("u");
    const x = arr(xs, dtype);
    const y = arr(signed ? [1, 1, 2, 31, 32, -1, 7, 15] : [1, 1, 2, 31, 32, 0, 7, 15], dtype);
    checkOrt((x: JArray, y: JArray) => [lax.shiftLeft(x, y), lax.shiftRightLogical(x, y), lax.shiftRightArithmetic(x, y)], [x, y]);
  }
});

test("narrow and unsigned integers: wraparound, proxies, division by zero", () => {
  for (const [dtype, xs, ys] of [
    ["uint32", [4294967295, 3, 2147483648, 5, 7], [3, 4294967295, 2, 0, 2]],
    ["int8", [127, -128, 100, -100, 9], [1, -1, 100, 3, 0]],
    ["uint8", [255, 0, 200, 3, 9], [1, 1, 100, 7, 0]],
    ["int16", [32767, -32768, 300, -300, 9], [1, -1, 300, 7, 0]],
    ["uint16", [65535, 1, 40000, 0, 9], [1, 2, 40000, 3, 0]],
  ] as [DType, number[], number[]][]) {
    const a = arr(xs, dtype);
    const b = arr(ys, dtype);
    checkOrt(
      (a: JArray, b: JArray) => [
        lax.add(a, b),
        lax.sub(a, b),
        lax.mul(a, b),
        lax.div(a, b),
        lax.rem(a, b),
        lax.max(a, b),
        lax.min(a, b),
        lax.neg(a),
        lax.abs(a),
        lax.lt(a, b),
        lax.ge(a, b),
        lax.select(lax.lt(a, b), a, b),
        jnp.sum(a),
        jnp.max(a),
        jnp.argmin(a),
      ],
      [a, b],
    );
  }
});

test("integer_pow, floats and ints, negative exponents included", () => {
  const xf = arr([2, -1.5, 0.5, 3, -0, 10]);
  checkOrt((x: JArray) => [0, 1, 2, 3, 5, -1, -2].map((n) => lax.integerPow(x, n)), [xf], { rtol: 1e-6 });
  const xi = arr([2, -1, 1, 0, 3, -2, 65537], "int32");
  checkOrt((x: JArray) => [0, 1, 2, 3, 5, -1, -2, -3].map((n) => lax.integerPow(x, n)), [xi]);
});

test("conversions: float to int truncates and wraps (NaN, inf -> 0), NaN to bool is false", () => {
  const x = arr([NAN, INF, -INF, 3e9, -2.7, 2.7, -0.5, 5e9, 255.9, -129]);
  const targets: DType[] = ["int32", "uint32", "int8", "uint8", "int16", "uint16", "bool", "float64"];
  checkOrt((x: JArray) => targets.map((t) => lax.convertElementType(x, t)), [x]);
  const i = arr([-2147483648, -1, 0, 1, 2147483647], "int32");
  checkOrt((i: JArray) => (["bool", "float32", "uint32", "int8", "float64"] as DType[]).map((t) => lax.convertElementType(i, t)), [i]);
  const u = arr([0, 1, 4294967295, 2147483648], "uint32");
  checkOrt((u: JArray) => [lax.convertElementType(u, "float32"), lax.convertElementType(u, "int32")], [u]);
  const d = arr([1e300, -1e300, 0.1, 1 / 3], "float64");
  checkOrt((d: JArray) => lax.convertElementType(d, "float32"), [d]);
});

test("bitcast_convert_type (opset 26)", () => {
  const u = arr([0x3f800000, 0x40490fdb, 0x7f800000, 0x80000000], "uint32");
  checkOrt(
    (u: JArray) => [lax.bitcastConvertType(u, "float32"), lax.bitcastConvertType(lax.bitcastConvertType(u, "float32"), "int32")],
    [u],
  );
});

test("fma rounds once, ties after the float64 sum included", () => {
  // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 is a float32 midpoint: ±2^-80 decides the rounding
  const a = 1 + 2 ** -12;
  const xs = [a, a, a, 1.5, -3.25, 1e30, 7];
  const ys = [a, a, -a, 2.5, 0.1, 1e30, 0];
  const zs = [2 ** -80, -(2 ** -80), 2 ** -80, -3.75, 0.3, -1e30, -0];
  const det = Array.from({ length: 30 }, (_, i) => Math.sin(i * 12.9898) * 100);
  const x = arr([...xs, ...det]);
  const y = arr([...ys, ...det.map((v) => v / 7)]);
  const z = arr([...zs, ...det.map((v) => v * v)]);
  const got = checkOrt((x: JArray, y: JArray, z: JArray) => fma(x, y, z), [x, y, z], { rtol: 0, atol: 0 });
  assert.deepEqual((got[0]!.tolist() as number[]).slice(0, 2), [1 + 2 ** -11 + 2 ** -23, 1 + 2 ** -11]);
});

test("select_n with a bool and an int32 selector", () => {
  const which = arr([0, 2, 1, 1, 0], "int32");
  const a = arr([1, 2, 3, 4, 5]);
  const b = arr([10, 20, 30, 40, 50]);
  const c = arr([100, 200, 300, 400, 500]);
  checkOrt(
    (w: JArray, a: JArray, b: JArray, c: JArray) => [
      lax.selectN(w, [a, b, c]),
      lax.select(lax.gt(a, lax.convertElementType(w, "float32")), a, b),
    ],
    [which, a, b, c],
  );
  const p = arr([1, 0, 1], "bool");
  const ia = arr([5, 6, 7], "uint16");
  checkOrt((p: JArray, x: JArray) => [lax.select(p, x, lax.neg(x)), lax.select(p, p, lax.not(p))], [p, ia]);
});

test("broadcasting, reshape, transpose, slice, pad (interior and negative), concatenate, rev, iota", () => {
  const x = jnp.arange(0, 24, { dtype: "float32" }).reshape([2, 3, 4]);
  const v = arr([1, 2, 3]);
  checkOrt(
    (x: JArray, v: JArray) => [
      lax.add(x, lax.broadcastInDim(v, [2, 3, 4], [1])),
      lax.broadcastInDim(v, [3, 2], [0]),
      lax.mul(lax.broadcastInDim(lax.reduceSum(v, [0]), [2, 3, 4], []), x),
      lax.reshape(lax.transpose(x, [2, 0, 1]), [8, 3]),
      lax.slice(x, [0, 1, 0], [2, 3, 4], [1, 1, 3]),
      lax.pad(x, jnp.array(-1, { dtype: "float32" }), [
        [1, -1, 1],
        [-1, 2, 0],
        [0, 0, 2],
      ]),
      lax.concatenate([x, lax.neg(x)], 1),
      lax.rev(x, [0, 2]),
      lax.iota("int32", [3, 4], 1),
      lax.add(lax.iota("float32", [4, 3], 0), lax.broadcastInDim(v, [4, 3], [1])),
    ],
    [x, v],
  );
  const b = arr([1, 0, 1, 1, 0, 0], "bool", [2, 3]);
  const h = arr([1, 2, 3, 4, 5, 6], "uint16", [2, 3]);
  checkOrt(
    (b: JArray, h: JArray) => [
      lax.pad(b, jnp.array(true), [
        [1, 1, 1],
        [0, 2, 0],
      ]),
      lax.pad(h, jnp.array(9, { dtype: "uint16" }), [
        [0, 1, 1],
        [1, 0, 0],
      ]),
      lax.transpose(b, [1, 0]),
    ],
    [b, h],
  );
});

test("reductions propagate NaN; argmax/argmin take the first extreme and the first NaN", () => {
  const x = arr([1, NAN, 3, 2, 5, 6, 7, 7, -1, -1, -INF, 0], "float32", [3, 4]);
  checkOrt(
    (x: JArray) => [
      lax.reduceMax(x, [1]),
      lax.reduceMin(x, [1]),
      lax.reduceMax(x, [0]),
      lax.reduceSum(x, [0, 1]),
      lax.reduceProd(x, [1]),
      lax.argmax(x, 1, "int32"),
      lax.argmin(x, 1, "int32"),
      lax.argmax(x, 0, "int32"),
    ],
    [x],
  );
  const u = arr([4294967295, 1, 2147483648, 7, 0, 9], "uint32", [2, 3]);
  checkOrt(
    (u: JArray) => [lax.reduceMax(u, [1]), lax.reduceMin(u, [0]), lax.reduceSum(u, [1]), lax.reduceProd(u, [1]), lax.argmax(u, 1, "int32")],
    [u],
  );
  const b = arr([1, 0, 1, 1, 1, 1], "bool", [2, 3]);
  checkOrt((b: JArray) => [lax.reduceMax(b, [1]), lax.reduceMin(b, [0]), lax.reduceSum(lax.convertElementType(b, "int32"), [1])], [b]);
});

test("dot_general: matmul, transposed operands, batch dims, vectors, int32 and float64", () => {
  const a = jnp.arange(0, 12, { dtype: "float32" }).reshape([3, 4]).div(7);
  const b = jnp.arange(0, 20, { dtype: "float32" }).reshape([4, 5]).sub(9);
  const c = jnp.arange(0, 24, { dtype: "float32" }).reshape([2, 3, 4]).mul(0.3);
  const d = jnp.arange(0, 40, { dtype: "float32" }).reshape([2, 4, 5]).sub(20);
  const dims = (lc: number[], rc: number[], lb: number[] = [], rb: number[] = []) => ({
    lhsContracting: lc,
    rhsContracting: rc,
    lhsBatch: lb,
    rhsBatch: rb,
  });
  checkOrt(
    (a: JArray, b: JArray, c: JArray, d: JArray) => [
      lax.dotGeneral(a, b, dims([1], [0])),
      lax.dotGeneral(b, a, dims([0], [1])), // both transposed
      lax.dotGeneral(a, a, dims([0], [0])), // a^T a
      lax.dotGeneral(c, d, dims([2], [1], [0], [0])), // batched
      lax.dotGeneral(d, c, dims([1], [2], [0], [0])), // batched, transposed
      lax.dotGeneral(c, c, dims([1, 2], [1, 2], [0], [0])), // batched vector dot
      lax.dotGeneral(c, b, dims([2], [0])), // [2,3,5]
      lax.dotGeneral(a, a, dims([0, 1], [0, 1])), // full contraction
    ],
    [a, b, c, d],
  );
  const ia = arr([1, -2, 3, 4, 5, -6], "int32", [2, 3]);
  checkOrt(
    (x: JArray) => [
      lax.dotGeneral(x, x, dims([1], [1])),
      lax.dotGeneral(lax.convertElementType(x, "int8"), lax.convertElementType(x, "int8"), dims([0], [0])),
    ],
    [ia],
  );
  const f = jnp.arange(0, 6, { dtype: "float64" }).reshape([2, 3]).div(3);
  checkOrt((x: JArray) => lax.dotGeneral(x, x, dims([1], [1])), [f], { rtol: 1e-14 });
});

test("cumulative reductions, both directions", () => {
  const x = arr([1, -2, NAN, 4, 0.5, 3, -1, 2, 2, 5, -3, 1.5], "float32", [3, 4]);
  checkOrt(
    (x: JArray) =>
      [0, 1].flatMap((axis) =>
        [false, true].flatMap((reverse) => [
          lax.cumsum(x, axis, reverse),
          lax.cumprod(x, axis, reverse),
          lax.cummax(x, axis, reverse),
          lax.cummin(x, axis, reverse),
        ]),
      ),
    [x],
    { rtol: 1e-6 },
  );
  const i = arr([3, -1, 2147483647, 2, 5, -7, 1, 9, 4], "int32", [9]);
  checkOrt((i: JArray) => [lax.cumsum(i, 0), lax.cumprod(i, 0, true), lax.cummax(i, 0), lax.cummin(i, 0, true)], [i]);
  const u = arr([3, 4294967295, 2, 7], "uint32");
  checkOrt((u: JArray) => [lax.cumsum(u, 0), lax.cummax(u, 0), lax.cummin(u, 0)], [u]);
});

test("sort: several keys, NaN last, payloads, int and uint keys", () => {
  const k1 = arr([3, 1, NAN, 1, -0, 0, 2, NAN, -INF, 3], "float32", [2, 5]);
  const k2 = arr([5, 4, 3, 2, 1, 0, 1, 2, 3, 4], "int32", [2, 5]);
  const p = arr([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "float32", [2, 5]);
  checkOrt(
    (k1: JArray, k2: JArray, p: JArray) => [
      ...lax.sort([k1, k2, p], { dimension: 1, numKeys: 2 }),
      ...lax.sort([k2, k1], { dimension: 0, numKeys: 1 }),
    ],
    [k1, k2, p],
  );
  const u = arr([4294967295, 3, 2147483648, 3, 0], "uint32");
  checkOrt((u: JArray) => [...lax.sort([u], { dimension: 0 }), ...lax.topK(u, 2), jnp.argsort(u)], [u]);
});

test("gather (clamped and filled) and the scatter family (duplicates apply in order, out of bounds dropped or clipped)", () => {
  const x = jnp.arange(0, 12, { dtype: "float32" }).reshape([4, 3]);
  const idx = arr([0, 3, -2, 1, 9, 2, 3], "int32", [7, 1]);
  const idx2 = arr([0, 1, 3, 2, 5, 0, -1, 1], "int32", [4, 2]);
  checkOrt(
    (x: JArray, i: JArray, j: JArray) => [
      lax.gather(x, i, { mode: "clip" }),
      lax.gather(x, i, { mode: "fill" }),
      lax.gather(x, j, { mode: "fill", fillValue: -7 }),
      lax.gather(x, j),
    ],
    [x, idx, idx2],
  );
  const upd = jnp.arange(0, 21, { dtype: "float32" }).reshape([7, 3]).add(100);
  checkOrt(
    (x: JArray, i: JArray, u: JArray) => [
      lax.scatter(x, i, u),
      lax.scatterAdd(x, i, u),
      lax.scatterMul(x, i, u),
      lax.scatterAdd(x, i, u, { mode: "clip" }),
    ],
    [x, idx, upd],
  );
  const xi = jnp.arange(0, 12, { dtype: "int32" }).reshape([4, 3]);
  const ui = jnp.arange(0, 21, { dtype: "int32" }).reshape([7, 3]).sub(10);
  checkOrt(
    (x: JArray, i: JArray, u: JArray) => [lax.scatterMin(x, i, u), lax.scatterMax(x, i, u), lax.scatter(x, i, u, { mode: "clip" })],
    [xi, idx, ui],
  );
  const flags = arr([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "bool", [4, 3]);
  const ub = arr([1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0], "bool", [7, 3]);
  checkOrt((x: JArray, i: JArray, u: JArray) => [lax.scatterAdd(x, i, u), lax.scatter(x, i, u), lax.scatterMax(x, i, u)], [flags, idx, ub]);
});

test("dynamic_slice and dynamic_update_slice clamp their starts", () => {
  const x = jnp.arange(0, 20, { dtype: "float32" }).reshape([4, 5]);
  const u = arr([-1, -2, -3, -4], "float32", [2, 2]);
  for (const [s0, s1] of [
    [1, 2],
    [-3, 9],
    [3, 4],
  ]) {
    const i = jnp.array(s0!, { dtype: "int32" });
    const j = jnp.array(s1!, { dtype: "int32" });
    checkOrt(
      (x: JArray, u: JArray, i: JArray, j: JArray) => [lax.dynamicSlice(x, [i, j], [2, 3]), lax.dynamicUpdateSlice(x, u, [i, j])],
      [x, u, i, j],
    );
  }
});

test("a host primitive: one model cannot hold it (OrtUnsupported names it); compiled alone it is left to the cpu engine", () => {
  const m = jnp.array([
    [4, 1],
    [1, 3.5],
  ]);
  const closed = makeJaxpr((m: JArray) => cholesky(m))(m);
  assert.throws(
    () => lowerToOnnx(closed),
    (e: unknown) => e instanceof OrtUnsupported && /cholesky/.test(e.message),
  );
  assert.throws(
    () => compileOrt(closed),
    (e: unknown) => e instanceof OrtUnsupported && /no equation/.test(e.message),
  );
});

test("16-bit floats compute in float32 and round after every equation", () => {
  for (const dtype of ["float16", "bfloat16"] as const) {
    const h = jnp.array([1, 2.5, 1000.1], { dtype });
    const f = (h: JArray) => h.mul(h).add(1);
    const closed = makeJaxpr(f)(h);
    const [out] = compileOrt(closed)([h as unknown as ArrayImpl]);
    assert.equal(out!.dtype, dtype);
    assert.deepEqual(out!.tolist(), f(h).tolist());
  }
});

test("sessions are cached per jaxpr", () => {
  const closed = makeJaxpr((x: JArray) => x.mul(2))(arr([1, 2]));
  assert.equal(compileOrt(closed), compileOrt(closed));
});
