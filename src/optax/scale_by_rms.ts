// RMSProp's rescaling: divide by the root of an EMA of squared updates (scaleByRms), or,
// centered, by the root of its variance estimate (scaleByStddev).
import type { JaxArray } from "../core/array.js";
import * as jnp from "../numpy/index.js";
import { rsqrt } from "../primitives/elementwise.js";
import type { GradientTransformation, PyTree } from "./transform.js";
import { biasCorrection, fullLike, safeIncrement, updateMoment, zeroCount, zerosLike, zipMap } from "./tree_math.js";

export interface ScaleByRmsOpts {
  /** Decay of the squared-update average (default 0.9). */
  decay?: number;
  /** Stabilizer (default 1e-8). */
  eps?: number;
  /** Initial value of the average (default 0). */
  initialScale?: number;
  /** Add eps inside the square root, 1/sqrt(nu + eps) (the default), rather than 1/(sqrt(nu) + eps). */
  epsInSqrt?: boolean;
  /** Divide the averages by 1 - decay**t; the state then carries a count (default false). */
  biasCorrection?: boolean;
}

export interface ScaleByRmsState {
  /** Present only with biasCorrection. */
  count?: JaxArray;
  nu: PyTree;
}

export interface ScaleByStddevState {
  count?: JaxArray;
  mu: PyTree;
  nu: PyTree;
}

function rmsDefaults(opts: ScaleByRmsOpts): Required<ScaleByRmsOpts> {
  return {
    decay: opts.decay ?? 0.9,
    eps: opts.eps ?? 1e-8,
    initialScale: opts.initialScale ?? 0,
    epsInSqrt: opts.epsInSqrt ?? true,
    biasCorrection: opts.biasCorrection ?? false,
  };
}

function invRoot(x: JaxArray, eps: number, epsInSqrt: boolean): JaxArray {
  if (epsInSqrt) return rsqrt(jnp.add(x, eps));
  return jnp.divide(1, jnp.add(jnp.sqrt(x), eps));
}

/** updates / sqrt(nu + eps), with nu = decay * nu + (1 - decay) * g**2 (optax.scale_by_rms). */
export function scaleByRms(opts: ScaleByRmsOpts = {}): GradientTransformation<ScaleByRmsState> {
  const o = rmsDefaults(opts);
  return {
    init(params) {
      const nu = fullLike("scaleByRms", params, o.initialScale);
      return o.biasCorrection ? { count: zeroCount(), nu } : { nu };
    },
    update(updates, state) {
      const nu = updateMoment("scaleByRms", "state.nu", updates, state.nu, o.decay, 2);
      let nuHat = nu;
      let count: JaxArray | undefined;
      if (o.biasCorrection) {
        count = safeIncrement(stateCount("scaleByRms", state.count));
        nuHat = biasCorrection(nu, o.decay, count);
      }
      const out = zipMap("scaleByRms", { updates, nuHat }, (g, n) => jnp.multiply(invRoot(n, o.eps, o.epsInSqrt), g));
      return [out, count ? { count, nu } : { nu }];
    },
  };
}

/**
 * Centered RMSProp: updates / sqrt(nu - mu**2 + eps), with mu and nu EMAs of g and g**2
 * (optax.scale_by_stddev).
 */
export function scaleByStddev(opts: ScaleByRmsOpts = {}): GradientTransformation<ScaleByStddevState> {
  const o = rmsDefaults(opts);
  return {
    init(params) {
      const mu = zerosLike("scaleByStddev", params);
      const nu = fullLike("scaleByStddev", params, o.initialScale);
      return o.biasCorrection ? { count: zeroCount(), mu, nu } : { mu, nu };
    },
    update(updates, state) {
      const mu = updateMoment("scaleByStddev", "state.mu", updates, state.mu, o.decay, 1);
      const nu = updateMoment("scaleByStddev", "state.nu", updates, state.nu, o.decay, 2);
      let muHat = mu;
      let nuHat = nu;
      let count: JaxArray | undefined;
      if (o.biasCorrection) {
        count = safeIncrement(stateCount("scaleByStddev", state.count));
        muHat = biasCorrection(mu, o.decay, count);
        nuHat = biasCorrection(nu, o.decay, count);
      }
      const out = zipMap("scaleByStddev", { updates, muHat, nuHat }, (g, m, n) =>
        jnp.multiply(invRoot(jnp.subtract(n, jnp.multiply(m, m)), o.eps, o.epsInSqrt), g),
      );
      return [out, count ? { count, mu, nu } : { mu, nu }];
    },
  };
}

function stateCount(op: string, count: JaxArray | undefined): JaxArray {
  if (!count) throw new Error(`optax.${op}: the state has no count; it was made by an instance without biasCorrection.`);
  return count;
}
