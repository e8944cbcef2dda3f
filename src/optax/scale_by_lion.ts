// Lion's rescaling (optax.scale_by_lion): the sign of an interpolation between the
// gradient and its momentum, with the momentum itself decaying at a different rate.
import type { JaxArray } from "../core/array.js";
import * as jnp from "../numpy/index.js";
import type { GradientTransformation, PyTree } from "./transform.js";
import { safeIncrement, updateMoment, zeroCount, zerosLike, zipMap } from "./tree_math.js";

export interface ScaleByLionState {
  count: JaxArray;
  mu: PyTree;
}

export interface ScaleByLionOpts {
  /** Interpolation weight of the momentum in the update (default 0.9). */
  b1?: number;
  /** Decay of the momentum (default 0.99). */
  b2?: number;
}

/** update = sign((1 - b1) * g + b1 * mu); then mu = (1 - b2) * g + b2 * mu. */
export function scaleByLion(opts: ScaleByLionOpts = {}): GradientTransformation<ScaleByLionState> {
  const b1 = opts.b1 ?? 0.9;
  const b2 = opts.b2 ?? 0.99;
  return {
    init: (params) => ({ count: zeroCount(), mu: zerosLike("scaleByLion", params) }),
    update(updates, state) {
      const out = zipMap("scaleByLion", { updates, "state.mu": state.mu }, (g, m) =>
        jnp.sign(jnp.add(jnp.multiply(1 - b1, g), jnp.multiply(b1, m))),
      );
      const mu = updateMoment("scaleByLion", "state.mu", updates, state.mu, b2, 1);
      return [out, { count: safeIncrement(state.count), mu }];
    },
  };
}
