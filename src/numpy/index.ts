// jax.numpy for TypeScript (camelCase names; keyword arguments as a trailing options object).
import "./methods.js";

export type { DType } from "../core/dtype.js";
export { stopGradient } from "../primitives/elementwise.js";
export { e, inf, nan, newaxis, pi } from "./constants.js";
export * from "./creation.js";
export { index } from "./indexing.js";
export * from "./manipulation.js";
export * from "./products.js";
export * from "./reductions.js";
export * from "./ufuncs.js";

import type { ArrayLike, JaxArray } from "../core/array.js";
import { slice as laxSlice } from "../primitives/shape_ops.js";
import { asJax } from "./coerce.js";
export function shape(x: ArrayLike): readonly number[] {
  return asJax(x).shape;
}
export function ndim(x: ArrayLike): number {
  return asJax(x).ndim;
}
export function size(x: ArrayLike): number {
  return asJax(x).size;
}
/** Static slice with start/limit/strides per axis (lax.slice). */
export function sliceStatic(x: ArrayLike, start: readonly number[], limit: readonly number[], strides?: readonly number[]): JaxArray {
  return laxSlice(asJax(x), start, limit, strides);
}
export * from "./contractions.js";
export * from "./creation_extra.js";
export { cumprod, cumsum, diff, ediff1d, nancumprod, nancumsum } from "./cumulative.js";
export * from "./dtype_info.js";
export {
  argwhere,
  bincount,
  flatnonzero,
  nonzero,
  putAlongAxis,
  ravelMultiIndex,
  select,
  take,
  takeAlongAxis,
  trilIndices,
  trilIndicesFrom,
  triuIndices,
  triuIndicesFrom,
  unravelIndex,
} from "./gather.js";
export * as linalg from "./linalg.js";
export * from "./logic.js";
export * from "./math.js";
export * from "./misc_extra.js";
export * from "./polynomial.js";
export * from "./setops.js";
export * from "./shaping.js";
export * from "./signal.js";
export {
  argpartition,
  argsort,
  digitize,
  histogram,
  histogramBinEdges,
  lexsort,
  median,
  partition,
  percentile,
  quantile,
  searchsorted,
  sort,
  unique,
} from "./sorting.js";
export * from "./stats.js";
