// RAdam's rescaling (optax.scale_by_radam): Adam with a variance-rectification factor r,
// falling back to the bias-corrected first moment alone (momentum SGD) while the
// approximated length of the moving average, rho, is below `threshold`.
import * as jnp from "../numpy/index.js";
import { adamDefaults, correctedFirstMoment, type ScaleByAdamOpts, type ScaleByAdamState } from "./scale_by_adam.js";
import type { GradientTransformation } from "./transform.js";
import { biasCorrection, safeIncrement, updateMoment, zeroCount, zerosLike, zipMap } from "./tree_math.js";

export interface ScaleByRadamOpts extends ScaleByAdamOpts {
  /** Rectify only once rho >= threshold (default 5). */
  threshold?: number;
}

export function scaleByRadam(opts: ScaleByRadamOpts = {}): GradientTransformation<ScaleByAdamState> {
  const { b1, b2, eps, epsRoot, nesterov } = adamDefaults(opts);
  const threshold = opts.threshold ?? 5;
  const rhoInf = 2 / (1 - b2) - 1;
  return {
    init: (params) => ({ count: zeroCount(), mu: zerosLike("scaleByRadam", params), nu: zerosLike("scaleByRadam", params) }),
    update(updates, state) {
      const mu = updateMoment("scaleByRadam", "state.mu", updates, state.mu, b1, 1);
      const nu = updateMoment("scaleByRadam", "state.nu", updates, state.nu, b2, 2);
      const count = safeIncrement(state.count);
      const b2t = jnp.power(b2, count);
      const rho = jnp.subtract(rhoInf, jnp.divide(jnp.multiply(jnp.multiply(2, count), b2t), jnp.subtract(1, b2t)));
      const muHat = correctedFirstMoment("scaleByRadam", mu, updates, b1, count, nesterov);
      const nuHat = biasCorrection(nu, b2, count);
      // r is NaN while rho <= 4; that branch is then not selected
      const r = jnp.sqrt(
        jnp.divide(
          jnp.multiply(jnp.multiply(jnp.subtract(rho, 4), jnp.subtract(rho, 2)), rhoInf),
          jnp.multiply((rhoInf - 4) * (rhoInf - 2), rho),
        ),
      );
      const rectify = rho.ge(threshold);
      const out = zipMap("scaleByRadam", { muHat, nuHat }, (m, v) =>
        jnp.where(rectify, jnp.divide(jnp.multiply(r.astype(m.dtype), m), jnp.add(jnp.sqrt(jnp.add(v, epsRoot)), eps)), m),
      );
      return [out, { count, mu, nu }];
    },
  };
}
