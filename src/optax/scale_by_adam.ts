// Adam's rescaling (optax.scale_by_adam): bias-corrected first and second moments,
// update = mu_hat / (sqrt(nu_hat + epsRoot) + eps), with an optional Nesterov (NAdam) mu_hat.
import type { JaxArray } from "../core/array.js";
import * as jnp from "../numpy/index.js";
import type { GradientTransformation, PyTree } from "./transform.js";
import { biasCorrection, safeIncrement, updateMoment, zeroCount, zerosLike, zipMap } from "./tree_math.js";

export interface ScaleByAdamState {
  count: JaxArray;
  mu: PyTree;
  nu: PyTree;
}

export interface ScaleByAdamOpts {
  /** Decay of the first moment (default 0.9). */
  b1?: number;
  /** Decay of the second moment (default 0.999). */
  b2?: number;
  /** Added to the square root of the second moment (default 1e-8). */
  eps?: number;
  /** Added to the second moment inside the square root (default 0). */
  epsRoot?: number;
  /** NAdam: look ahead with the next step's first-moment correction (default false). */
  nesterov?: boolean;
}

export function adamDefaults(opts: ScaleByAdamOpts): Required<ScaleByAdamOpts> {
  return { b1: opts.b1 ?? 0.9, b2: opts.b2 ?? 0.999, eps: opts.eps ?? 1e-8, epsRoot: opts.epsRoot ?? 0, nesterov: opts.nesterov ?? false };
}

/**
 * The first moment as Adam uses it: mu / (1 - b1**t), or NAdam's
 * b1 * mu / (1 - b1**(t+1)) + (1 - b1) * g / (1 - b1**t).
 */
export function correctedFirstMoment(op: string, mu: PyTree, updates: PyTree, b1: number, count: JaxArray, nesterov: boolean): any {
  if (!nesterov) return biasCorrection(mu, b1, count);
  return zipMap(op, { mu: biasCorrection(mu, b1, safeIncrement(count)), updates: biasCorrection(updates, b1, count) }, (m, g) =>
    jnp.add(jnp.multiply(b1, m), jnp.multiply(1 - b1, g)),
  );
}

/** Rescales updates by Adam's bias-corrected moment estimates. */
export function scaleByAdam(opts: ScaleByAdamOpts = {}): GradientTransformation<ScaleByAdamState> {
  const { b1, b2, eps, epsRoot, nesterov } = adamDefaults(opts);
  return {
    init: (params) => ({ count: zeroCount(), mu: zerosLike("scaleByAdam", params), nu: zerosLike("scaleByAdam", params) }),
    update(updates, state) {
      const mu = updateMoment("scaleByAdam", "state.mu", updates, state.mu, b1, 1);
      const nu = updateMoment("scaleByAdam", "state.nu", updates, state.nu, b2, 2);
      const count = safeIncrement(state.count);
      const muHat = correctedFirstMoment("scaleByAdam", mu, updates, b1, count, nesterov);
      const nuHat = biasCorrection(nu, b2, count);
      const out = zipMap("scaleByAdam", { muHat, nuHat }, (m, v) => jnp.divide(m, jnp.add(jnp.sqrt(jnp.add(v, epsRoot)), eps)));
      return [out, { count, mu, nu }];
    },
  };
}
