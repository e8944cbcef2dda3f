// Every primitive's rules, checked directly on `bind(prim, operands, params)`:
//  * jvp against central finite differences in float64, vjp against jvp (<ct, J·t> ==
//    <Jᵀ·ct, t>, which runs the transpose rules), and the same for the derivative functions
//    (second order), differentiating all float operands and each one alone;
//  * primitives without a derivative (integer/bool results, bit manipulation, stop_gradient):
//    their jvp gives a zero tangent;
//  * vmap equals stacking the per-example results, with every operand batched, with only
//    some of them batched, and with the batch axis at 0 and at 1;
//  * linear primitives: the transpose rule itself, <ct, L(t)> == <Lᵀ(ct), t>;
//  * jit(f) equals f (and jit(vmap(f)) equals vmap(f)), and the eager outputs have the avals
//    abstractEval promises.
// The table below must name every registered primitive: a new primitive without an entry
// fails the "table covers the registry" test. The last test checks that every jvp, batch
// and transpose rule actually ran (and each transpose rule for each of its linear operands).
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArrayImpl } from "../src/core/array.js";
import { ShapedArray } from "../src/core/aval.js";
import { allPrimitives, type Primitive, UndefPrimal, Zero } from "../src/core/primitive.js";
import { bind } from "../src/core/trace.js";
import type { DType, Array as JArray } from "../src/index.js";
import { jit, jvp, vjp, vmap } from "../src/index.js";
// Primitives that src/index.ts may not import yet: importing them registers them.
import "../src/primitives/control_flow.js";
import "../src/primitives/cumulative.js";
import "../src/primitives/debug_callback.js";
import "../src/primitives/dynamic_slice.js";
import "../src/primitives/gather_scatter.js";
import "../src/primitives/linalg.js";
import "../src/primitives/softmax.js";
import "../src/primitives/sort.js";
import "../src/primitives/special.js";
import "../src/primitives/threefry.js";
import "../src/primitives/window_patches.js";
import "../src/transforms/checkpoint.js";
import "../src/transforms/custom.js";
import { debugCallbackP } from "../src/primitives/debug_callback.js";
import { add, cos, lt, mul, sin, tanh } from "../src/primitives/elementwise.js";
import { concatenate, fullLike, transpose as laxTranspose, reshape } from "../src/primitives/shape_ops.js";
import { traceToJaxpr } from "../src/transforms/stage.js";
import { asList, type CheckGradsOpts, checkGrads, inner, makeArray, Rng, randomLike } from "./fd.js";
import { assertAllClose } from "./helpers.js";

// ---------------------------------------------------------------------------
// sample operands

type Shape = readonly number[];
const f64 = (r: Rng, s: Shape, lo = -2, hi = 2) => makeArray(s, "float64", () => r.uniform(lo, hi));
const normal = (r: Rng, s: Shape) => makeArray(s, "float64", () => r.normal());
/** |x| in [lo, hi] with a random sign: away from zero. */
const away = (r: Rng, s: Shape, lo: number, hi: number) => makeArray(s, "float64", () => r.sign() * r.uniform(lo, hi));
const ints = (r: Rng, s: Shape, lo: number, hi: number, dtype: DType = "int32") => makeArray(s, dtype, () => r.int(lo, hi));
const bools = (r: Rng, s: Shape) => makeArray(s, "bool", () => r.int(0, 2));
/** Integers plus a fraction in [lo, hi]: away from the jumps of floor/ceil/round. */
const fractional = (r: Rng, s: Shape, lo: number, hi: number) => makeArray(s, "float64", () => r.int(-3, 4) + r.sign() * r.uniform(lo, hi));

interface Case {
  label: string;
  params: unknown;
  /** The operands of one example (vmap stacks several). */
  sample: (r: Rng) => JArray[];
  /** Operands to differentiate (default: every float operand). */
  diff?: number[];
  /** Why this case of a differentiable primitive has no derivative check (its jvp must give zeros instead). */
  noGrad?: string;
  /** Where this primitive's derivative is checked instead (e.g. an implicit gradient that finite differences cannot see). */
  derivativesElsewhere?: string;
  /** The params of the linear map the transpose rule transposes, where they differ (a tangent's fill value is 0). */
  linearParams?: unknown;
  /** Lax-level preprocessing of the operands inside every checked function (e.g. symmetrizing a matrix). */
  pre?: (xs: JArray[]) => JArray[];
  grads?: CheckGradsOpts;
}

const S23 = [2, 3];
const unary = (sample: (r: Rng) => JArray): Case[] => [{ label: "[2,3]", params: {}, sample: (r) => [sample(r)] }];
const binary = (a: (r: Rng) => JArray, b: (r: Rng, x: JArray) => JArray): Case[] => [
  {
    label: "[2,3] x [2,3]",
    params: {},
    sample: (r) => {
      const x = a(r);
      return [x, b(r, x)];
    },
  },
];
/** y = x ± (0.1 .. 1): no ties for max/min. */
const apart = (r: Rng, x: JArray) => {
  const xv = x.dataSync();
  return makeArray(x.shape, "float64", (i) => xv[i]! + r.sign() * r.uniform(0.1, 1));
};
const bitwise: Case[] = [
  { label: "int32", params: {}, sample: (r) => [ints(r, S23, -1000, 1000), ints(r, S23, -1000, 1000)] },
  { label: "uint8", params: {}, sample: (r) => [ints(r, S23, 0, 256, "uint8"), ints(r, S23, 0, 256, "uint8")] },
  { label: "bool", params: {}, sample: (r) => [bools(r, S23), bools(r, S23)] },
];
const shifts: Case[] = [
  { label: "int32", params: {}, sample: (r) => [ints(r, S23, -5000, 5000), ints(r, S23, 0, 34)] },
  { label: "uint8", params: {}, sample: (r) => [ints(r, S23, 0, 256, "uint8"), ints(r, S23, 0, 9, "uint8")] },
];
/** Small integers as floats: ties are frequent, which comparisons must get right. */
const comparison: Case[] = [
  { label: "float64 with ties", params: {}, sample: (r) => [ints(r, [3, 2], -2, 3, "float64"), ints(r, [3, 2], -2, 3, "float64")] },
  { label: "int32", params: {}, sample: (r) => [ints(r, [4], -3, 3), ints(r, [4], -3, 3)] },
];
const dims = (lc: number[], rc: number[], lb: number[] = [], rb: number[] = []) => ({
  dims: { lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb },
  preferredElementType: null,
});
const dot = (label: string, ls: Shape, rs: Shape, params: unknown): Case => ({
  label,
  params,
  sample: (r) => [normal(r, ls), normal(r, rs)],
});
/** Rows of x with the given number of zeros each (reduce_prod's special cases). */
const withZeros = (r: Rng, zerosPerRow: number) =>
  makeArray([3, 4], "float64", (i) => (i % 4 < zerosPerRow ? 0 : r.sign() * r.uniform(0.5, 1.5)));

// control flow: the sub-jaxprs are traced from lax-level functions without array constants
const V2 = new ShapedArray([2], "float64");
const V3 = new ShapedArray([3], "float64");
const I32 = new ShapedArray([], "int32");
const ONE = ArrayImpl.scalar(1, "int32");
function jaxpr(fn: (xs: JArray[]) => JArray[], avals: ShapedArray[]) {
  const j = traceToJaxpr(fn, avals);
  assert.equal(j.consts.length, 0, "control-flow sub-jaxprs take their constants as operands");
  return j;
}
const condTwo = {
  branches: [jaxpr(([x, y]) => [mul(sin(x!), y!)], [V3, V3]), jaxpr(([x, y]) => [add(cos(x!), mul(y!, y!))], [V3, V3])],
};
const condThree = {
  branches: [jaxpr(([x]) => [x!, sin(x!)], [V3]), jaxpr(([x]) => [mul(x!, x!), x!], [V3]), jaxpr(([x]) => [tanh(x!), cos(x!)], [V3])],
};
const scanPlain = {
  jaxpr: jaxpr(([c, x]) => [add(mul(c!, sin(x!)), x!), mul(c!, x!)], [V2, V2]),
  numConsts: 0,
  numCarry: 1,
  length: 4,
  reverse: false,
};
const scanReverse = {
  jaxpr: jaxpr(([w, c, x]) => [tanh(add(mul(w!, c!), x!)), add(c!, w!)], [V2, V2, V2]),
  numConsts: 1,
  numCarry: 1,
  length: 3,
  reverse: true,
};
/** while i < n: (i, x) = (i + 1, sin(x) * w + x); operands [n, w, i, x]. */
const whileCounter = {
  cond: jaxpr(([n, i]) => [lt(i!, n!)], [I32, I32, V2]),
  body: jaxpr(([w, i, x]) => [add(i!, ONE), add(mul(sin(x!), w!), x!)], [V2, I32, V2]),
  condNumConsts: 1,
  bodyNumConsts: 1,
};

const patches = (windowDims: number[], strides: number[], dilation: number[]) => ({ windowDims, strides, dilation });
const checkpointParams = { jaxpr: jaxpr(([x, y]) => [mul(sin(x!), y!)], [V3, V3]) };
const customJvpParams = {
  fun: jaxpr(([x]) => [sin(x!)], [V3]),
  jvp: ([x]: JArray[], [t]: JArray[]) => [[sin(x!)], [mul(cos(x!), t!)]],
  numConsts: 0,
};
const customVjpParams = {
  fun: jaxpr(([x]) => [sin(x!)], [V3]),
  fwd: ([x]: JArray[]) => [[sin(x!)], [cos(x!)]],
  bwd: ([c]: JArray[], [ct]: JArray[]) => [mul(c!, ct!)],
  numConsts: 0,
};

// indices and matrices
/** `n` distinct rows of [0, size) as a [n, 1] int32 index array. */
const distinctRows = (r: Rng, size: number, n: number) => {
  const all = [...Array(size).keys()].sort(() => r.next() - 0.5);
  return makeArray([n, 1], "int32", (i) => all[i]!);
};
const matrix = (n: number, m: number, f: (i: number, j: number) => number) =>
  makeArray([n, m], "float64", (k) => f(Math.floor(k / m), k % m));
const solve = (leftSide: boolean, lower: boolean, transposeA: boolean, unitDiagonal: boolean) => ({
  leftSide,
  lower,
  transposeA,
  unitDiagonal,
});
/** A well-conditioned triangular matrix (the other triangle holds noise the solve must not read). */
const triangular = (r: Rng, n: number, lower: boolean) =>
  matrix(n, n, (i, j) => (i === j ? r.sign() * r.uniform(1, 2) : j < i === lower ? 0.3 * r.normal() : 10 * r.normal()));
/** M·Mᵀ + n·I: symmetric positive definite. */
const spd = (r: Rng, n: number) => {
  const m = Array.from({ length: n * n }, () => r.normal());
  return matrix(n, n, (i, j) => m.slice(i * n, i * n + n).reduce((s, v, k) => s + v * m[j * n + k]!, 0) + (i === j ? n : 0));
};
/** diag(1, 2.5, 4, ...) plus a small symmetric perturbation: well-separated eigenvalues. */
const separated = (r: Rng, n: number) => {
  const e = Array.from({ length: n * n }, () => 0.2 * r.normal());
  return matrix(n, n, (i, j) => (i === j ? 1 + 1.5 * i : 0) + e[i * n + j]! + e[j * n + i]!);
};
/** Rows r0, r1, r0 + r1 of small integers, so that the LU factors are exactly singular. */
const rankTwo = (r: Rng) => {
  const a = [r.int(-3, 4), r.int(-3, 4), r.int(1, 4)];
  const b = [r.int(1, 4), r.int(-3, 4), r.int(-3, 0)];
  return matrix(3, 3, (i, j) => (i === 0 ? a[j]! : i === 1 ? b[j]! : a[j]! + b[j]!));
};
/** (x + xᵀ) / 2: the symmetric matrices eigh and cholesky are defined on (and symmetric tangents). */
const symmetrized = ([x]: JArray[]) => [mul(add(x!, laxTranspose(x!, [1, 0])), fullLike(x!.aval, 0.5))];

const TABLE: Record<string, Case[]> = {
  neg: unary((r) => normal(r, S23)),
  sin: unary((r) => normal(r, S23)),
  cos: unary((r) => normal(r, S23)),
  tan: unary((r) => f64(r, S23, -1, 1)),
  tanh: unary((r) => normal(r, S23)),
  exp: unary((r) => f64(r, S23)),
  log: unary((r) => f64(r, S23, 0.5, 3)),
  log1p: unary((r) => f64(r, S23, -0.5, 2)),
  expm1: unary((r) => f64(r, S23)),
  sqrt: unary((r) => f64(r, S23, 0.5, 3)),
  rsqrt: unary((r) => f64(r, S23, 0.5, 3)),
  logistic: unary((r) => normal(r, S23)),
  softmax: [
    { label: "[2,3]", params: {}, sample: (r) => [normal(r, S23)] },
    { label: "[2,2,4]", params: {}, sample: (r) => [normal(r, [2, 2, 4])] },
  ],
  abs: unary((r) => away(r, S23, 0.2, 2)),
  sign: unary((r) => away(r, S23, 0.2, 2)),
  floor: unary((r) => fractional(r, S23, 0.2, 0.8)),
  ceil: unary((r) => fractional(r, S23, 0.2, 0.8)),
  round: unary((r) => fractional(r, S23, 0.1, 0.4)),
  not: [
    { label: "int32", params: {}, sample: (r) => [ints(r, S23, -100, 100)] },
    { label: "bool", params: {}, sample: (r) => [bools(r, S23)] },
  ],
  is_finite: unary((r) =>
    makeArray(S23, "float64", (i) => [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY][i] ?? r.normal()),
  ),
  add: binary(
    (r) => normal(r, S23),
    (r) => normal(r, S23),
  ),
  sub: binary(
    (r) => normal(r, S23),
    (r) => normal(r, S23),
  ),
  mul: binary(
    (r) => normal(r, S23),
    (r) => normal(r, S23),
  ),
  div: binary(
    (r) => normal(r, S23),
    (r) => away(r, S23, 0.5, 2),
  ),
  // |x / y| in [2.33, 2.88]: away from the jumps of trunc(x / y)
  rem: binary(
    (r) => away(r, S23, 2.1, 2.3),
    (r) => away(r, S23, 0.8, 0.9),
  ),
  pow: binary(
    (r) => f64(r, S23, 0.5, 2),
    (r) => f64(r, S23, -2, 2),
  ),
  max: binary((r) => normal(r, S23), apart),
  min: binary((r) => normal(r, S23), apart),
  atan2: binary(
    (r) => away(r, S23, 0.3, 2),
    (r) => away(r, S23, 0.3, 2),
  ),
  and: bitwise,
  or: bitwise,
  xor: bitwise,
  shift_left: shifts,
  shift_right_logical: shifts,
  shift_right_arithmetic: shifts,
  eq: comparison,
  ne: comparison,
  lt: comparison,
  le: comparison,
  gt: comparison,
  ge: comparison,
  integer_pow: [
    { label: "y=2", params: { y: 2 }, sample: (r) => [normal(r, S23)] },
    { label: "y=3", params: { y: 3 }, sample: (r) => [normal(r, S23)] },
    { label: "y=-2", params: { y: -2 }, sample: (r) => [away(r, S23, 0.5, 2)] },
    { label: "y=1", params: { y: 1 }, sample: (r) => [normal(r, S23)] },
    { label: "y=0", params: { y: 0 }, sample: (r) => [normal(r, S23)] },
  ],
  select_n: [
    { label: "bool selector, 2 cases", params: {}, sample: (r) => [bools(r, S23), normal(r, S23), normal(r, S23)], diff: [1, 2] },
    {
      label: "int32 selector, 3 cases",
      params: {},
      sample: (r) => [ints(r, [4], 0, 3), normal(r, [4]), normal(r, [4]), normal(r, [4])],
      diff: [1, 2, 3],
    },
  ],
  convert_element_type: [
    { label: "float64 -> weak float64", params: { newDtype: "float64", weakType: true }, sample: (r) => [normal(r, S23)] },
    {
      label: "float64 -> float32",
      params: { newDtype: "float32", weakType: false },
      sample: (r) => [normal(r, S23)],
      // float32 rounding of x ± eps·t needs a large step; the map is linear, so that is exact
      grads: { eps: 1e-2, rtol: 1e-4, atol: 1e-4 },
    },
    {
      label: "float64 -> int32",
      params: { newDtype: "int32", weakType: false },
      sample: (r) => [f64(r, S23, -5, 5)],
      noGrad: "an integer result has no derivative",
    },
    {
      label: "int32 -> float64",
      params: { newDtype: "float64", weakType: false },
      sample: (r) => [ints(r, S23, -5, 5)],
      noGrad: "an integer operand has no tangent",
    },
  ],
  bitcast_convert_type: [
    { label: "float32 -> int32", params: { newDtype: "int32" }, sample: (r) => [makeArray(S23, "float32", () => r.normal())] },
    { label: "uint32 -> float32", params: { newDtype: "float32" }, sample: (r) => [ints(r, S23, 0, 2 ** 30, "uint32")] },
    { label: "int8 -> uint8", params: { newDtype: "uint8" }, sample: (r) => [ints(r, S23, -128, 128, "int8")] },
  ],
  stop_gradient: unary((r) => normal(r, S23)),
  broadcast_in_dim: [
    { label: "[3] -> [2,3]", params: { shape: [2, 3], broadcastDimensions: [1] }, sample: (r) => [normal(r, [3])] },
    {
      label: "[1,3] -> [2,4,3] (size-1 axis expanded)",
      params: { shape: [2, 4, 3], broadcastDimensions: [0, 2] },
      sample: (r) => [normal(r, [1, 3])],
    },
    { label: "[] -> [2,2]", params: { shape: [2, 2], broadcastDimensions: [] }, sample: (r) => [normal(r, [])] },
  ],
  reshape: [
    { label: "[2,3] -> [3,2]", params: { newSizes: [3, 2] }, sample: (r) => [normal(r, S23)] },
    { label: "[6] -> [1,2,3]", params: { newSizes: [1, 2, 3] }, sample: (r) => [normal(r, [6])] },
  ],
  transpose: [
    { label: "[2,3,4] perm (2,0,1)", params: { permutation: [2, 0, 1] }, sample: (r) => [normal(r, [2, 3, 4])] },
    { label: "[2,3] perm (1,0)", params: { permutation: [1, 0] }, sample: (r) => [normal(r, S23)] },
  ],
  slice: [
    { label: "[5,4] strided", params: { startIndices: [1, 0], limitIndices: [5, 3], strides: [2, 2] }, sample: (r) => [normal(r, [5, 4])] },
    { label: "[6] 1:5", params: { startIndices: [1], limitIndices: [5], strides: [1] }, sample: (r) => [normal(r, [6])] },
    {
      label: "[2,4] empty 2:2:2 on axis 1",
      params: { startIndices: [0, 2], limitIndices: [2, 2], strides: [1, 2] },
      sample: (r) => [normal(r, [2, 4])],
    },
  ],
  pad: [
    {
      label: "[3,2] interior, negative low",
      params: {
        paddingConfig: [
          [1, -1, 1],
          [0, 2, 0],
        ],
      },
      sample: (r) => [normal(r, [3, 2]), normal(r, [])],
    },
    { label: "[4] cropped low, interior 2", params: { paddingConfig: [[-1, 2, 2]] }, sample: (r) => [normal(r, [4]), normal(r, [])] },
  ],
  concatenate: [
    { label: "3 operands on axis 1", params: { dimension: 1 }, sample: (r) => [normal(r, [2, 1]), normal(r, [2, 3]), normal(r, [2, 2])] },
    { label: "2 operands on axis 0", params: { dimension: 0 }, sample: (r) => [normal(r, [1, 3]), normal(r, [2, 3])] },
  ],
  rev: [
    { label: "[3,4] both axes", params: { dimensions: [0, 1] }, sample: (r) => [normal(r, [3, 4])] },
    { label: "[3,4] axis 1", params: { dimensions: [1] }, sample: (r) => [normal(r, [3, 4])] },
  ],
  iota: [
    { label: "int32 [2,3] along 1", params: { dtype: "int32", shape: [2, 3], dimension: 1 }, sample: () => [] },
    { label: "float64 [4]", params: { dtype: "float64", shape: [4], dimension: 0 }, sample: () => [] },
  ],
  reduce_sum: [
    { label: "[2,3,4] axes (0,2)", params: { axes: [0, 2] }, sample: (r) => [normal(r, [2, 3, 4])] },
    { label: "[3,4] all axes", params: { axes: [0, 1] }, sample: (r) => [normal(r, [3, 4])] },
  ],
  reduce_max: [
    { label: "[3,4] axis 1", params: { axes: [1] }, sample: (r) => [normal(r, [3, 4])] },
    { label: "[2,3,4] axes (0,2)", params: { axes: [0, 2] }, sample: (r) => [normal(r, [2, 3, 4])] },
  ],
  reduce_min: [
    { label: "[3,4] axis 1", params: { axes: [1] }, sample: (r) => [normal(r, [3, 4])] },
    { label: "[2,3,4] axes (0,2)", params: { axes: [0, 2] }, sample: (r) => [normal(r, [2, 3, 4])] },
  ],
  reduce_prod: [
    { label: "[3,4] axis 1", params: { axes: [1] }, sample: (r) => [away(r, [3, 4], 0.5, 1.5)] },
    { label: "[2,3,4] axes (0,2)", params: { axes: [0, 2] }, sample: (r) => [away(r, [2, 3, 4], 0.5, 1.5)] },
    // a product is multilinear, so finite differences are exact even at zeros
    { label: "one zero per row", params: { axes: [1] }, sample: (r) => [withZeros(r, 1)] },
    { label: "two zeros per row", params: { axes: [1] }, sample: (r) => [withZeros(r, 2)] },
  ],
  argmax: [
    { label: "[3,4] axis 1", params: { axis: 1, indexDtype: "int32" }, sample: (r) => [normal(r, [3, 4])] },
    { label: "[3,4] axis 0", params: { axis: 0, indexDtype: "int32" }, sample: (r) => [normal(r, [3, 4])] },
  ],
  argmin: [
    { label: "[3,4] axis 1", params: { axis: 1, indexDtype: "int32" }, sample: (r) => [normal(r, [3, 4])] },
    { label: "[3,4] axis 0", params: { axis: 0, indexDtype: "int32" }, sample: (r) => [normal(r, [3, 4])] },
  ],
  dot_general: [
    dot("matmul [2,3]x[3,4]", [2, 3], [3, 4], dims([1], [0])),
    dot("batched [2,3,4]x[2,4,5]", [2, 3, 4], [2, 4, 5], dims([2], [1], [0], [0])),
    dot("two contracting axes in swapped order", [3, 2, 4], [4, 5, 3], dims([0, 2], [2, 0])),
    dot("batch axis not leading", [3, 2, 4], [4, 2], dims([2], [0], [1], [1])),
    dot("vector dot", [4], [4], dims([0], [0])),
    dot("outer product", [2], [3], dims([], [])),
  ],
  cond: [
    { label: "2 branches", params: condTwo, sample: (r) => [ints(r, [], 0, 2), normal(r, [3]), normal(r, [3])] },
    // indices outside [0, 2] are clamped
    { label: "3 branches, 2 outputs", params: condThree, sample: (r) => [ints(r, [], -1, 4), normal(r, [3])] },
  ],
  scan: [
    { label: "carry [2], xs [4,2]", params: scanPlain, sample: (r) => [normal(r, [2]), normal(r, [4, 2])] },
    { label: "reverse, with a const", params: scanReverse, sample: (r) => [normal(r, [2]), normal(r, [2]), normal(r, [3, 2])] },
  ],
  while: [
    {
      label: "trip count from an operand",
      params: whileCounter,
      sample: (r) => [ints(r, [], 1, 4), normal(r, [2]), ints(r, [], 0, 1), normal(r, [2])],
      // reverse mode of a while loop is not defined (as in JAX: the trip count is dynamic)
      grads: { modes: ["fwd"] },
    },
  ],
  checkpoint: [{ label: "sin(x) * y", params: checkpointParams, sample: (r) => [normal(r, [3]), normal(r, [3])] }],
  custom_jvp_call: [{ label: "sin with its derivative as the rule", params: customJvpParams, sample: (r) => [normal(r, [3])] }],
  custom_vjp_call: [
    // forward mode of a custom-VJP function is an error by design (as in JAX): vjp is checked against finite differences
    { label: "sin with fwd/bwd rules", params: customVjpParams, sample: (r) => [normal(r, [3])], grads: { modes: ["rev"] } },
  ],
  debug_callback: [{ label: "one operand", params: { callback: () => {} }, sample: (r) => [normal(r, [3])] }],
  gather: [
    {
      label: "clip, K=1, repeated rows",
      params: { mode: "clip", fillValue: null },
      sample: (r) => [normal(r, [4, 3]), ints(r, [5, 1], 0, 4)],
    },
    {
      label: "clip, K=2, out of bounds",
      params: { mode: "clip", fillValue: null },
      sample: (r) => [normal(r, [4, 3]), ints(r, [2, 3, 2], -1, 5)],
    },
    {
      label: "fill, K=1, out of bounds",
      params: { mode: "fill", fillValue: 0.5 },
      linearParams: { mode: "fill", fillValue: 0 },
      sample: (r) => [normal(r, [4, 3]), ints(r, [5, 1], -2, 6)],
    },
  ],
  scatter: [
    {
      label: "drop, repeated and out-of-bounds rows",
      params: { mode: "drop", uniqueIndices: false },
      sample: (r) => [normal(r, [4, 3]), ints(r, [5, 1], -1, 5), normal(r, [5, 3])],
    },
    {
      label: "clip, K=2",
      params: { mode: "clip", uniqueIndices: false },
      sample: (r) => [normal(r, [4, 3]), ints(r, [3, 2], -1, 5), normal(r, [3])],
    },
  ],
  "scatter-add": [
    {
      label: "drop, repeated and out-of-bounds rows",
      params: { mode: "drop", uniqueIndices: false },
      sample: (r) => [normal(r, [4, 3]), ints(r, [5, 1], -1, 5), normal(r, [5, 3])],
    },
    {
      label: "clip, K=2",
      params: { mode: "clip", uniqueIndices: false },
      sample: (r) => [normal(r, [4, 3]), ints(r, [3, 2], -1, 5), normal(r, [3])],
    },
  ],
  "scatter-mul": [
    {
      label: "unique rows",
      params: { mode: "drop", uniqueIndices: true },
      sample: (r) => [normal(r, [4, 3]), distinctRows(r, 4, 3), normal(r, [3, 3])],
    },
    // the derivative in the updates needs unique indices (as in JAX); in the operand it is linear
    {
      label: "repeated rows",
      params: { mode: "drop", uniqueIndices: false },
      sample: (r) => [normal(r, [4, 3]), ints(r, [5, 1], 0, 4), normal(r, [5, 3])],
      diff: [0],
    },
  ],
  "scatter-min": [
    {
      label: "repeated and out-of-bounds rows",
      params: { mode: "drop", uniqueIndices: false },
      sample: (r) => [normal(r, [4, 3]), ints(r, [5, 1], -1, 5), normal(r, [5, 3])],
    },
  ],
  "scatter-max": [
    {
      label: "repeated and out-of-bounds rows",
      params: { mode: "drop", uniqueIndices: false },
      sample: (r) => [normal(r, [4, 3]), ints(r, [5, 1], -1, 5), normal(r, [5, 3])],
    },
  ],
  dynamic_slice: [
    {
      label: "[5,4] window [2,3]",
      params: { sliceSizes: [2, 3] },
      sample: (r) => [normal(r, [5, 4]), ints(r, [], 0, 4), ints(r, [], 0, 2)],
    },
    // out-of-range starts are clamped so that the window fits
    { label: "clamped starts", params: { sliceSizes: [2, 3] }, sample: (r) => [normal(r, [5, 4]), ints(r, [], -3, 8), ints(r, [], -3, 8)] },
  ],
  dynamic_update_slice: [
    {
      label: "[5,4] update [2,3]",
      params: {},
      sample: (r) => [normal(r, [5, 4]), normal(r, [2, 3]), ints(r, [], -2, 6), ints(r, [], -2, 6)],
    },
  ],
  cumsum: [
    { label: "[3,4] axis 1", params: { axis: 1, reverse: false }, sample: (r) => [normal(r, [3, 4])] },
    { label: "[5,2] axis 0 reverse", params: { axis: 0, reverse: true }, sample: (r) => [normal(r, [5, 2])] },
  ],
  cumprod: [
    { label: "[3,5] axis 1", params: { axis: 1, reverse: false }, sample: (r) => [away(r, [3, 5], 0.5, 1.5)] },
    {
      label: "[4,2] axis 0 reverse, with a zero",
      params: { axis: 0, reverse: true },
      sample: (r) => [makeArray([4, 2], "float64", (i) => (i === 3 ? 0 : r.sign() * r.uniform(0.5, 1.5)))],
    },
  ],
  cummax: [
    { label: "[3,5] axis 1", params: { axis: 1, reverse: false }, sample: (r) => [normal(r, [3, 5])] },
    { label: "[5,2] axis 0 reverse", params: { axis: 0, reverse: true }, sample: (r) => [normal(r, [5, 2])] },
  ],
  cummin: [
    { label: "[3,5] axis 1", params: { axis: 1, reverse: false }, sample: (r) => [normal(r, [3, 5])] },
    { label: "[5,2] axis 0 reverse", params: { axis: 0, reverse: true }, sample: (r) => [normal(r, [5, 2])] },
  ],
  sort: [
    {
      label: "keys and values along axis 1",
      params: { dimension: 1, isStable: true, numKeys: 1 },
      sample: (r) => [normal(r, [3, 4]), normal(r, [3, 4])],
    },
    {
      label: "argsort-style int32 values along axis 0",
      params: { dimension: 0, isStable: true, numKeys: 1 },
      sample: (r) => [normal(r, [4, 2]), ints(r, [4, 2], 0, 4)],
    },
    // moving a tied first key would reorder: only the second key is differentiated
    {
      label: "two keys with ties in the first",
      params: { dimension: 0, isStable: true, numKeys: 2 },
      sample: (r) => [ints(r, [5], 0, 2, "float64"), normal(r, [5])],
      diff: [1],
    },
  ],
  erf: unary((r) => normal(r, S23)),
  erfc: unary((r) => normal(r, S23)),
  erf_inv: unary((r) => f64(r, S23, -0.9, 0.9)),
  digamma: unary((r) => f64(r, S23, 0.5, 4)),
  lgamma: unary((r) => f64(r, S23, 0.5, 4)),
  polygamma: [
    { label: "m=1", params: { m: 1 }, sample: (r) => [f64(r, S23, 0.5, 4)] },
    { label: "m=2", params: { m: 2 }, sample: (r) => [f64(r, S23, 0.5, 4)] },
  ],
  nextafter: binary((r) => normal(r, S23), apart),
  cholesky: [{ label: "SPD [3,3]", params: {}, sample: (r) => [spd(r, 3)], pre: symmetrized }],
  triangular_solve: [
    { label: "lower, left side", params: solve(true, true, false, false), sample: (r) => [triangular(r, 3, true), normal(r, [3, 2])] },
    {
      label: "upper, right side, transposed",
      params: solve(false, false, true, false),
      sample: (r) => [triangular(r, 3, false), normal(r, [2, 3])],
    },
    {
      label: "lower, left side, unit diagonal",
      params: solve(true, true, false, true),
      sample: (r) => [triangular(r, 3, true), normal(r, [3, 2])],
    },
  ],
  lu: [
    { label: "[3,3]", params: {}, sample: (r) => [normal(r, [3, 3])] },
    { label: "[3,2]", params: {}, sample: (r) => [normal(r, [3, 2])] },
    { label: "[2,3]", params: {}, sample: (r) => [normal(r, [2, 3])] },
  ],
  qr: [
    { label: "thin [3,2]", params: { fullMatrices: false }, sample: (r) => [normal(r, [3, 2])] },
    { label: "full [3,2]", params: { fullMatrices: true }, sample: (r) => [normal(r, [3, 2])] },
    { label: "square [3,3]", params: { fullMatrices: false }, sample: (r) => [normal(r, [3, 3])] },
    { label: "wide [2,3]", params: { fullMatrices: false }, sample: (r) => [normal(r, [2, 3])] },
  ],
  eigh: [{ label: "symmetric [3,3], separated eigenvalues", params: { lower: true }, sample: (r) => [separated(r, 3)], pre: symmetrized }],
  svd: [
    { label: "[3,2] with vectors", params: { fullMatrices: false, computeUv: true }, sample: (r) => [normal(r, [3, 2])] },
    { label: "[2,3] with vectors", params: { fullMatrices: false, computeUv: true }, sample: (r) => [normal(r, [2, 3])] },
    { label: "[3,3] full, with vectors", params: { fullMatrices: true, computeUv: true }, sample: (r) => [normal(r, [3, 3])] },
    { label: "[3,2] values only", params: { fullMatrices: false, computeUv: false }, sample: (r) => [normal(r, [3, 2])] },
  ],
  det: [
    { label: "[3,3]", params: {}, sample: (r) => [normal(r, [3, 3])] },
    // det is a polynomial: finite differences are exact enough at a singular matrix too
    { label: "[3,3] of rank 2", params: {}, sample: (r) => [rankTwo(r)] },
  ],
  pinv: [
    { label: "[3,2]", params: { rtol: 1e-10 }, sample: (r) => [normal(r, [3, 2])] },
    { label: "[2,3]", params: { rtol: 1e-10 }, sample: (r) => [normal(r, [2, 3])] },
  ],
  fma: [{ label: "[2,3] x3", params: {}, sample: (r) => [normal(r, S23), normal(r, S23), normal(r, S23)] }],
  random_poisson: [
    {
      label: "keys [3,2], rates [3]",
      params: { dtype: "int32" },
      sample: (r) => [ints(r, [3, 2], 0, 2 ** 32, "uint32"), f64(r, [3], 0.5, 20).astype("float32")],
    },
  ],
  random_gamma: [
    {
      label: "keys [3,2], shapes [3]",
      params: { logSpace: false },
      sample: (r) => [ints(r, [3, 2], 0, 2 ** 32, "uint32"), f64(r, [3], 0.5, 3)],
      derivativesElsewhere: "test/random.test.ts: the implicit gradient, checked against the gamma CDF",
    },
  ],
  random_gamma_grad: [
    {
      label: "[3]",
      params: {},
      sample: (r) => [f64(r, [3], 0.5, 3), f64(r, [3], 0.5, 3)],
      derivativesElsewhere: "test/random.test.ts (no second derivatives of gamma samples, as in JAX)",
    },
  ],
  window_patches: [
    { label: "[5,4] strided and dilated", params: patches([2, 2], [1, 2], [2, 1]), sample: (r) => [normal(r, [5, 4])] },
    { label: "[7] overlapping", params: patches([3], [2], [1]), sample: (r) => [normal(r, [7])] },
  ],
  window_accumulate: [
    {
      label: "back to [5,4]",
      params: { ...patches([2, 2], [1, 2], [2, 1]), inputShape: [5, 4] },
      sample: (r) => [normal(r, [3, 2, 2, 2])],
    },
    { label: "back to [7], overlapping", params: { ...patches([3], [2], [1]), inputShape: [7] }, sample: (r) => [normal(r, [3, 3])] },
  ],
  threefry2x32: [
    {
      label: "keys and counters [3]",
      params: {},
      sample: (r) => [0, 1, 2, 3].map(() => ints(r, [3], 0, 2 ** 32, "uint32")),
    },
    {
      label: "scalar keys, counters [4]",
      params: {},
      sample: (r) => [
        ints(r, [], 0, 2 ** 32, "uint32"),
        ints(r, [], 0, 2 ** 32, "uint32"),
        ints(r, [4], 0, 2 ** 32, "uint32"),
        ints(r, [4], 0, 2 ** 32, "uint32"),
      ],
    },
  ],
};

/** Primitives with no derivative to check; their jvp must give zero tangents. */
const EXEMPT: Record<string, string> = {
  not: "integer/bool valued",
  is_finite: "bool valued",
  and: "integer/bool valued",
  or: "integer/bool valued",
  xor: "integer/bool valued",
  shift_left: "integer valued",
  shift_right_logical: "integer valued",
  shift_right_arithmetic: "integer valued",
  eq: "bool valued",
  ne: "bool valued",
  lt: "bool valued",
  le: "bool valued",
  gt: "bool valued",
  ge: "bool valued",
  argmax: "integer valued (an index)",
  argmin: "integer valued (an index)",
  iota: "no operands, and integer/constant valued",
  bitcast_convert_type: "reinterprets bits: not a differentiable function of the value",
  stop_gradient: "its derivative is zero by definition (finite differences see the identity)",
  threefry2x32: "uint32 bits (a hash)",
  random_poisson: "integer-valued samples",
  debug_callback: "no outputs (what the callback sees is tested below)",
};

/** Primitives that cannot be bound on their own, and why; their rules still run (see the last test). */
const NOT_BINDABLE: Record<string, string> = {
  custom_lin:
    "exists only inside linear jaxprs of custom-VJP functions (impl, jvp and vmap throw by design); its transpose runs in the custom_vjp_call vjp checks",
};

/**
 * Primitives whose transpose rule is checked directly: the map from the linear operands to
 * the output is linear either jointly in all of them (add: (x, y) -> x + y) or in each one
 * with the others fixed (mul).
 */
const LINEAR: Record<string, "joint" | "each"> = {
  neg: "joint",
  add: "joint",
  sub: "joint",
  mul: "each",
  div: "joint",
  convert_element_type: "joint",
  select_n: "joint",
  broadcast_in_dim: "joint",
  reshape: "joint",
  transpose: "joint",
  slice: "joint",
  pad: "joint",
  concatenate: "joint",
  rev: "joint",
  reduce_sum: "joint",
  dot_general: "each",
  gather: "joint",
  "scatter-add": "joint",
  "scatter-mul": "joint",
  dynamic_slice: "joint",
  dynamic_update_slice: "joint",
  window_patches: "joint",
  window_accumulate: "joint",
  cumsum: "joint",
  triangular_solve: "joint",
};
/** Primitives whose transpose rule needs linear sub-jaxprs: it is checked through vjp only. */
const TRANSPOSED_VIA_VJP: Record<string, string> = {
  cond: "transposes its branches, which vjp linearizes first",
  scan: "transposes its body, which vjp linearizes first",
  checkpoint: "transposes as the vjp of its linear part",
  custom_lin: "runs the user's bwd, checked through custom_vjp_call's vjp",
};
/** Operands that are never linear (the transpose rule exists for the others). */
const NONLINEAR_OPERANDS: Record<string, number[]> = {
  div: [1], // the divisor
  select_n: [0], // the selector
  "scatter-mul": [2], // the updates scale the operand
  triangular_solve: [0], // the matrix
};

// ---------------------------------------------------------------------------
// instrumentation: record which rules run

interface Usage {
  jvp: number;
  batch: number;
  transposed: Set<number>;
}
const usage = new Map<string, Usage>();
for (const p of allPrimitives() as Primitive<unknown>[]) {
  const u: Usage = { jvp: 0, batch: 0, transposed: new Set() };
  usage.set(p.name, u);
  const { jvp: jvpRule, batch, transpose } = p;
  p.jvp = (primals, tangents, params) => {
    u.jvp++;
    return jvpRule.call(p, primals, tangents, params);
  };
  p.batch = (size, args, bdims, params) => {
    u.batch++;
    return batch.call(p, size, args, bdims, params);
  };
  if (transpose) {
    p.transpose = (cts, args, params) => {
      args.forEach((a, i) => {
        if (a instanceof UndefPrimal) u.transposed.add(i);
      });
      return transpose.call(p, cts, args, params);
    };
  }
}

// ---------------------------------------------------------------------------
// comparisons

function isFloatDtype(d: DType): boolean {
  return d.startsWith("float") || d === "bfloat16";
}

/** Same dtype, weak type and shape; values equal (floats within 1e-12 relative, NaN == NaN). */
function assertSame(actual: JArray, expected: JArray, what: string): void {
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  assert.equal(actual.weakType, expected.weakType, `${what}: weak type`);
  assert.deepEqual([...actual.shape], [...expected.shape], `${what}: shape`);
  const a = actual.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < e.length; i++) {
    const av = Number(a[i]);
    const ev = Number(e[i]);
    const ok = isFloatDtype(expected.dtype)
      ? (Number.isNaN(av) && Number.isNaN(ev)) || av === ev || Math.abs(av - ev) <= 1e-12 * (1 + Math.abs(ev))
      : av === ev;
    if (!ok) assert.fail(`${what}: element ${i} is ${av}, expected ${ev}`);
  }
}

function assertAllSame(actual: JArray[], expected: JArray[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: number of outputs`);
  actual.forEach((a, k) => {
    assertSame(a, expected[k]!, `${what} (output ${k})`);
  });
}

function assertZeroTangent(t: JArray, like: JArray, what: string): void {
  assert.deepEqual([...t.shape], [...like.shape], `${what}: tangent shape`);
  const v = t.dataSync();
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) assert.fail(`${what}: tangent element ${i} is ${v[i]}, expected 0`);
}

// ---------------------------------------------------------------------------
// the checks

/** Stacks along a new axis with lax reshape + concatenate (which keep dtype and weak type). */
function stack(xs: JArray[], axis = 0): JArray {
  return concatenate(
    xs.map((x) => {
      const shape = [...x.shape];
      shape.splice(axis, 0, 1);
      return reshape(x, shape);
    }),
    axis,
  );
}

const applyFn =
  (prim: Primitive, c: Case) =>
  (...xs: JArray[]): JArray[] =>
    bind(prim, c.pre ? c.pre(xs) : xs, c.params);
const isFloatOperand = (x: JArray) => isFloatDtype(x.dtype);

function checkDerivatives(prim: Primitive, c: Case, seed: number): void {
  const ex = c.sample(new Rng(seed));
  const diff = c.diff ?? ex.flatMap((x, i) => (isFloatOperand(x) ? [i] : []));
  assert.ok(diff.length > 0, `${prim.name} [${c.label}]: nothing to differentiate; give the case a noGrad reason`);
  const f = applyFn(prim, c);
  // differentiate `which` operands, holding the others at their sample values
  const partial =
    (which: number[]) =>
    (...d: JArray[]) => {
      const all = [...ex];
      which.forEach((k, j) => {
        all[k] = d[j]!;
      });
      return f(...all);
    };
  const subsets = diff.length > 1 ? [diff, ...diff.map((k) => [k])] : [diff];
  for (const which of subsets) {
    checkGrads(
      partial(which),
      which.map((k) => ex[k]!),
      { seed, ...c.grads, label: `${prim.name} [${c.label}] w.r.t. operands (${which.join(", ")})` },
    );
  }
}

function checkZeroJvp(prim: Primitive, c: Case, seed: number): void {
  const r = new Rng(seed);
  const ex = c.sample(r);
  const f = applyFn(prim, c);
  const ys = f(...ex);
  const label = `${prim.name} [${c.label}]`;
  // through the jvp transformation, with non-zero tangents of the operands' dtypes
  const ts = ex.map((x) => randomLike(r, x));
  const [outs, touts] = jvp(f, ex, ts) as [JArray[], JArray[]];
  assertAllSame(outs, ys, `${label}: jvp primal outputs`);
  touts.forEach((t, k) => {
    assertZeroTangent(t, ys[k]!, `${label}: jvp output ${k}`);
  });
  // the rule itself, on concrete operands
  const [ruleOuts, ruleTangents] = prim.jvp(ex, ts, c.params);
  assertAllSame(ruleOuts, ys, `${label}: jvp rule primal outputs`);
  ruleTangents.forEach((t, k) => {
    if (!(t instanceof Zero)) assertZeroTangent(t, ys[k]!, `${label}: jvp rule output ${k}`);
  });
}

const B = 3;

/** inAxes configurations: all operands batched (axis 0, then axis 1), and every proper subset. */
function batchConfigs(ex: JArray[]): (number | null)[][] {
  const n = ex.length;
  const ax1 = ex.map((x) => (x.ndim >= 1 ? 1 : 0));
  const configs: (number | null)[][] = [ex.map(() => 0)];
  if (ax1.some((a) => a === 1)) configs.push(ax1);
  for (let mask = 1; mask < 2 ** n - 1; mask++) {
    const inSet = (k: number) => ((mask >> k) & 1) === 1;
    configs.push(ex.map((_, k) => (inSet(k) ? 0 : null)));
    if (ex.some((_, k) => inSet(k) && ax1[k] === 1)) configs.push(ex.map((_, k) => (inSet(k) ? ax1[k]! : null)));
  }
  return configs;
}

function checkBatching(prim: Primitive, c: Case, seed: number): void {
  const r = new Rng(seed);
  const examples = Array.from({ length: B }, () => c.sample(r));
  const f = applyFn(prim, c);
  const label = `${prim.name} [${c.label}]`;
  const first = examples[0]!;
  if (first.length === 0) {
    // no operands: vmap broadcasts the result (the batching rule is never needed)
    const out = vmap(f, { axisSize: B })() as JArray[];
    const one = f();
    assertAllSame(
      out,
      one.map((o) => stack(Array.from({ length: B }, () => o))),
      `${label}: vmap with axisSize`,
    );
    return;
  }
  for (const axes of batchConfigs(first)) {
    const operands = first.map((x, k) => {
      const a = axes[k];
      return a === null || a === undefined
        ? x
        : stack(
            examples.map((e) => e[k]!),
            a,
          );
    });
    const perExample = examples.map((e) => f(...e.map((x, k) => (axes[k] === null ? first[k]! : x))));
    const expected = perExample[0]!.map((_, o) => stack(perExample.map((outs) => outs[o]!)));
    const what = `${label}: vmap with inAxes [${axes.map(String).join(", ")}]`;
    const vf = vmap(f, { inAxes: axes });
    assertAllSame(asList(vf(...operands)), expected, what);
    if (axes.every((a) => a === 0)) assertAllSame(asList(jit(vf)(...operands)), expected, `${what} under jit`);
  }
}

/** The transpose rule itself: <ct, L(t)> == <Lᵀ(ct), t> for the linear map L it transposes. */
function checkTransposeRule(prim: Primitive, c: Case, seed: number): void {
  const r = new Rng(seed);
  const ex = c.sample(r);
  const skip = NONLINEAR_OPERANDS[prim.name] ?? [];
  const lin = ex.flatMap((x, k) => (!skip.includes(k) && isFloatOperand(x) ? [k] : []));
  const sets = LINEAR[prim.name] === "each" ? lin.map((k) => [k]) : [lin];
  for (const set of sets) {
    const what = `${prim.name} [${c.label}]: transpose rule for operands (${set.join(", ")})`;
    const ts = set.map((k) => randomLike(r, ex[k]!));
    const args = [...ex];
    set.forEach((k, j) => {
      args[k] = ts[j]!;
    });
    const params = c.linearParams ?? c.params;
    const ys = bind(prim, args, params);
    const cts = ys.map((y) => randomLike(r, y));
    const undef = ex.map((x, k) => (set.includes(k) ? new UndefPrimal(x.aval) : x));
    const res = prim.transpose!(cts, undef, params);
    const cs = set.map((k) => {
      const ct = res[k];
      assert.ok(ct !== null && ct !== undefined, `${what}: no cotangent for operand ${k}`);
      const x = ex[k]!;
      const arr = ct instanceof Zero ? makeArray(x.shape, x.dtype, () => 0) : ct;
      assert.equal(arr.dtype, x.dtype, `${what}: cotangent dtype`);
      assert.deepEqual([...arr.shape], [...x.shape], `${what}: cotangent shape`);
      return arr;
    });
    const [lhs, lscale] = inner(cts, ys);
    const [rhs, rscale] = inner(cs, ts);
    const rel = ys.some((y) => y.dtype !== "float64") ? 1e-6 : 1e-12;
    const allowed = rel * Math.max(1, lscale, rscale);
    if (!(Math.abs(lhs - rhs) <= allowed)) assert.fail(`${what}: <ct, L(t)> = ${lhs} but <Lᵀ(ct), t> = ${rhs}`);
  }
}

/**
 * jit(f) equals f on the cpu engine and on ONNX Runtime (lowered primitives; float32 results
 * within 1e-5, float64 within 1e-10), and the eager outputs have the avals abstractEval
 * promises (what jit stages).
 */
function checkJit(prim: Primitive, c: Case, seed: number): void {
  const ex = c.sample(new Rng(seed));
  const f = applyFn(prim, c);
  const label = `${prim.name} [${c.label}]`;
  const outs = f(...ex);
  assertAllSame(asList(jit(f)(...ex)), outs, `${label}: jit(f) vs f`);
  if (prim.onnx !== "host") {
    const got = asList(jit(f, { backend: "ort" })(...ex));
    assert.equal(got.length, outs.length, `${label}: jit ort outputs`);
    got.forEach((a, k) => {
      const e = outs[k]!;
      assert.equal(a.dtype, e.dtype, `${label} on ort: dtype`);
      assert.deepEqual([...a.shape], [...e.shape], `${label} on ort: shape`);
      const rel = e.dtype === "float64" ? 1e-10 : 1e-5;
      assertAllClose(
        Array.from(a.dataSync(), Number),
        Array.from(e.dataSync(), Number),
        { rtol: rel, atol: rel },
        `${label}: jit ort vs f (output ${k})`,
      );
    });
  }
  const ins = c.pre ? c.pre(ex) : ex;
  const avals = prim.abstractEval(
    ins.map((x) => x.aval),
    c.params,
  );
  assert.deepEqual(
    outs.map((o) => o.aval.toString()),
    avals.map((a) => a.toString()),
    `${label}: eager output avals vs abstractEval`,
  );
}

// ---------------------------------------------------------------------------
// the tests

const registered = allPrimitives().map((p) => p.name);

test("the table covers the registry: every primitive has sample cases, every entry is a primitive", () => {
  const missing = registered.filter((n) => !(n in TABLE) && !(n in NOT_BINDABLE));
  assert.deepEqual(missing, [], `primitives without a table entry in test/primitive_rules.test.ts: ${missing.join(", ")}`);
  const stale = Object.keys(TABLE).filter((n) => !registered.includes(n));
  assert.deepEqual(stale, [], `table entries for unregistered primitives: ${stale.join(", ")}`);
  const staleExempt = Object.keys(EXEMPT).filter((n) => !registered.includes(n));
  assert.deepEqual(staleExempt, [], `exemptions for unregistered primitives: ${staleExempt.join(", ")}`);
});

for (const prim of allPrimitives()) {
  const cases = TABLE[prim.name];
  if (!cases) continue; // reported by the coverage test above
  const exempt = EXEMPT[prim.name];
  cases.forEach((c, i) => {
    const seed = 1 + i;
    const reason = exempt ?? c.noGrad;
    if (c.derivativesElsewhere) {
      // its derivatives are checked in the file named by derivativesElsewhere
    } else if (reason === undefined) {
      test(`${prim.name} [${c.label}]: jvp vs finite differences, vjp vs jvp, second order`, () => checkDerivatives(prim, c, seed));
      if (prim.name in LINEAR) test(`${prim.name} [${c.label}]: transpose rule`, () => checkTransposeRule(prim, c, seed + 300));
    } else {
      test(`${prim.name} [${c.label}]: jvp gives zero tangents (${reason})`, () => checkZeroJvp(prim, c, seed));
    }
    test(`${prim.name} [${c.label}]: vmap equals stacking per-example results`, () => checkBatching(prim, c, seed + 100));
    test(`${prim.name} [${c.label}]: jit(f) equals f on cpu and ort, abstractEval matches eager`, () => checkJit(prim, c, seed + 200));
  });
}

test("debug_callback sees the values under jit and jvp, and the whole batch (batch axis first) under vmap", () => {
  let seen: JArray[] = [];
  const params = { callback: (vals: JArray[]) => (seen = vals) };
  const f = (a: JArray) => {
    bind(debugCallbackP, [a], params);
    return sin(a);
  };
  const x = normal(new Rng(7), [2, 3]);
  jit(f)(x);
  assertAllSame(seen, [x], "under jit");
  jvp(f, [x], [normal(new Rng(8), [2, 3])]);
  assertAllSame(seen, [x], "under jvp (the primal)");
  vmap(f, { inAxes: 1 })(x);
  assertAllSame(seen, [laxTranspose(x, [1, 0])], "under vmap with inAxes 1");
});

test("while: reverse mode raises a clear error (the trip count is dynamic, as in JAX)", () => {
  const c = TABLE.while?.[0];
  assert.ok(c);
  const ops = c.sample(new Rng(1));
  const prim = allPrimitives().find((p) => p.name === "while")!;
  assert.throws(
    () => vjp((x: JArray) => bind(prim, [...ops.slice(0, 3), x], c.params)[1]!, ops[3]!),
    /Reverse-mode differentiation does not work for lax.whileLoop/,
  );
});

test("every transpose rule is checked directly or through vjp", () => {
  const unchecked = allPrimitives()
    .filter((p) => p.transpose !== null && !(p.name in LINEAR) && !(p.name in TRANSPOSED_VIA_VJP))
    .map((p) => p.name);
  assert.deepEqual(unchecked, [], "add these primitives to LINEAR or TRANSPOSED_VIA_VJP");
});

test("every jvp, batching and transpose rule ran (each transpose rule for each linear operand)", () => {
  const problems: string[] = [];
  for (const prim of allPrimitives()) {
    const cases = TABLE[prim.name];
    const u = usage.get(prim.name);
    if (!u) continue;
    if (!cases) {
      if (prim.transpose && u.transposed.size === 0) problems.push(`${prim.name}: transpose rule never ran`);
      continue;
    }
    const samples = cases.map((c) => c.sample(new Rng(0)));
    const arity = Math.max(...samples.map((ex) => ex.length));
    if (u.jvp === 0 && !cases.every((c) => c.derivativesElsewhere)) problems.push(`${prim.name}: jvp rule never ran`);
    if (arity > 0 && u.batch === 0) problems.push(`${prim.name}: batching rule never ran`);
    if (prim.transpose && u.transposed.size === 0) problems.push(`${prim.name}: transpose rule never ran`);
    if (prim.name in LINEAR) {
      const skip = NONLINEAR_OPERANDS[prim.name] ?? [];
      const linear = new Set(samples.flatMap((ex) => ex.flatMap((x, k) => (isFloatOperand(x) && !skip.includes(k) ? [k] : []))));
      for (const k of linear) {
        if (!u.transposed.has(k)) problems.push(`${prim.name}: transpose rule never ran for operand ${k}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
