// Discrete distributions: integers in a range, coin flips, categories, choices.
import { ArrayImpl, type ArrayLike, type JaxArray } from "../core/array.js";
import { checkDType, type DType, isFloat, isInteger, itemsize } from "../core/dtype.js";
import { checkShape, fmtShape, normAxis, type Shape } from "../core/shape.js";
import { asJax, broadcastTo } from "../numpy/coerce.js";
import { cumsum } from "../numpy/cumulative.js";
import { take } from "../numpy/gather.js";
import { expandDims } from "../numpy/manipulation.js";
import { argmax } from "../numpy/reductions.js";
import { searchsorted } from "../numpy/sorting.js";
import { add as jnpAdd } from "../numpy/ufuncs.js";
import { add, and, convertElementType, gt, le, log, lt, max, min, mul, rem, select, sub } from "../primitives/elementwise.js";
import { iota, reshape, slice, transpose } from "../primitives/shape_ops.js";
import { sortKeyVal, topK } from "../primitives/sort.js";
import { gumbel } from "./continuous.js";
import { split } from "./keys.js";
import { constant, floatParam, nmant, sampleShape } from "./params.js";
import { bits32, uniform } from "./uniform.js";

type ShapeArg = number | readonly number[];

const IINFO: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
};

function iinfo(d: DType): [number, number] {
  const r = IINFO[d];
  if (!r) throw new TypeError(`expected an integer dtype, got ${d}`);
  return r;
}

/** An integer bound: JS integers as int32 (JAX's default int), floats truncated to int32. */
function intParam(op: string, name: string, v: ArrayLike): JaxArray {
  if (typeof v === "number") {
    const t = Math.trunc(v);
    if (!Number.isFinite(v) || t < -(2 ** 31) || t >= 2 ** 31) {
      throw new RangeError(`${op}: ${name} ${v} does not fit in int32.`);
    }
    return ArrayImpl.scalar(t, "int32");
  }
  const a = asJax(v, op);
  if (a.dtype === "bool") throw new TypeError(`${op}: ${name} must be an integer, got bool.`);
  return isInteger(a.dtype) ? a : convertElementType(a, "int32");
}

/** Converts to `dtype`, clipping to the values both dtypes can hold (instead of wrapping). */
function convertAndClip(x: JaxArray, dtype: DType): JaxArray {
  const [lo1, hi1] = iinfo(dtype);
  const [lo2, hi2] = iinfo(x.dtype);
  const clipped = min(max(x, constant(x.shape, x.dtype, Math.max(lo1, lo2))), constant(x.shape, x.dtype, Math.min(hi1, hi2)));
  return convertElementType(clipped, dtype);
}

export interface RandintOpts {
  /** An integer dtype; int32 by default. */
  dtype?: DType;
}

/**
 * Integers uniform on [minval, maxval), JAX's randint bit for bit: the span's remainder of
 * 64 random bits (two 32-bit draws), slightly biased unless the span is a power of two.
 */
export function randint(k: JaxArray, shape: ShapeArg, minval: ArrayLike, maxval: ArrayLike, opts: RandintOpts = {}): JaxArray {
  const op = "random.randint";
  const s = checkShape(op, shape);
  const dtype = opts.dtype === undefined ? "int32" : checkDType(op, opts.dtype);
  if (!isInteger(dtype)) throw new TypeError(`${op}: dtype must be an integer dtype, got ${dtype}.`);
  let lo = intParam(op, "minval", minval);
  let hi = intParam(op, "maxval", maxval);
  sampleShape(op, s, lo.shape, hi.shape);
  lo = broadcastTo(lo, s, op);
  hi = broadcastTo(hi, s, op);
  if (itemsize(dtype) >= 4) return randint32(k, s, lo, hi, dtype);
  // narrow dtypes sample in int32 (less bias), with the bounds clipped to the dtype's range
  const [dmin, dmax] = iinfo(dtype);
  const clip = (x: JaxArray, a: number, b: number) =>
    min(max(convertElementType(x, "int32"), constant(s, "int32", a)), constant(s, "int32", b));
  return convertElementType(randint32(k, s, clip(lo, dmin, dmax), clip(hi, dmin, dmax + 1), "int32"), dtype);
}

function randint32(k: JaxArray, s: Shape, minval: JaxArray, maxval: JaxArray, dtype: DType): JaxArray {
  const u32 = (v: number) => constant(s, "uint32", v);
  // maxval may exceed the dtype (randint(k, s, 0, 2**32, uint32) style): then the span grows by one
  const maxOutOfRange = gt(maxval, convertAndClip(constant(s, dtype, iinfo(dtype)[1]), maxval.dtype));
  const lo = convertAndClip(minval, dtype);
  const hi = convertAndClip(maxval, dtype);
  const keys = split(k);
  const higher = bits32("randint", reshape(slice(keys, [0, 0], [1, 2]), [2]), s);
  const lower = bits32("randint", reshape(slice(keys, [1, 0], [2, 2]), [2]), s);
  let span = convertElementType(sub(hi, lo), "uint32");
  span = select(le(hi, lo), u32(1), span);
  span = select(and(maxOutOfRange, gt(hi, lo)), add(span, u32(1)), span);
  // (higher · 2^32 + lower) mod span, with 2^32 mod span = (2^16 mod span)^2 mod span
  let multiplier = rem(u32(2 ** 16), span);
  multiplier = rem(mul(multiplier, multiplier), span);
  const offset = rem(add(mul(rem(higher, span), multiplier), rem(lower, span)), span);
  return add(lo, convertElementType(offset, dtype));
}

export interface BernoulliOpts {
  /** "low" (default) or "high" (two draws per sample: correct for p below about 1e-7). */
  mode?: "low" | "high";
}

/** Booleans that are true with probability p (a float; JS numbers are float32). */
export function bernoulli(k: JaxArray, p: ArrayLike = 0.5, shape?: ShapeArg | null, opts: BernoulliOpts = {}): JaxArray {
  const op = "random.bernoulli";
  const pa = typeof p === "number" ? floatParam(op, p, "float32") : asJax(p, op);
  if (!isFloat(pa.dtype)) throw new TypeError(`${op}: the probability p must have a float dtype, got ${pa.dtype}.`);
  const dtype = pa.dtype;
  const s = sampleShape(op, shape, pa.shape);
  const pb = broadcastTo(convertElementType(pa, dtype), s, op);
  const mode = opts.mode ?? "low";
  if (mode === "low") return lt(uniform(k, s, { dtype }), pb);
  if (mode !== "high") throw new Error(`${op}: mode must be "low" or "high", got ${JSON.stringify(mode)}.`);
  const both = uniform(k, [2, ...s], { dtype });
  const pick = (i: number) => reshape(slice(both, [i, ...s.map(() => 0)], [i + 1, ...s]), s);
  // the second draw, scaled below the first one's resolution, refines the comparison
  const fine = mul(pick(1), constant(s, dtype, 2 ** -nmant(dtype)));
  return lt(fine, sub(pb, pick(0)));
}

export interface CategoricalOpts {
  /** The axis of `logits` that holds the categories (default -1). */
  axis?: number;
  /** The sample shape; its trailing axes must match the batch shape of `logits` (default: that batch shape). */
  shape?: ShapeArg;
  /** Sample with replacement (default) or without (then the leading sample axes may hold at most as many draws as categories). */
  replace?: boolean;
  /** Gumbel sampler precision, as in `gumbel`. */
  mode?: "low" | "high";
}

/**
 * Category indices (int32) drawn with probabilities softmax(logits) along `axis`: with
 * replacement by the Gumbel-max trick, without by the Gumbel-top-k trick.
 */
export function categorical(k: JaxArray, logits: ArrayLike, opts: CategoricalOpts = {}): JaxArray {
  const op = "random.categorical";
  const l = asJax(logits, op);
  if (!isFloat(l.dtype)) throw new TypeError(`${op}: logits must be floats, got ${l.dtype}.`);
  const ax = normAxis(op, opts.axis ?? -1, l.ndim);
  const batchShape = l.shape.filter((_, d) => d !== ax);
  const s = opts.shape === undefined ? batchShape : sampleShape(op, opts.shape, batchShape);
  const prefix = s.slice(0, s.length - batchShape.length);
  if (opts.replace ?? true) {
    const logitsShape = s.slice(prefix.length);
    logitsShape.splice(ax, 0, l.shape[ax]!);
    const g = gumbel(k, [...prefix, ...logitsShape], { dtype: l.dtype, mode: opts.mode });
    const noisy = jnpAdd(
      g,
      expandDims(
        l,
        prefix.map((_, i) => i),
      ),
    );
    return argmax(noisy, ax - l.ndim);
  }
  const draws = prefix.reduce((x, y) => x * y, 1);
  if (draws > l.shape[ax]!) {
    throw new Error(`${op}: cannot draw ${draws} samples without replacement from ${l.shape[ax]} categories.`);
  }
  const noisy = add(l, gumbel(k, l.shape, { dtype: l.dtype, mode: opts.mode }));
  const [, indices] = topK(moveaxis(noisy, ax, -1), draws);
  // indices: [...batch, draws] -> [draws, ...batch] -> the sample shape
  const order = [indices.ndim - 1, ...Array(indices.ndim - 1).keys()];
  return reshape(transpose(indices, order), s);
}

function moveaxis(x: JaxArray, from: number, to: number): JaxArray {
  const dst = to < 0 ? to + x.ndim : to;
  const perm = [...Array(x.ndim).keys()].filter((d) => d !== from);
  perm.splice(dst, 0, from);
  return transpose(x, perm);
}

// ---- permutations ----

/**
 * x shuffled along `axis` by sorting on random 32-bit keys, repeated (with fresh keys) often
 * enough that colliding keys are unlikely to bias the result: JAX's _shuffle.
 */
function shuffle(k: JaxArray, x: JaxArray, axis: number): JaxArray {
  const rounds = Math.ceil((3 * Math.log(Math.max(1, x.size))) / Math.log(2 ** 32 - 1));
  let key = k;
  let out = x;
  for (let i = 0; i < rounds; i++) {
    const keys = split(key);
    key = reshape(slice(keys, [0, 0], [1, 2]), [2]);
    const sortKeys = bits32("permutation", reshape(slice(keys, [1, 0], [2, 2]), [2]), out.shape);
    [, out] = sortKeyVal(sortKeys, out, axis);
  }
  return out;
}

export interface PermutationOpts {
  /** The axis to shuffle along (default 0). */
  axis?: number;
  /** Shuffle each slice along `axis` independently (default: one permutation for all). */
  independent?: boolean;
}

/** A random permutation of range(x) (int32), or of an array's entries along `axis`. */
export function permutation(k: JaxArray, x: number | ArrayLike, opts: PermutationOpts = {}): JaxArray {
  const op = "random.permutation";
  if (typeof x === "number") {
    if (!Number.isInteger(x) || x < 0) throw new RangeError(`${op}: x must be a non-negative integer or an array, got ${x}.`);
    return shuffle(k, iota("int32", [x]), 0);
  }
  const arr = asJax(x, op);
  if (arr.ndim === 0) throw new TypeError(`${op}: x must be an integer or an array with at least one axis, got a scalar array.`);
  const ax = normAxis(op, opts.axis ?? 0, arr.ndim);
  if (opts.independent || arr.ndim === 1) return shuffle(k, arr, ax);
  const order = shuffle(k, iota("int32", [arr.shape[ax]!]), 0);
  return take(arr, order, ax);
}

export interface ChoiceOpts {
  /** Sample with replacement (default) or without. */
  replace?: boolean;
  /** Probabilities of the entries (a vector along `axis`); uniform by default. */
  p?: ArrayLike;
  /** The axis of `a` to choose along (default 0). */
  axis?: number;
  /** Gumbel precision for sampling with `p` and without replacement. */
  mode?: "low" | "high";
}

/**
 * Samples from range(a) (int32) or from the entries of the array `a` along `axis`, with or
 * without replacement, uniformly or with probabilities `p`, exactly as jax.random.choice
 * draws them. The result has shape `shape` (for an array, `shape` replaces `axis`).
 */
export function choice(k: JaxArray, a: number | ArrayLike, shape: ShapeArg = [], opts: ChoiceOpts = {}): JaxArray {
  const op = "random.choice";
  const s = checkShape(op, shape);
  const arr = typeof a === "number" ? null : asJax(a, op);
  if (arr !== null && arr.ndim === 0) throw new TypeError(`${op}: a must be an integer or an array with at least one axis.`);
  if (typeof a === "number" && !Number.isInteger(a)) throw new TypeError(`${op}: a must be an integer or an array, got ${a}.`);
  const ax = arr === null ? 0 : normAxis(op, opts.axis ?? 0, arr.ndim);
  const nInputs = arr === null ? (a as number) : arr.shape[ax]!;
  const outShape = arr === null ? s : [...arr.shape.slice(0, ax), ...s, ...arr.shape.slice(ax + 1)];
  const nDraws = s.reduce((x, y) => x * y, 1);
  if (nDraws === 0) return constant(outShape, arr?.dtype ?? "int32", 0);
  if (nInputs <= 0) throw new RangeError(`${op}: a must be greater than 0 unless no samples are taken.`);
  const replace = opts.replace ?? true;
  if (!replace && nDraws > nInputs) {
    throw new Error(`${op}: cannot take a larger sample (size ${nDraws}) than the population (size ${nInputs}) with replace=false.`);
  }
  const pick = (ind: JaxArray) => (arr === null ? ind : take(arr, ind, ax));
  let result: JaxArray;
  if (opts.p === undefined) {
    if (replace) result = pick(randint(k, s, 0, nInputs));
    else {
      const perm = permutation(k, arr ?? nInputs, { axis: ax });
      const limit = perm.shape.map((n, d) => (d === ax ? nDraws : n));
      result = slice(
        perm,
        perm.shape.map(() => 0),
        limit,
      );
    }
  } else {
    const p = asJax(opts.p, op);
    const pf = isFloat(p.dtype) ? p : convertElementType(p, "float32");
    if (pf.ndim !== 1 || pf.shape[0] !== nInputs) {
      throw new Error(`${op}: p must be a vector with one probability per entry (shape [${nInputs}]), got shape ${fmtShape(pf.shape)}.`);
    }
    const dtype = pf.dtype;
    if (replace) {
      const cuml = cumsum(pf);
      const total = reshape(slice(cuml, [nInputs - 1], [nInputs]), []);
      const r = mul(broadcastTo(total, s, op), sub(constant(s, dtype, 1), uniform(k, s, { dtype })));
      result = pick(searchsorted(cuml, r));
    } else {
      // Gumbel-top-k: the n largest of log p + Gumbel noise are a sample without replacement
      const g = add(gumbel(k, [nInputs], { dtype, mode: opts.mode }), log(pf));
      result = pick(topK(g, nDraws)[1]);
    }
  }
  return reshape(result, outShape);
}
