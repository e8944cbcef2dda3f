// Clipping updates: elementwise (clip), by the global norm of the whole pytree
// (clipByGlobalNorm), or by each block's RMS (clipByBlockRms, part of Adafactor).
import type { JaxArray } from "../core/array.js";
import { map } from "../core/tree.js";
import * as jnp from "../numpy/index.js";
import { select } from "../primitives/elementwise.js";
import { clip as clipValues } from "./numerics.js";
import type { EmptyState, GradientTransformation } from "./transform.js";
import { globalNorm } from "./tree_math.js";

/** Clips every update elementwise to [-maxDelta, maxDelta] (optax.clip). */
export function clip(maxDelta: number): GradientTransformation<EmptyState> {
  return {
    init: () => ({}),
    update: (updates, state) => [map((g: JaxArray) => clipValues(g, -maxDelta, maxDelta), updates), state],
  };
}

/**
 * Rescales all updates together so that their global norm is at most maxNorm
 * (optax.clip_by_global_norm): unchanged when the norm is below maxNorm, else
 * (g / norm) * maxNorm.
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<EmptyState> {
  return {
    init: () => ({}),
    update(updates, state) {
      const norm = globalNorm(updates);
      const below = norm.lt(maxNorm);
      const out = map((g: JaxArray) => {
        const clipped = jnp.multiply(jnp.divide(g, norm.astype(g.dtype)), maxNorm);
        return select(jnp.broadcastTo(below, g.shape), g, clipped);
      }, updates);
      return [out, state];
    },
  };
}

/** Divides each update block by max(1, RMS(block) / threshold) (optax.clip_by_block_rms). */
export function clipByBlockRms(threshold: number): GradientTransformation<EmptyState> {
  return {
    init: () => ({}),
    update(updates, state) {
      const out = map((u: JaxArray) => {
        const denom = jnp.maximum(1, jnp.divide(jnp.sqrt(jnp.mean(jnp.multiply(u, u))), threshold));
        return jnp.divide(u, denom);
      }, updates);
      return [out, state];
    },
  };
}
