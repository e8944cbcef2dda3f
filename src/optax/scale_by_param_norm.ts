// Scaling each update by the magnitude of its own parameter block: LAMB/LARS's trust
// ratio ||param|| / ||update|| (scaleByTrustRatio) and Adafactor's parameter RMS
// (scaleByParamBlockRms). Both need params in update.
import * as jnp from "../numpy/index.js";
import { safeNorm, safeRootMeanSquares } from "./numerics.js";
import { type EmptyState, type GradientTransformation, NO_PARAMS_MSG } from "./transform.js";
import { zipMap } from "./tree_math.js";

export interface ScaleByTrustRatioOpts {
  /** Norms below this are clipped up to it (default 0: no clipping). */
  minNorm?: number;
  /** Multiplies the ratio (default 1). */
  trustCoefficient?: number;
  /** Added to the update norm (default 0). */
  eps?: number;
}

/** update * trustCoefficient * ||param|| / (||update|| + eps), or the update unchanged when either norm is 0. */
export function scaleByTrustRatio(opts: ScaleByTrustRatioOpts = {}): GradientTransformation<EmptyState> {
  const minNorm = opts.minNorm ?? 0;
  const coef = opts.trustCoefficient ?? 1;
  const eps = opts.eps ?? 0;
  return {
    init: () => ({}),
    update(updates, state, params) {
      if (params === undefined || params === null) throw new Error(`optax.scaleByTrustRatio: ${NO_PARAMS_MSG}`);
      const out = zipMap("scaleByTrustRatio", { updates, params }, (u, p) => {
        const paramNorm = safeNorm(p, minNorm);
        const updateNorm = safeNorm(u, minNorm);
        const ratio = jnp.divide(jnp.multiply(coef, paramNorm), jnp.add(updateNorm, eps));
        const zeroNorm = jnp.logicalOr(paramNorm.eq(0), updateNorm.eq(0));
        return jnp.multiply(u, jnp.where(zeroNorm, jnp.array(1, { dtype: p.dtype }), ratio));
      });
      return [out, state];
    },
  };
}

/** update * max(RMS(param), minScale) per parameter block (optax.scale_by_param_block_rms). */
export function scaleByParamBlockRms(minScale = 1e-3): GradientTransformation<EmptyState> {
  return {
    init: () => ({}),
    update(updates, state, params) {
      if (params === undefined || params === null) throw new Error(`optax.scaleByParamBlockRms: ${NO_PARAMS_MSG}`);
      const out = zipMap("scaleByParamBlockRms", { updates, params }, (u, p) => jnp.multiply(u, safeRootMeanSquares(p, minScale)));
      return [out, state];
    },
  };
}
