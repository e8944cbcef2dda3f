// Reductions over a set of axes (sum, max, min, prod) and arg-reductions along one axis.
import type { JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { type DType, isFloat } from "../core/dtype.js";
import { definePrimitive, type Primitive, Zero } from "../core/primitive.js";
import { fmtShape } from "../core/shape.js";
import { bind1 } from "../core/trace.js";
import * as K from "../backends/cpu/kernels.js";
import { convertElementType, div, eq, mul, select } from "./elementwise.js";
import { instantiate, moveBatchAxis } from "./rules.js";
import { broadcastInDim, fullLike } from "./shape_ops.js";

interface AxesParams {
  axes: readonly number[];
}

function reducedAval(op: string, x: ShapedArray, axes: readonly number[], dtype = x.dtype): ShapedArray {
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= x.ndim) throw new RangeError(`${op}: axis ${a} is out of bounds for shape ${fmtShape(x.shape)}.`);
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

function reduction(name: string, kind: K.ReduceKind, jvp: Primitive<AxesParams>["jvp"], transpose: Primitive<AxesParams>["transpose"]) {
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
  });
  return prim;
}

export const reduceSumP = reduction(
  "reduce_sum",
  "sum",
  ([x], [t], { axes }) => [[reduceSum(x!, axes)], [reduceSum(instantiate(t!), axes)]],
  ([ct], [x], { axes }) => [unreduce(instantiate(ct!), x!.aval, axes)],
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
export const reduceMaxP: Primitive<AxesParams> = reduction("reduce_max", "max", chooserJvp(() => reduceMaxP), null);
export const reduceMinP: Primitive<AxesParams> = reduction("reduce_min", "min", chooserJvp(() => reduceMinP), null);

export const reduceProdP: Primitive<AxesParams> = reduction(
  "reduce_prod",
  "prod",
  ([x], [t], { axes }) => {
    // d prod = Σ_i t_i Π_{j≠i} x_j, computed as prod / x_i where x_i ≠ 0; with a zero in
    // the slice only that position's tangent survives, so recompute with zeros set to 1.
    const ans = reduceProd(x!, axes);
    const zero = fullLike(x!.aval, 0);
    const one = fullLike(x!.aval, 1);
    const isZero = eq(x!, zero);
    const safe = select(isZero, one, x!);
    const prodSafe = unreduce(reduceProd(safe, axes), x!.aval, axes);
    const zeroCount = unreduce(reduceSum(convertElementType(isZero, x!.dtype), axes), x!.aval, axes);
    // Π_{j≠i} x_j: no zeros -> prod/x_i; one zero -> prodSafe at the zero, 0 elsewhere; more -> 0
    const noZero = eq(zeroCount, zero);
    const oneZero = eq(zeroCount, one);
    const others = select(noZero, div(prodSafe, safe), select(oneZero, select(isZero, prodSafe, zero), zero));
    return [[ans], [reduceSum(mul(instantiate(t!), others), axes)]];
  },
  null,
);

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
  });
  return prim;
}
export const argmaxP = argReduction("argmax", true);
export const argminP = argReduction("argmin", false);

// ---- binders ----
const reducer = (p: Primitive<AxesParams>) => (x: JaxArray, axes: readonly number[]): JaxArray =>
  axes.length === 0 ? x : bind1(p, [x], { axes: [...axes].sort((a, b) => a - b) });
export const reduceSum = reducer(reduceSumP);
export const reduceMax = reducer(reduceMaxP);
export const reduceMin = reducer(reduceMinP);
export const reduceProd = reducer(reduceProdP);
export const argmax = (x: JaxArray, axis: number, indexDtype: DType = "int32") => bind1(argmaxP, [x], { axis, indexDtype });
export const argmin = (x: JaxArray, axis: number, indexDtype: DType = "int32") => bind1(argminP, [x], { axis, indexDtype });
