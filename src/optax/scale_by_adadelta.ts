// Adadelta's rescaling (optax.scale_by_adadelta): the ratio of the RMS of past updates to
// the RMS of past gradients, so that the step has the units of the parameters.
import * as jnp from "../numpy/index.js";
import type { GradientTransformation, PyTree } from "./transform.js";
import { updateMoment, zerosLike, zipMap } from "./tree_math.js";

export interface ScaleByAdadeltaState {
  /** EMA of squared gradients. */
  eG: PyTree;
  /** EMA of squared updates. */
  eX: PyTree;
}

export interface ScaleByAdadeltaOpts {
  /** Decay of both averages (default 0.9). */
  rho?: number;
  /** Stabilizer inside both square roots (default 1e-6). */
  eps?: number;
}

export function scaleByAdadelta(opts: ScaleByAdadeltaOpts = {}): GradientTransformation<ScaleByAdadeltaState> {
  const rho = opts.rho ?? 0.9;
  const eps = opts.eps ?? 1e-6;
  return {
    init: (params) => ({ eG: zerosLike("scaleByAdadelta", params), eX: zerosLike("scaleByAdadelta", params) }),
    update(updates, state) {
      const eG = updateMoment("scaleByAdadelta", "state.eG", updates, state.eG, rho, 2);
      const out = zipMap("scaleByAdadelta", { updates, eG, "state.eX": state.eX }, (g, curEG, prevEX) =>
        jnp.multiply(jnp.divide(jnp.sqrt(jnp.add(prevEX, eps)), jnp.sqrt(jnp.add(curEG, eps))), g),
      );
      const eX = updateMoment("scaleByAdadelta", "state.eX", out, state.eX, rho, 2);
      return [out, { eG, eX }];
    },
  };
}
