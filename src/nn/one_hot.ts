// oneHot: integer class indices to indicator vectors.
import type { ArrayLike, JaxArray } from "../core/array.js";
import type { DType } from "../core/dtype.js";
import { normAxis } from "../core/shape.js";
import { asJax, dtypeArg } from "../numpy/coerce.js";
import * as jnp from "../numpy/index.js";
import { iota } from "../primitives/shape_ops.js";

export interface OneHotOpts {
  /** The dtype of the result (default float32). */
  dtype?: DType;
  /** Where the new class axis goes in the result (default -1, the last axis). */
  axis?: number;
}

/**
 * oneHot(x, numClasses): each index in x becomes a vector of length numClasses that is 1 at
 * the index and 0 elsewhere; indices outside [0, numClasses) give all zeros.
 */
export function oneHot(x: ArrayLike, numClasses: number, opts: OneHotOpts = {}): JaxArray {
  if (!Number.isInteger(numClasses) || numClasses < 0) {
    throw new Error(`oneHot: numClasses must be a non-negative integer, got ${numClasses}.`);
  }
  const a = asJax(x, "oneHot");
  const dtype = dtypeArg("oneHot", opts.dtype) ?? "float32";
  const axis = normAxis("oneHot", opts.axis ?? -1, a.ndim + 1);
  const lhs = jnp.expandDims(a, axis);
  const rhsShape = a.shape.map(() => 1);
  rhsShape.splice(axis, 0, numClasses);
  const classes = iota(a.dtype, rhsShape, axis);
  return jnp.equal(lhs, classes).astype(dtype);
}
