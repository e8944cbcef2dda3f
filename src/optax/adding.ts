// Decoupled weight decay (optax.add_decayed_weights): updates + weightDecay * params,
// optionally only for the parameters a mask selects.
import type { JaxArray } from "../core/array.js";
import * as jnp from "../numpy/index.js";
import { type Mask, masked } from "./masking.js";
import { type EmptyState, type GradientTransformation, NO_PARAMS_MSG, type OptState, type ScalarOrSchedule } from "./transform.js";
import { safeIncrement, zeroCount, zipMap } from "./tree_math.js";

export interface WeightDecayScheduleState {
  count: JaxArray;
}

export interface AddDecayedWeightsOpts {
  /** Which parameters decay: a pytree (or prefix) of booleans like params, or a function of params returning one. */
  mask?: Mask;
}

/**
 * Adds weightDecay * param to each update. A schedule is evaluated at its own step count
 * (kept in the state). A constant 0 leaves the updates untouched.
 */
export function addDecayedWeights(weightDecay: ScalarOrSchedule = 0, opts: AddDecayedWeightsOpts = {}): GradientTransformation<OptState> {
  const scheduled = typeof weightDecay === "function";
  const tx: GradientTransformation<EmptyState | WeightDecayScheduleState> = {
    init: (): EmptyState | WeightDecayScheduleState => (scheduled ? { count: zeroCount() } : ({} as EmptyState)),
    update(updates, state, params) {
      if (params === undefined || params === null) throw new Error(`optax.addDecayedWeights: ${NO_PARAMS_MSG}`);
      const count = (state as WeightDecayScheduleState).count;
      const next = scheduled ? { count: safeIncrement(count) } : state;
      if (weightDecay === 0) return [updates, next];
      const s = typeof weightDecay === "function" ? weightDecay(count) : weightDecay;
      const out = zipMap("addDecayedWeights", { updates, params }, (g, p) => jnp.add(g, jnp.multiply(s, p)));
      return [out, next];
    },
  };
  return opts.mask === undefined || opts.mask === null ? tx : masked(tx, opts.mask);
}
