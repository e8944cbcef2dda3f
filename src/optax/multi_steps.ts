// Gradient accumulation (optax.MultiSteps): average the gradients of k consecutive calls
// and apply the inner optimizer once per k calls; the other calls return zero updates.
// Everything is branch-free (jnp.where on the step counters), so it runs under jit.
import type { ArrayLike, JaxArray } from "../core/array.js";
import { map } from "../core/tree.js";
import * as jnp from "../numpy/index.js";
import type { GradientTransformation, OptState, PyTree } from "./transform.js";
import { safeIncrement, zeroCount, zerosLike, zipMap } from "./tree_math.js";

export interface MultiStepsState {
  /** Calls since the last inner update, in [0, k). */
  miniStep: JaxArray;
  /** Inner updates done so far. */
  gradientStep: JaxArray;
  innerOptState: OptState;
  /** The running mean (or sum) of the gradients of this round. */
  accGrads: PyTree;
}

export interface MultiStepsOpts {
  /** Average the accumulated gradients (the default) instead of summing them. */
  useGradMean?: boolean;
}

export interface MultiSteps extends GradientTransformation<MultiStepsState> {
  /** True right after a call that applied the inner optimizer. */
  hasUpdated(state: MultiStepsState): JaxArray;
}

/**
 * Wraps `opt` so that it updates every `everyK` calls (a number, or a function of the
 * number of inner updates so far) with the mean of the gradients seen since its last update.
 */
export function multiSteps<S>(
  opt: GradientTransformation<S>,
  everyK: number | ((gradientStep: JaxArray) => ArrayLike),
  opts: MultiStepsOpts = {},
): MultiSteps {
  const useMean = opts.useGradMean ?? true;
  const kAt = (step: JaxArray): ArrayLike => (typeof everyK === "function" ? everyK(step) : everyK);
  return {
    init(params) {
      return {
        miniStep: zeroCount(),
        gradientStep: zeroCount(),
        innerOptState: opt.init(params),
        accGrads: zerosLike("multiSteps", params, "float32"),
      };
    },
    update(updates, state, params) {
      const k = kAt(state.gradientStep);
      // Welford's running mean: acc + (g - acc) / (n + 1)
      const accGrads = zipMap("multiSteps", { updates, "state.accGrads": state.accGrads }, (g, acc) =>
        useMean ? jnp.add(acc, jnp.divide(jnp.subtract(g, acc), jnp.add(state.miniStep, 1))) : jnp.add(g, acc),
      );
      const castAcc = zipMap("multiSteps", { accGrads, updates }, (a, g) => a.astype(g.dtype));
      const [finalUpdates, newInner] = opt.update(castAcc as typeof updates, state.innerOptState as S, params);
      const emit = state.miniStep.eq(jnp.subtract(k, 1));
      const keep = jnp.subtract(1, emit);
      const innerOptState = zipMap("multiSteps", { "state.innerOptState": state.innerOptState, newInnerState: newInner }, (old, fresh) =>
        jnp.where(emit, fresh, old).astype(old.dtype),
      );
      const next: MultiStepsState = {
        miniStep: jnp.mod(safeIncrement(state.miniStep), k),
        gradientStep: jnp.add(jnp.multiply(emit, safeIncrement(state.gradientStep)), jnp.multiply(keep, state.gradientStep)),
        innerOptState,
        accGrads: map((a: JaxArray) => jnp.multiply(keep, a).astype("float32"), accGrads),
      };
      return [map((u: JaxArray) => jnp.multiply(emit, u), finalUpdates), next];
    },
    hasUpdated(state) {
      return jnp.logicalAnd(state.miniStep.eq(0), state.gradientStep.gt(0));
    },
  };
}
