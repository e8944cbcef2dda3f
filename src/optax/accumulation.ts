// Accumulating updates over steps: momentum (trace) and exponential moving averages (ema).
import type { JaxArray } from "../core/array.js";
import * as jnp from "../numpy/index.js";
import type { GradientTransformation, PyTree } from "./transform.js";
import { biasCorrection, safeIncrement, updateMoment, zeroCount, zerosLike, zipMap } from "./tree_math.js";

export interface TraceState {
  trace: PyTree;
}

export interface TraceOpts {
  /** Nesterov momentum: the update is g + decay * newTrace instead of newTrace. */
  nesterov?: boolean;
}

/** Momentum (optax.trace): newTrace = g + decay * trace; the update is newTrace (or its Nesterov form). */
export function trace(decay: number, opts: TraceOpts = {}): GradientTransformation<TraceState> {
  const nesterov = opts.nesterov ?? false;
  const step = (g: JaxArray, t: JaxArray) => jnp.add(g, jnp.multiply(decay, t));
  return {
    init: (params) => ({ trace: zerosLike("trace", params) }),
    update(updates, state) {
      const newTrace = zipMap("trace", { updates, "state.trace": state.trace }, step);
      const out = nesterov ? zipMap("trace", { updates, newTrace }, step) : newTrace;
      return [out, { trace: newTrace }];
    },
  };
}

export interface EmaState {
  count: JaxArray;
  ema: PyTree;
}

export interface EmaOpts {
  /** Divide by 1 - decay**count so early averages are not biased towards zero (default true). */
  debias?: boolean;
}

/** Exponential moving average of the updates (optax.ema): ema = (1 - decay) * g + decay * ema. */
export function ema(decay: number, opts: EmaOpts = {}): GradientTransformation<EmaState> {
  const debias = opts.debias ?? true;
  return {
    init: (params) => ({ count: zeroCount(), ema: zerosLike("ema", params) }),
    update(updates, state) {
      const newEma = updateMoment("ema", "state.ema", updates, state.ema, decay, 1);
      const count = safeIncrement(state.count);
      const out = debias ? biasCorrection(newEma, decay, count) : newEma;
      return [out, { count, ema: newEma }];
    },
  };
}
