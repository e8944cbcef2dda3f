// jax.nn.initializers: functions (key, shape, dtype?) => Array that draw initial parameter
// values, the same values JAX draws for the same key (they use jaxts.random, which is
// bit-compatible with jax.random, and JAX's float32 arithmetic for the scale factors).
import type { ArrayLike, JaxArray } from "../core/array.js";
import type { DType } from "../core/dtype.js";
import { checkShape, fmtShape, normAxis } from "../core/shape.js";
import { dtypeArg } from "../numpy/coerce.js";
import * as jnp from "../numpy/index.js";
import * as random from "../random/index.js";

/** An initializer: draws an array of `shape` (float32 unless `dtype` says otherwise) from `key`. */
export type Initializer = (key: JaxArray, shape: number | readonly number[], dtype?: DType) => JaxArray;

export interface InitializerOpts {
  /** The default dtype of the arrays drawn (float32 unless given; a call's own dtype wins). */
  dtype?: DType;
}

const dtypeOf = (op: string, dtype: DType | undefined, fallback: DType | undefined): DType =>
  dtypeArg(op, dtype) ?? dtypeArg(op, fallback) ?? "float32";

/** A scalar of `dtype` holding `v` rounded to it, as jnp.array(v, dtype). */
const scalar = (v: ArrayLike, dtype: DType): JaxArray => jnp.array(v, { dtype });

/** All zeros (the key is unused). */
export const zeros: Initializer = (_key, shape, dtype) =>
  jnp.zeros(checkShape("initializers.zeros", shape), { dtype: dtypeOf("initializers.zeros", dtype, undefined) });

/** All ones (the key is unused). */
export const ones: Initializer = (_key, shape, dtype) =>
  jnp.ones(checkShape("initializers.ones", shape), { dtype: dtypeOf("initializers.ones", dtype, undefined) });

/** An initializer filling the array with `value` (broadcast to the shape). */
export function constant(value: ArrayLike, opts: InitializerOpts = {}): Initializer {
  return (_key, shape, dtype) =>
    jnp.full(checkShape("initializers.constant", shape), value, { dtype: dtypeOf("initializers.constant", dtype, opts.dtype) });
}

/** An initializer drawing uniformly from [0, scale). */
export function uniform(scale: ArrayLike = 1e-2, opts: InitializerOpts = {}): Initializer {
  return (key, shape, dtype) => {
    const dt = dtypeOf("initializers.uniform", dtype, opts.dtype);
    return random.uniform(key, shape, { dtype: dt }).mul(scalar(scale, dt));
  };
}

/** An initializer drawing from a normal distribution with mean 0 and standard deviation `stddev`. */
export function normal(stddev: ArrayLike = 1e-2, opts: InitializerOpts = {}): Initializer {
  return (key, shape, dtype) => {
    const dt = dtypeOf("initializers.normal", dtype, opts.dtype);
    return random.normal(key, shape, { dtype: dt }).mul(scalar(stddev, dt));
  };
}

export interface TruncatedNormalOpts extends InitializerOpts {
  /** Lower bound in standard deviations (default -2). */
  lower?: ArrayLike;
  /** Upper bound in standard deviations (default 2). */
  upper?: ArrayLike;
}

/**
 * An initializer drawing from a standard normal truncated to (lower, upper), then scaled by
 * `stddev` (so the spread is slightly below stddev; varianceScaling corrects for that).
 */
export function truncatedNormal(stddev: ArrayLike = 1e-2, opts: TruncatedNormalOpts = {}): Initializer {
  return (key, shape, dtype) => {
    const dt = dtypeOf("initializers.truncatedNormal", dtype, opts.dtype);
    return random.truncatedNormal(key, opts.lower ?? -2.0, opts.upper ?? 2.0, shape, { dtype: dt }).mul(scalar(stddev, dt));
  };
}

export type FanMode = "fan_in" | "fan_out" | "fan_avg" | "fan_geo_avg";
export type Distribution = "truncated_normal" | "normal" | "uniform";
type Axes = number | readonly number[];

export interface FanOpts extends InitializerOpts {
  /** The input axis or axes of the weights (default -2). */
  inAxis?: Axes;
  /** The output axis or axes (default -1). */
  outAxis?: Axes;
  /** Axes that index independent weight matrices, excluded from the fans (default none). */
  batchAxis?: Axes;
}

function axesSize(op: string, shape: readonly number[], axes: Axes): number {
  const list = typeof axes === "number" ? [axes] : axes;
  return list.reduce((p: number, a) => p * shape[normAxis(op, a, shape.length)]!, 1);
}

/**
 * [fanIn, fanOut] of a weight shape: the sizes of the input and output axes, each times the
 * receptive field (the product of the remaining non-batch axes, e.g. a convolution's window).
 */
export function computeFans(shape: readonly number[], inAxis: Axes = -2, outAxis: Axes = -1, batchAxis: Axes = []): [number, number] {
  const op = "initializers.varianceScaling";
  if (inAxis === -2 && shape.length <= 1) {
    throw new Error(
      `${op}: cannot compute the input and output sizes of a ${shape.length}-dimensional weights tensor ${fmtShape(shape)} ` +
        "with the default inAxis; the shape must be at least 2-D, or pass inAxis (and outAxis) explicitly.",
    );
  }
  const inSize = axesSize(op, shape, inAxis);
  const outSize = axesSize(op, shape, outAxis);
  const batchSize = axesSize(op, shape, batchAxis);
  // the same float divisions, in the same order, as JAX's _compute_fans
  const receptiveField = shape.reduce((p, n) => p * n, 1) / inSize / outSize / batchSize;
  return [inSize * receptiveField, outSize * receptiveField];
}

/** The standard deviation of a standard normal truncated to (-2, 2). */
const TRUNCATED_STDDEV = 0.87962566103423978;

/**
 * An initializer whose samples have variance scale / n, n set by `mode` from the fans
 * ("fan_in", "fan_out", "fan_avg" = (in + out) / 2, "fan_geo_avg" = sqrt(in * out)), drawn
 * from `distribution`: "truncated_normal" (within ±2 standard deviations, rescaled to the
 * variance), "normal", or "uniform" on ±sqrt(3 * variance).
 */
export function varianceScaling(scale: number, mode: FanMode, distribution: Distribution, opts: FanOpts = {}): Initializer {
  const op = "initializers.varianceScaling";
  if (!["fan_in", "fan_out", "fan_avg", "fan_geo_avg"].includes(mode)) {
    throw new Error(`${op}: invalid mode "${mode}"; expected "fan_in", "fan_out", "fan_avg" or "fan_geo_avg".`);
  }
  if (!["truncated_normal", "normal", "uniform"].includes(distribution)) {
    throw new Error(`${op}: invalid distribution "${distribution}"; expected "truncated_normal", "normal" or "uniform".`);
  }
  return (key, shape, dtype) => {
    const s = checkShape(op, shape);
    const dt = dtypeOf(op, dtype, opts.dtype);
    const [fanIn, fanOut] = computeFans(s, opts.inAxis, opts.outAxis, opts.batchAxis);
    const denominator =
      mode === "fan_in" ? fanIn : mode === "fan_out" ? fanOut : mode === "fan_avg" ? (fanIn + fanOut) / 2 : (fanIn * fanOut) ** 0.5;
    const variance = scalar(scale / denominator, dt);
    if (distribution === "truncated_normal") {
      const stddev = jnp.sqrt(variance).div(scalar(TRUNCATED_STDDEV, dt));
      return random.truncatedNormal(key, -2, 2, s, { dtype: dt }).mul(stddev);
    }
    if (distribution === "normal") return random.normal(key, s, { dtype: dt }).mul(jnp.sqrt(variance));
    return random.uniform(key, s, { dtype: dt, minval: -1 }).mul(jnp.sqrt(variance.mul(3)));
  };
}

/** Glorot (Xavier) uniform: variance 1 / fan_avg, uniform. */
export const glorotUniform = (opts: FanOpts = {}): Initializer => varianceScaling(1.0, "fan_avg", "uniform", opts);
/** Glorot (Xavier) normal: variance 1 / fan_avg, truncated normal. */
export const glorotNormal = (opts: FanOpts = {}): Initializer => varianceScaling(1.0, "fan_avg", "truncated_normal", opts);
/** LeCun uniform: variance 1 / fan_in, uniform. */
export const lecunUniform = (opts: FanOpts = {}): Initializer => varianceScaling(1.0, "fan_in", "uniform", opts);
/** LeCun normal: variance 1 / fan_in, truncated normal. */
export const lecunNormal = (opts: FanOpts = {}): Initializer => varianceScaling(1.0, "fan_in", "truncated_normal", opts);
/** He (Kaiming) uniform: variance 2 / fan_in, uniform. */
export const heUniform = (opts: FanOpts = {}): Initializer => varianceScaling(2.0, "fan_in", "uniform", opts);
/** He (Kaiming) normal: variance 2 / fan_in, truncated normal. */
export const heNormal = (opts: FanOpts = {}): Initializer => varianceScaling(2.0, "fan_in", "truncated_normal", opts);
export const xavierUniform = glorotUniform;
export const xavierNormal = glorotNormal;
export const kaimingUniform = heUniform;
export const kaimingNormal = heNormal;
