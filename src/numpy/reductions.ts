// Reductions: sum, mean, max, min, prod, argmax, argmin (numpy's axis/keepdims semantics).
import type { ArrayLike, Axis, JaxArray, ReduceOpts } from "../core/array.js";
import { type DType, isFloat, isUnsigned } from "../core/dtype.js";
import { fmtShape, normAxes, normAxis, sizeOf } from "../core/shape.js";
import { div } from "../primitives/elementwise.js";
import * as R from "../primitives/reduce.js";
import { fullLike, reshape } from "../primitives/shape_ops.js";
import { asJax, castTo, dtypeArg } from "./coerce.js";

export interface SumOpts extends ReduceOpts {
  dtype?: DType;
}

function keep(x: JaxArray, y: JaxArray, axes: number[], keepdims?: boolean): JaxArray {
  if (!keepdims) return y;
  return reshape(
    y,
    x.shape.map((n, d) => (axes.includes(d) ? 1 : n)),
  );
}

/** bool and small ints accumulate in int32 (uint32 for unsigned), as jnp.sum does. */
function accumDtype(d: DType): DType {
  if (d === "bool" || d === "int8" || d === "int16") return "int32";
  if (d === "uint8" || d === "uint16") return "uint32";
  return d;
}

export function sum(x: ArrayLike, axis?: Axis, opts: SumOpts = {}): JaxArray {
  const a = asJax(x, "sum");
  const axes = normAxes("sum", axis, a.ndim);
  const dt = dtypeArg("sum", opts.dtype) ?? accumDtype(a.dtype);
  const src = castTo(a, dt, a.weakType);
  return keep(a, R.reduceSum(src, axes), axes, opts.keepdims);
}

export function prod(x: ArrayLike, axis?: Axis, opts: SumOpts = {}): JaxArray {
  const a = asJax(x, "prod");
  const axes = normAxes("prod", axis, a.ndim);
  const dt = dtypeArg("prod", opts.dtype) ?? accumDtype(a.dtype);
  return keep(a, R.reduceProd(castTo(a, dt, a.weakType), axes), axes, opts.keepdims);
}

export function mean(x: ArrayLike, axis?: Axis, opts: SumOpts = {}): JaxArray {
  const a = asJax(x, "mean");
  const axes = normAxes("mean", axis, a.ndim);
  const dt = dtypeArg("mean", opts.dtype) ?? (isFloat(a.dtype) ? a.dtype : "float32");
  const n = sizeOf(axes.map((d) => a.shape[d]!));
  const s = R.reduceSum(castTo(a, dt, a.weakType), axes);
  return keep(a, div(s, fullLike(s.aval, n)), axes, opts.keepdims);
}

function extreme(name: "max" | "min", f: (x: JaxArray, axes: readonly number[]) => JaxArray) {
  return (x: ArrayLike, axis?: Axis, opts: ReduceOpts = {}): JaxArray => {
    const a = asJax(x, name);
    const axes = normAxes(name, axis, a.ndim);
    for (const d of axes) {
      if (a.shape[d] === 0) {
        throw new Error(`${name}: zero-size array to reduction operation ${name} which has no identity (shape ${fmtShape(a.shape)}).`);
      }
    }
    return keep(a, f(a, axes), axes, opts.keepdims);
  };
}
export const max = extreme("max", R.reduceMax);
export const min = extreme("min", R.reduceMin);
export const amax = max;
export const amin = min;

function argExtreme(name: "argmax" | "argmin", f: (x: JaxArray, axis: number) => JaxArray) {
  return (x: ArrayLike, axis?: number | null, opts: ReduceOpts = {}): JaxArray => {
    let a = asJax(x, name);
    if (axis === undefined || axis === null) {
      const flat = reshape(a, [a.size]);
      const r = f(flat, 0);
      return opts.keepdims
        ? reshape(
            r,
            a.shape.map(() => 1),
          )
        : r;
    }
    const ax = normAxis(name, axis, a.ndim);
    if (isUnsigned(a.dtype)) a = castTo(a, "float64");
    return keep(a, f(a, ax), [ax], opts.keepdims);
  };
}
export const argmax = argExtreme("argmax", (x, axis) => R.argmax(x, axis));
export const argmin = argExtreme("argmin", (x, axis) => R.argmin(x, axis));
