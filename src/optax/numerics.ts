// Numerical helpers the transformations need that jax.numpy does not (yet) provide here:
// clip, and norms that stay finite and differentiable at zero (optax numerics).
import type { ArrayLike, JaxArray } from "../core/array.js";
import * as jnp from "../numpy/index.js";

/** jnp.clip(x, lo, hi): maximum with lo, then minimum with hi (either may be omitted). */
export function clip(x: ArrayLike, lo?: ArrayLike, hi?: ArrayLike): JaxArray {
  let a = jnp.asarray(x);
  if (lo !== undefined) a = jnp.maximum(lo, a);
  if (hi !== undefined) a = jnp.minimum(hi, a);
  return a;
}

/** The 2-norm of all elements of x. */
function norm(x: JaxArray): JaxArray {
  return jnp.sqrt(jnp.sum(jnp.multiply(x, x)));
}

/**
 * norm(x), but `minNorm` where the norm is <= minNorm; the norm is then taken of ones
 * instead of x so that its gradient stays finite at x = 0 (optax safe_norm).
 */
export function safeNorm(x: JaxArray, minNorm: number): JaxArray {
  const n = norm(x);
  const small = n.le(minNorm);
  const masked = norm(jnp.where(small, jnp.onesLike(x), x));
  return jnp.where(small, minNorm, masked);
}

/** sqrt(mean(x**2)), or `minRms` where that is <= minRms (optax safe_root_mean_squares). */
export function safeRootMeanSquares(x: JaxArray, minRms: number): JaxArray {
  const rms = jnp.sqrt(jnp.mean(jnp.multiply(x, x)));
  const small = rms.le(minRms);
  const masked = jnp.where(small, jnp.onesLike(x), x);
  return jnp.where(small, minRms, jnp.sqrt(jnp.mean(jnp.multiply(masked, masked))));
}
