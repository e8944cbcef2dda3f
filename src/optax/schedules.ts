// Learning-rate schedules (optax.schedules): functions of the int32 step count built only
// from jnp operations, so they work on traced counts inside jit (no JS branching on values;
// piecewise definitions use jnp.where). Optimizers evaluate them at the count *before* it
// is incremented, so the first update uses schedule(0).
import { type ArrayLike, JaxArray } from "../core/array.js";
import * as jnp from "../numpy/index.js";
import { clip } from "./numerics.js";
import type { Schedule } from "./transform.js";

/** A JS number count becomes an int32 scalar, like the counts optimizers keep in their state. */
function asCount(count: ArrayLike): JaxArray {
  return count instanceof JaxArray ? count : jnp.array(count as number, { dtype: "int32" });
}

/** A JS number as a weak-typed float scalar: it takes the dtype of whatever it multiplies, like a Python float. */
function constant(value: number): JaxArray {
  return jnp.full([], value);
}

function checkInteger(op: string, name: string, v: number): void {
  if (!Number.isInteger(v)) throw new TypeError(`optax.${op}: ${name} must be an integer number of steps, got ${v}.`);
}

/** The same value at every step. */
export function constantSchedule(value: number): Schedule {
  return () => constant(value);
}

export interface PolynomialScheduleOpts {
  initValue: number;
  endValue: number;
  power: number;
  transitionSteps: number;
  transitionBegin?: number;
}

/**
 * (initValue - endValue) * (1 - t / transitionSteps) ** power + endValue, where t is the
 * count minus transitionBegin, clipped to [0, transitionSteps]. A non-positive
 * transitionSteps gives the constant initValue, as in Optax.
 */
export function polynomialSchedule(opts: PolynomialScheduleOpts): Schedule {
  const { initValue, endValue, power, transitionSteps } = opts;
  checkInteger("polynomialSchedule", "transitionSteps", transitionSteps);
  if (transitionSteps <= 0) return constantSchedule(initValue);
  const begin = Math.max(0, opts.transitionBegin ?? 0);
  return (count) => {
    const t = clip(jnp.subtract(asCount(count), begin), 0, transitionSteps);
    const frac = jnp.subtract(1, jnp.divide(t, transitionSteps));
    return jnp.add(jnp.multiply(initValue - endValue, jnp.power(frac, power)), endValue);
  };
}

export interface LinearScheduleOpts {
  initValue: number;
  endValue: number;
  transitionSteps: number;
  transitionBegin?: number;
}

/** Linear interpolation from initValue to endValue over transitionSteps steps, starting at transitionBegin. */
export function linearSchedule(opts: LinearScheduleOpts): Schedule {
  return polynomialSchedule({ ...opts, power: 1 });
}

export interface PiecewiseConstantScheduleOpts {
  initValue: number;
  /** {step: scale}: from each step on, the value is multiplied by its scale (scales must be >= 0). */
  boundariesAndScales?: Record<number, number>;
}

/** initValue, multiplied by each boundary's scale once the count reaches that boundary. */
export function piecewiseConstantSchedule(opts: PiecewiseConstantScheduleOpts): Schedule {
  const pairs = Object.entries(opts.boundariesAndScales ?? {})
    .map(([b, s]) => [Number(b), s] as const)
    .sort((p, q) => p[0] - q[0]);
  for (const [b, s] of pairs) {
    checkInteger("piecewiseConstantSchedule", "each boundary", b);
    if (!(s >= 0)) throw new Error(`optax.piecewiseConstantSchedule: scales must be non-negative, got ${s} at step ${b}.`);
  }
  return (count) => {
    const c = asCount(count);
    let v: JaxArray = constant(opts.initValue);
    for (const [boundary, scale] of pairs) {
      // 1 before the boundary, 0 from it on, as a float so that the blend below is arithmetic
      const before = jnp.maximum(constant(0), jnp.sign(jnp.subtract(boundary, c)));
      v = jnp.add(jnp.multiply(v, before), jnp.multiply(jnp.multiply(jnp.subtract(1, before), scale), v));
    }
    return v;
  };
}

export interface ExponentialDecayOpts {
  initValue: number;
  transitionSteps: number;
  decayRate: number;
  transitionBegin?: number;
  /** Decay in discrete steps: the exponent is floor((count - transitionBegin) / transitionSteps). */
  staircase?: boolean;
  /** A bound the value never passes (a floor when decaying, a ceiling when growing). */
  endValue?: number;
}

/**
 * initValue * decayRate ** ((count - transitionBegin) / transitionSteps), constant before
 * transitionBegin. A non-positive transitionSteps or a zero decayRate gives the constant initValue.
 */
export function exponentialDecay(opts: ExponentialDecayOpts): Schedule {
  const { initValue, transitionSteps, decayRate, staircase = false, endValue } = opts;
  checkInteger("exponentialDecay", "transitionSteps", transitionSteps);
  if (transitionSteps <= 0 || decayRate === 0) return constantSchedule(initValue);
  const begin = Math.max(0, opts.transitionBegin ?? 0);
  const bound = decayRate < 1 ? jnp.maximum : jnp.minimum;
  return (count) => {
    const decreased = jnp.subtract(asCount(count), begin);
    let p = jnp.divide(decreased, transitionSteps);
    if (staircase) p = jnp.floor(p);
    const decayed = jnp.where(decreased.le(0), initValue, jnp.multiply(initValue, jnp.power(decayRate, p)));
    return endValue === undefined ? decayed : bound(decayed, endValue);
  };
}

export interface CosineDecayScheduleOpts {
  initValue: number;
  decaySteps: number;
  /** The final value as a fraction of initValue. */
  alpha?: number;
  exponent?: number;
}

/** initValue * ((1 - alpha) * (0.5 * (1 + cos(pi * min(count, decaySteps) / decaySteps))) ** exponent + alpha). */
export function cosineDecaySchedule(opts: CosineDecayScheduleOpts): Schedule {
  const { initValue, decaySteps, alpha = 0, exponent = 1 } = opts;
  if (!(decaySteps > 0)) throw new Error(`optax.cosineDecaySchedule: decaySteps must be positive, got ${decaySteps}.`);
  return (count) => {
    // min with a float bound gives a float count (Optax converts decaySteps to float to avoid int overflow)
    const c = jnp.minimum(asCount(count), jnp.full([], decaySteps));
    const cosine = jnp.multiply(0.5, jnp.add(1, jnp.cos(jnp.divide(jnp.multiply(Math.PI, c), decaySteps))));
    const shaped = exponent === 1 ? cosine : jnp.power(cosine, jnp.full([], exponent));
    return jnp.multiply(initValue, jnp.add(jnp.multiply(1 - alpha, shaped), alpha));
  };
}

export interface WarmupCosineDecayScheduleOpts {
  initValue: number;
  peakValue: number;
  warmupSteps: number;
  /** Total length of the schedule, warmup included. */
  decaySteps: number;
  endValue?: number;
  exponent?: number;
}

/** Linear warmup from initValue to peakValue over warmupSteps, then cosine decay to endValue at decaySteps. */
export function warmupCosineDecaySchedule(opts: WarmupCosineDecayScheduleOpts): Schedule {
  const { initValue, peakValue, warmupSteps, decaySteps, endValue = 0, exponent = 1 } = opts;
  const alpha = peakValue === 0 ? 0 : endValue / peakValue;
  return joinSchedules({
    schedules: [
      linearSchedule({ initValue, endValue: peakValue, transitionSteps: warmupSteps }),
      cosineDecaySchedule({ initValue: peakValue, decaySteps: decaySteps - warmupSteps, alpha, exponent }),
    ],
    boundaries: [warmupSteps],
  });
}

export interface JoinSchedulesOpts {
  schedules: Schedule[];
  /** One fewer than schedules: schedule i+1 starts (at its own step 0) at boundaries[i]. */
  boundaries: number[];
}

/** Runs schedules one after another; each later schedule sees the count relative to its boundary. */
export function joinSchedules(opts: JoinSchedulesOpts): Schedule {
  const { schedules, boundaries } = opts;
  if (schedules.length === 0 || boundaries.length !== schedules.length - 1) {
    throw new Error(
      `optax.joinSchedules: needs one boundary between each pair of schedules; got ${schedules.length} schedules and ${boundaries.length} boundaries.`,
    );
  }
  return (count) => {
    const c = asCount(count);
    let out = schedules[0]!(c);
    boundaries.forEach((b, i) => {
      out = jnp.where(c.lt(b), out, schedules[i + 1]!(jnp.subtract(c, b)));
    });
    return out;
  };
}
