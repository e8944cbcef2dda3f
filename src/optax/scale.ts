// Multiplying updates by a step size: a constant (scale), a schedule of the step count
// (scaleBySchedule), or a learning rate of either kind with the sign flipped for descent
// (scaleByLearningRate, the last link of every optimizer alias).
import type { ArrayLike, JaxArray } from "../core/array.js";
import { map } from "../core/tree.js";
import * as jnp from "../numpy/index.js";
import { type EmptyState, type GradientTransformation, identity, type ScalarOrSchedule } from "./transform.js";
import { safeIncrement, zeroCount } from "./tree_math.js";

/** Multiplies every update by `stepSize` (optax.scale). */
export function scale(stepSize: ArrayLike): GradientTransformation<EmptyState> {
  return {
    init: () => ({}),
    update: (updates, state) => [map((g: JaxArray) => jnp.multiply(stepSize, g), updates), state],
  };
}

export interface ScaleByScheduleState {
  count: JaxArray;
}

/** Multiplies updates by stepSizeFn(count), the count before this step's increment (optax.scale_by_schedule). */
export function scaleBySchedule(stepSizeFn: (count: JaxArray) => ArrayLike): GradientTransformation<ScaleByScheduleState> {
  return {
    init: () => ({ count: zeroCount() }),
    update(updates, state) {
      const stepSize = stepSizeFn(state.count);
      const next = map((g: JaxArray) => jnp.multiply(jnp.array(stepSize, { dtype: g.dtype }), g), updates);
      return [next, { count: safeIncrement(state.count) }];
    },
  };
}

export interface ScaleByLearningRateOpts {
  /** Negate the step (the default), so that adding the updates descends the loss. */
  flipSign?: boolean;
}

/**
 * Scales by -learningRate (or +learningRate with flipSign false); a schedule becomes a
 * scaleBySchedule with its own count, a constant a stateless scale. `null` is the identity.
 */
export function scaleByLearningRate(
  learningRate: ScalarOrSchedule | null,
  opts: ScaleByLearningRateOpts = {},
): GradientTransformation<EmptyState | ScaleByScheduleState> {
  if (learningRate === null) return identity();
  const m = (opts.flipSign ?? true) ? -1 : 1;
  if (typeof learningRate === "function") return scaleBySchedule((count) => jnp.multiply(m, learningRate(count)));
  return scale(typeof learningRate === "number" ? m * learningRate : jnp.multiply(m, learningRate));
}
