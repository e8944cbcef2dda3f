// Reductions over a set of axes (sum, max, min, prod) and arg-reductions along one axis.

import * as K from "../backends/cpu/kernels.js";
import type { LowerRule } from "../backends/ort/rule.js";
import * as S from "../backends/ort/structural_ops.js";
import * as T from "../backends/ort/typed_ops.js";
import type { JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { type DType, isFloat } from "../core/dtype.js";
import { definePrimitive, type Primitive, Zero } from "../core/primitive.js";
import { fmtShape } from "../core/shape.js";
import { bind1 } from "../core/trace.js";
import { add, convertElementType, div, eq, mul } from "./elementwise.js";
import { instantiate, moveBatchAxis } from "./rules.js";
import { broadcastInDim, fullLike, pad, reshape, slice, transpose } from "./shape_ops.js";

interface AxesParams {
  axes: readonly number[];
}

function reducedAval(op: string, x: ShapedArray, axes: readonly number[], dtype = x.dtype): ShapedArray {
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= x.ndim)
      throw new RangeError(`${op}: axis ${a} is out of bounds for shape ${fmtShape(x.shape)}.`);
  }
  return new ShapedArray(
    x.shape.filter((_, d) => !axes.includes(d)),
    dtype,
    x.weakType,
  );
}

/** Broadcasts a reduced array back to the operand's shape (the reduced axes had size 1). */
function unreduce(y: JaxArray, operand: ShapedArray, axes: readonly number[]): JaxArray {
  const kept = [...Array(operand.ndim).keys()].filter((d) => !axes.includes(d));
  return broadcastInDim(y, operand.shape, kept);
}

function reduction(
  name: string,
  kind: K.ReduceKind,
  jvp: Primitive<AxesParams>["jvp"],
  transpose: Primitive<AxesParams>["transpose"],
  onnx: LowerRule,
) {
  const prim: Primitive<AxesParams> = definePrimitive<AxesParams>({
    name,
    abstractEval: ([x], { axes }) => [reducedAval(name, x!, axes)],
    impl: ([x], { axes }) => [K.reduce(x!, axes, kind, reducedAval(name, x!.aval, axes))],
    jvp,
    transpose,
    batch(size, [x], [bd], { axes }) {
      return [[bind1(prim, [moveBatchAxis(size, bd!, 0, x!)], { axes: axes.map((a) => a + 1) })], [0]];
    },
    printParams: (p) => `[axes=(${p.axes.join(", ")}${p.axes.length === 1 ? "," : ""})]`,
    onnx,
  });
  return prim;
}

export const reduceSumP = reduction(
  "reduce_sum",
  "sum",
  ([x], [t], { axes }) => [[reduceSum(x!, axes)], [reduceSum(instantiate(t!), axes)]],
  ([ct], [x], { axes }) => [unreduce(instantiate(ct!), x!.aval, axes)],
  S.reduceRule((g, x, axes) => T.reduce(g, "ReduceSum", x, axes)),
);

/** max/min JVP: the mean of the tangents at the positions that attain the extreme. */
function chooserJvp(self: () => Primitive<AxesParams>): Primitive<AxesParams>["jvp"] {
  return ([x], [t], { axes }) => {
    const ans = bind1(self(), [x!], { axes });
    if (!isFloat(x!.dtype)) return [[ans], [new Zero(ans.aval)]];
    const hits = convertElementType(eq(x!, unreduce(ans, x!.aval, axes)), x!.dtype);
    const counts = reduceSum(hits, axes);
    return [[ans], [div(reduceSum(mul(instantiate(t!), hits), axes), counts)]];
  };
}
export const reduceMaxP: Primitive<AxesParams> = reduction(
  "reduce_max",
  "max",
  chooserJvp(() => reduceMaxP),
  null,
  S.reduceRule(S.extremum("ReduceMax")),
);
export const reduceMinP: Primitive<AxesParams> = reduction(
  "reduce_min",
  "min",
  chooserJvp(() => reduceMinP),
  null,
  S.reduceRule(S.extremum("ReduceMin")),
);

export const reduceProdP: Primitive<AxesParams> = reduction(
  "reduce_prod",
  "prod",
  ([x], [t], { axes }) => [[reduceProd(x!, axes)], [prodTreeTangent(x!, instantiate(t!), axes)]],
  null,
  S.reduceRule((g, x, axes) => T.reduce(g, "ReduceProd", x, axes)),
);

/**
 * The tangent of a product, as JAX computes it: the JVP of a balanced tree of pairwise
 * products over the reduced axes. Unlike prod / x_i it needs no special case for zeros, and
 * being built from `mul` alone it is right to every order (hessians at zeros included).
 */
function prodTreeTangent(x: JaxArray, t: JaxArray, axes: readonly number[]): JaxArray {
  const kept = [...Array(x.ndim).keys()].filter((d) => !axes.includes(d));
  const keptShape = kept.map((d) => x.shape[d]!);
  const n = axes.reduce((s, d) => s * x.shape[d]!, 1);
  if (n === 0) return fullLike(new ShapedArray(keptShape, t.dtype, t.weakType), 0);
  // reduced axes first, flattened to one: [n, ...kept]
  const front = (a: JaxArray) => reshape(transpose(a, [...axes, ...kept]), [n, ...keptShape]);
  let p = front(x);
  let dp = front(t);
  const half = (a: JaxArray, from: number, to: number) => slice(a, [from, ...keptShape.map(() => 0)], [to, ...keptShape]);
  while (p.shape[0]! > 1) {
    const m = p.shape[0]!;
    const m1 = Math.ceil(m / 2);
    // an odd count pairs the last element with 1 (tangent 0)
    const pad1 = (a: JaxArray, v: number) =>
      m - m1 === m1
        ? a
        : pad(a, fullLike(new ShapedArray([], a.dtype, a.weakType), v), [[0, 1, 0], ...keptShape.map(() => [0, 0, 0] as const)]);
    const [p1, p2] = [half(p, 0, m1), pad1(half(p, m1, m), 1)];
    const [d1, d2] = [half(dp, 0, m1), pad1(half(dp, m1, m), 0)];
    dp = add(mul(d1, p2), mul(p1, d2));
    p = mul(p1, p2);
  }
  return reshape(dp, keptShape);
}

// ---- argmax / argmin ----
interface ArgParams {
  axis: number;
  indexDtype: DType;
}
function argReduction(name: string, isMax: boolean) {
  const prim: Primitive<ArgParams> = definePrimitive<ArgParams>({
    name,
    abstractEval([x], { axis, indexDtype }) {
      if (x!.shape[axis] === 0) throw new Error(`${name}: cannot take the ${name} of an empty axis (shape ${fmtShape(x!.shape)}).`);
      return [reducedAval(name, x!, [axis], indexDtype).strong()];
    },
    impl: ([x], p) => [K.argReduce(x!, p.axis, isMax, reducedAval(name, x!.aval, [p.axis], p.indexDtype).strong())],
    jvp([x], _t, p) {
      const out = bind1(prim, [x!], p);
      return [[out], [new Zero(out.aval)]];
    },
    transpose: null,
    batch: (size, [x], [bd], p) => [[bind1(prim, [moveBatchAxis(size, bd!, 0, x!)], { ...p, axis: p.axis + 1 })], [0]],
    printParams: (p) => `[axes=(${p.axis},) index_dtype=${p.indexDtype}]`,
    onnx: S.argExtremum(isMax ? "ArgMax" : "ArgMin"),
  });
  return prim;
}
export const argmaxP = argReduction("argmax", true);
export const argminP = argReduction("argmin", false);

// ---- binders ----
const reducer =
  (p: Primitive<AxesParams>) =>
  (x: JaxArray, axes: readonly number[]): JaxArray =>
    axes.length === 0 ? x : bind1(p, [x], { axes: [...axes].sort((a, b) => a - b) });
export const reduceSum = reducer(reduceSumP);
export const reduceMax = reducer(reduceMaxP);
export const reduceMin = reducer(reduceMinP);
export const reduceProd = reducer(reduceProdP);
export const argmax = (x: JaxArray, axis: number, indexDtype: DType = "int32") => bind1(argmaxP, [x], { axis, indexDtype });
export const argmin = (x: JaxArray, axis: number, indexDtype: DType = "int32") => bind1(argminP, [x], { axis, indexDtype });
