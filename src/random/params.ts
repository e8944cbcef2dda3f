// Argument handling shared by the samplers: dtypes, shapes, parameters and float limits.
import { ArrayImpl, type ArrayLike, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { checkDType, type DType, isFloat } from "../core/dtype.js";
import { broadcastShapes, checkShape, fmtShape, type Shape } from "../core/shape.js";
import { asJax, broadcastTo } from "../numpy/coerce.js";
import { convertElementType } from "../primitives/elementwise.js";
import { fullLike } from "../primitives/shape_ops.js";

/** A constant of `shape` and `dtype`. */
export function constant(shape: Shape, dtype: DType, v: number): JaxArray {
  return fullLike(new ShapedArray(shape, dtype), v);
}

/** The dtype option of a float sampler: float32 by default. */
export function checkFloatDtype(op: string, dtype: DType | undefined): DType {
  const d = dtype === undefined ? "float32" : checkDType(op, dtype);
  if (!isFloat(d)) throw new TypeError(`${op}: dtype must be a float dtype, got ${d}.`);
  return d;
}

/** The spacing just below 1 (numpy's finfo.epsneg): -1 + epsneg is the float after -1. */
export function epsneg(dtype: DType): number {
  return dtype === "float64" ? 2 ** -53 : dtype === "float32" ? 2 ** -24 : dtype === "float16" ? 2 ** -11 : 2 ** -8;
}

/** The smallest positive normal float (numpy's finfo.tiny). */
export function tiny(dtype: DType): number {
  return dtype === "float64" ? 2 ** -1022 : dtype === "float16" ? 2 ** -14 : 2 ** -126;
}

/** Mantissa bits (numpy's finfo.nmant). */
export function nmant(dtype: DType): number {
  return dtype === "float64" ? 52 : dtype === "float32" ? 23 : dtype === "float16" ? 10 : 7;
}

/**
 * A sampler parameter as an array of `dtype`. JS numbers round directly to `dtype`, as a
 * Python float does in JAX (never through a float32 weak scalar first).
 */
export function floatParam(op: string, v: ArrayLike, dtype: DType): JaxArray {
  return typeof v === "number" ? ArrayImpl.scalar(v, dtype) : convertElementType(asJax(v, op), dtype);
}

/** A parameter converted to `dtype` and broadcast to `shape` (it may not grow the shape). */
export function paramAs(op: string, name: string, v: ArrayLike, dtype: DType, shape: Shape): JaxArray {
  const a = floatParam(op, v, dtype);
  const lead = shape.length - a.ndim;
  if (lead < 0 || !a.shape.every((d, i) => d === 1 || d === shape[lead + i])) {
    throw new Error(`${op}: ${name} of shape ${fmtShape(a.shape)} does not broadcast to the sample shape ${fmtShape(shape)}.`);
  }
  return broadcastTo(a, shape, op);
}

/** The sample shape: `shape` if given (parameters must broadcast to it), else the parameters' broadcast shape. */
export function sampleShape(op: string, shape: number | readonly number[] | undefined | null, ...params: Shape[]): number[] {
  if (shape === undefined || shape === null) return broadcastShapes(op, ...params);
  const s = checkShape(op, shape);
  const b = broadcastShapes(op, s, ...params);
  if (b.length !== s.length || b.some((d, i) => d !== s[i])) {
    throw new Error(
      `${op}: parameter shapes ${params.map(fmtShape).join(", ")} must broadcast to the shape argument ${fmtShape(s)}, ` +
        `but together they broadcast to ${fmtShape(b)}.`,
    );
  }
  return s;
}
