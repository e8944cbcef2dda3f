// standardize: shift to zero mean and scale to unit variance along some axes.
import type { ArrayLike, Axis, JaxArray } from "../core/array.js";
import { normAxes } from "../core/shape.js";
import { asJax, promoteInexact } from "../numpy/coerce.js";
import * as jnp from "../numpy/index.js";
import { rsqrt } from "../primitives/elementwise.js";

export interface StandardizeOpts {
  /** The mean to subtract (default: the mean of x over `axis`). */
  mean?: ArrayLike;
  /** The variance to divide by (default: the variance of x over `axis`). */
  variance?: ArrayLike;
  /** Added to the variance before the square root (default 1e-5). */
  epsilon?: ArrayLike;
  /** Elements that count towards the mean and variance. */
  where?: ArrayLike;
  /**
   * How the variance is computed when not given: "fast" (JAX's default) is
   * mean(x^2) - mean(x)^2 clipped at 0; "stable" is the two-pass mean((x - mean)^2).
   */
  algorithm?: "fast" | "stable";
}

/** jnp.mean(x, axes, keepdims=True, where=mask): the sum of the kept elements over their count. */
function maskedMean(x: JaxArray, axes: number[], mask: JaxArray | undefined): JaxArray {
  if (!mask) return jnp.mean(x, axes, { keepdims: true });
  const m = jnp.broadcastTo(mask, x.shape);
  const total = jnp.sum(jnp.where(m, x, 0), axes, { keepdims: true });
  return total.div(jnp.sum(m.astype(x.dtype), axes, { keepdims: true }));
}

/**
 * standardize(x, axis) = (x - mean) / sqrt(variance + epsilon), the mean and variance taken
 * over `axis` (default -1; a list of axes, or null for all axes) unless given.
 */
export function standardize(x: ArrayLike, axis: Axis = -1, opts: StandardizeOpts = {}): JaxArray {
  const a = promoteInexact("standardize", x);
  const axes = normAxes("standardize", axis, a.ndim);
  const mask = opts.where === undefined ? undefined : asJax(opts.where, "standardize");
  const mean = opts.mean === undefined ? maskedMean(a, axes, mask) : asJax(opts.mean, "standardize");
  let variance: JaxArray;
  if (opts.variance !== undefined) {
    variance = asJax(opts.variance, "standardize");
  } else if ((opts.algorithm ?? "fast") === "fast") {
    // may come out slightly negative from cancellation: clip at 0 before the rsqrt
    variance = jnp.maximum(0, maskedMean(jnp.square(a), axes, mask).sub(jnp.square(mean)));
  } else if (opts.algorithm === "stable") {
    variance = maskedMean(jnp.square(a.sub(mean)), axes, mask);
  } else {
    throw new Error(`standardize: unknown algorithm "${opts.algorithm}"; expected "fast" or "stable".`);
  }
  const denom = jnp.add(variance, opts.epsilon ?? 1e-5);
  return a.sub(mean).mul(rsqrt(promoteInexact("standardize", denom)));
}
