// Signal helpers of jax.numpy: 1-D convolve/correlate, the classic window functions, and
// the NaN-ignoring quantiles (nanmedian, nanquantile, nanpercentile).
import type { ArrayLike, JaxArray } from "../core/array.js";
import { ArrayImpl } from "../core/array.js";
import { isFloat, resultType, toInexact } from "../core/dtype.js";
import { normAxis } from "../core/shape.js";
import { asJax, castTo, promoteInexact } from "./coerce.js";
import * as jnp from "./index.js";
import { astype, i0 } from "./misc_extra.js";

export type ConvMode = "full" | "same" | "valid";

/** Both inputs as 1-D arrays of their common inexact dtype (numpy's rule for convolutions). */
function inexactPair(op: string, a: ArrayLike, v: ArrayLike): [JaxArray, JaxArray] {
  const x = asJax(a, op);
  const y = asJax(v, op);
  if (x.ndim !== 1 || y.ndim !== 1) throw new Error(`${op}: only 1-D inputs are supported, got shapes [${x.shape}] and [${y.shape}].`);
  if (x.size === 0 || y.size === 0) throw new Error(`${op}: inputs cannot be empty, got shapes [${x.shape}] and [${y.shape}].`);
  let [dt, weak] = resultType([x, y]);
  if (!isFloat(dt)) dt = toInexact(dt);
  return [castTo(x, dt, weak), castTo(y, dt, weak)];
}

/** out[k] = sum_j xpad[k + j] * y[j], xpad being x padded by (lo, hi) zeros (a 1-D cross-correlation). */
function correlateValid(x: JaxArray, y: JaxArray, lo: number, hi: number): JaxArray {
  const xp = lo || hi ? jnp.pad(x, [[lo, hi]]) : x;
  const m = y.shape[0]!;
  const len = xp.shape[0]! - m + 1;
  const idx = new Int32Array(len * m);
  for (let k = 0; k < len; k++) for (let j = 0; j < m; j++) idx[k * m + j] = k + j;
  const windows = jnp.take(xp, ArrayImpl.of(idx, [len, m], "int32"));
  return jnp.sum(jnp.multiply(windows, jnp.reshape(y, [1, m])), -1);
}

function conv(op: "convolve" | "correlate", a: ArrayLike, v: ArrayLike, mode: ConvMode): JaxArray {
  let [x, y] = inexactPair(op, a, v);
  let reverseOut = false;
  if (x.shape[0]! < y.shape[0]!) {
    [x, y] = [y, x];
    reverseOut = op === "correlate";
  }
  if (op === "convolve") y = jnp.flip(y);
  const m = y.shape[0]!;
  let out: JaxArray;
  if (mode === "valid") out = correlateValid(x, y, 0, 0);
  else if (mode === "same") out = correlateValid(x, y, Math.floor(m / 2), m - Math.floor(m / 2) - 1);
  else if (mode === "full") out = correlateValid(x, y, m - 1, m - 1);
  else throw new Error(`${op}: mode must be "full", "same" or "valid", got ${JSON.stringify(mode)}.`);
  return reverseOut ? jnp.flip(out) : out;
}

/** jnp.convolve(a, v, mode="full"): the discrete linear convolution of two 1-D arrays. */
export function convolve(a: ArrayLike, v: ArrayLike, mode: ConvMode = "full"): JaxArray {
  return conv("convolve", a, v, mode);
}

/** jnp.correlate(a, v, mode="valid"): the cross-correlation c[k] = sum_n a[n + k] v[n] of two 1-D arrays. */
export function correlate(a: ArrayLike, v: ArrayLike, mode: ConvMode = "valid"): JaxArray {
  return conv("correlate", a, v, mode);
}

// ---- windows (float32; M points, symmetric) ----

function windowCheck(op: string, M: number): void {
  if (!Number.isInteger(M)) throw new Error(`${op}: M must be an integer, got ${M}.`);
}

/** cos-sum window sum_k c_k cos(k pi n / (M - 1)) over n = 1-M, 3-M, ..., M-1. */
function cosineWindow(op: string, M: number, coeffs: readonly number[]): JaxArray {
  windowCheck(op, M);
  if (M <= 1) return jnp.ones([Math.max(M, 0)], { dtype: "float32" });
  const n = jnp.arange(1 - M, M, 2, { dtype: "float32" });
  let out: JaxArray = jnp.full([M], coeffs[0]!, { dtype: "float32" });
  coeffs.slice(1).forEach((c, k) => {
    out = jnp.add(out, jnp.multiply(c, jnp.cos(jnp.divide(jnp.multiply(n, (k + 1) * Math.PI), M - 1))));
  });
  return out;
}

/** jnp.bartlett(M): the triangular window. */
export function bartlett(M: number): JaxArray {
  windowCheck("bartlett", M);
  if (M <= 1) return jnp.ones([Math.max(M, 0)], { dtype: "float32" });
  const n = jnp.arange(1 - M, M, 2, { dtype: "float32" });
  return jnp.subtract(1, jnp.divide(jnp.abs(n), M - 1));
}

/** jnp.blackman(M). */
export function blackman(M: number): JaxArray {
  return cosineWindow("blackman", M, [0.42, 0.5, 0.08]);
}

/** jnp.hamming(M). */
export function hamming(M: number): JaxArray {
  return cosineWindow("hamming", M, [0.54, 0.46]);
}

/** jnp.hanning(M). */
export function hanning(M: number): JaxArray {
  return cosineWindow("hanning", M, [0.5, 0.5]);
}

/** jnp.kaiser(M, beta): i0(beta sqrt(1 - ((n - alpha) / alpha)^2)) / i0(beta), alpha = (M - 1) / 2. */
export function kaiser(M: number, beta: ArrayLike): JaxArray {
  windowCheck("kaiser", M);
  if (M <= 1) return jnp.ones([Math.max(M, 0)], { dtype: "float32" });
  const alpha = 0.5 * (M - 1);
  const n = jnp.arange(0, M, 1, { dtype: "float32" });
  const r = jnp.divide(jnp.subtract(n, alpha), alpha);
  const b = promoteInexact("kaiser", beta);
  return jnp.divide(i0(jnp.multiply(b, jnp.sqrt(jnp.subtract(1, jnp.multiply(r, r))))), i0(b));
}

// ---- NaN-ignoring quantiles ----

export type NanQuantileMethod = "linear" | "lower" | "higher" | "midpoint" | "nearest";
export interface NanQuantileOpts {
  method?: NanQuantileMethod;
  keepdims?: boolean;
}

/**
 * jnp.nanquantile(a, q, axis=null, {method, keepdims}): quantiles of the non-NaN values
 * (NaN where a slice has none). q is a number or a 1-D array whose axis comes first.
 */
export function nanquantile(
  a: ArrayLike,
  q: ArrayLike,
  axis: number | readonly number[] | null = null,
  opts: NanQuantileOpts = {},
): JaxArray {
  return nanQuantileImpl("nanquantile", a, q, axis, opts);
}

/** jnp.nanpercentile(a, p, axis=null, {method, keepdims}): nanquantile(a, p / 100). */
export function nanpercentile(
  a: ArrayLike,
  p: ArrayLike,
  axis: number | readonly number[] | null = null,
  opts: NanQuantileOpts = {},
): JaxArray {
  const x = promoteInexact("nanpercentile", a);
  const pp = castTo(asJax(p, "nanpercentile"), x.dtype, x.weakType);
  return nanQuantileImpl("nanpercentile", x, jnp.divide(pp, 100), axis, opts);
}

/** jnp.nanmedian(a, axis=null, {keepdims}): the median of the non-NaN values. */
export function nanmedian(a: ArrayLike, axis: number | readonly number[] | null = null, opts: { keepdims?: boolean } = {}): JaxArray {
  return nanQuantileImpl("nanmedian", a, 0.5, axis, { ...opts, method: "midpoint" });
}

function nanQuantileImpl(op: string, a: ArrayLike, q: ArrayLike, axis: number | readonly number[] | null, opts: NanQuantileOpts): JaxArray {
  const x = promoteInexact(op, a);
  const qa = castTo(asJax(q, op), x.dtype, false);
  if (qa.ndim > 1) throw new Error(`${op}: q must be a scalar or 1-D, got shape [${qa.shape}].`);
  const axes =
    axis === null ? x.shape.map((_, i) => i) : (typeof axis === "number" ? [axis] : [...axis]).map((ax) => normAxis(op, ax, x.ndim));
  const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  // the reduced axes last, flattened into one
  const moved = jnp.transpose(x, [...keep, ...axes]);
  const keptShape = keep.map((i) => x.shape[i]!);
  const n = axes.reduce((p, i) => p * x.shape[i]!, 1);
  const flat = jnp.reshape(moved, [...keptShape, n]);
  const sorted = jnp.sort(flat, -1); // NaNs sort last
  const counts = jnp.sum(jnp.logicalNot(jnp.isnan(flat)), -1, { keepdims: true });
  const last = astype(jnp.maximum(jnp.subtract(counts, 1), 0), x.dtype);
  // one quantile position per q, on a new trailing axis of the kept shape
  const qv = jnp.reshape(qa, [...keptShape.map(() => 1), qa.size]);
  const pos = jnp.multiply(qv, last);
  const method = opts.method ?? "linear";
  const lo = jnp.minimum(jnp.floor(pos), last);
  const hi = jnp.minimum(jnp.ceil(pos), last);
  const at = (i: JaxArray) => jnp.takeAlongAxis(sorted, astype(i, "int32"), -1);
  let out: JaxArray;
  if (method === "lower") out = at(lo);
  else if (method === "higher") out = at(hi);
  // ties go to the lower neighbour, as in JAX
  else if (method === "nearest") out = jnp.where(jnp.lessEqual(jnp.subtract(pos, lo), 0.5), at(lo), at(hi));
  else if (method === "midpoint") out = jnp.multiply(jnp.add(at(lo), at(hi)), 0.5);
  else if (method === "linear") {
    const w = jnp.subtract(pos, lo);
    out = jnp.add(jnp.multiply(at(lo), jnp.subtract(1, w)), jnp.multiply(at(hi), w));
  } else throw new Error(`${op}: unknown method ${JSON.stringify(method)}.`);
  out = jnp.where(jnp.equal(counts, 0), Number.NaN, out);
  // q's axis first, then the kept axes (or the reduced ones as size 1 with keepdims)
  out = jnp.moveaxis(out, -1, 0);
  if (opts.keepdims) out = jnp.reshape(out, [qa.size, ...x.shape.map((d, i) => (axes.includes(i) ? 1 : d))]);
  return qa.ndim === 0 ? jnp.reshape(out, out.shape.slice(1)) : out;
}

// ---- multi-dimensional histograms ----

export interface HistogramddOpts {
  /** A [lower, upper] pair (or null: the data's extent) per dimension. */
  range?: readonly (readonly [number, number] | null)[];
  /** A weight per sample (default 1: the counts are int32). */
  weights?: ArrayLike;
  /** Normalize so that the integral over the bins is 1. */
  density?: boolean;
}

/**
 * jnp.histogramdd(sample, bins=10, {range, weights, density}): [hist, edges per dimension]
 * for N samples of D coordinates (shape [N, D]). bins is one count for all dimensions, or a
 * count or edge array per dimension; bins are half-open except the last of each dimension.
 */
export function histogramdd(
  sample: ArrayLike,
  bins: number | readonly (number | ArrayLike)[] = 10,
  opts: HistogramddOpts = {},
): [JaxArray, JaxArray[]] {
  let s = asJax(sample, "histogramdd");
  let w: JaxArray | null = null;
  if (opts.weights === undefined) s = promoteInexact("histogramdd", s);
  else {
    w = asJax(opts.weights, "histogramdd");
    if (w.ndim !== 1 || w.shape[0] !== s.shape[0])
      throw new Error(`histogramdd: weights must have one entry per sample, got shape [${w.shape}] for sample shape [${s.shape}].`);
    let [dt, weak] = resultType([s, w]);
    if (!isFloat(dt)) dt = toInexact(dt);
    s = castTo(s, dt, weak);
    w = castTo(w, dt, weak);
  }
  if (s.ndim !== 2) throw new Error(`histogramdd: sample must have shape [N, D], got [${s.shape}].`);
  const D = s.shape[1]!;
  if (opts.range !== undefined && opts.range.length !== D)
    throw new Error(`histogramdd: range must hold ${D} pairs or nulls, got ${opts.range.length}.`);
  // as in JAX, a sequence of bins is always one entry per dimension
  const perDim: readonly (number | ArrayLike)[] = typeof bins === "number" ? Array.from({ length: D }, () => bins) : bins;
  if (perDim.length !== D) throw new Error(`histogramdd: give one bins entry per dimension (${D}), got ${perDim.length}.`);
  const idxs: JaxArray[] = [];
  const edges: JaxArray[] = [];
  for (let i = 0; i < D; i++) {
    const col = jnp.reshape(jnp.take(s, [i], 1), [s.shape[0]!]);
    const r = opts.range?.[i];
    const e = jnp.histogramBinEdges(col, perDim[i]!, r ? { range: r } : {});
    const n = e.shape[0]!;
    let idx = jnp.searchsorted(e, col, { side: "right" });
    idx = jnp.where(jnp.equal(col, jnp.take(e, n - 1)), jnp.subtract(idx, 1), idx);
    idxs.push(idx);
    edges.push(e);
  }
  // one extra bin each side for out-of-range samples, dropped afterwards
  const nbins = edges.map((e) => e.shape[0]! + 1);
  const total = nbins.reduce((p, q) => p * q, 1);
  const flat = jnp.ravelMultiIndex(idxs, nbins, { mode: "clip" });
  let hist = jnp.reshape(jnp.bincount(flat, w, { length: total }), nbins);
  hist = jnp.sliceStatic(
    hist,
    nbins.map(() => 1),
    nbins.map((n) => n - 1),
  );
  if (opts.density) {
    hist = astype(hist, s.dtype);
    hist = jnp.divide(hist, jnp.sum(hist));
    edges.forEach((e, d) => {
      const widths = jnp.diff(e);
      hist = jnp.divide(
        hist,
        jnp.reshape(
          widths,
          nbins.map((n, k) => (k === d ? n - 2 : 1)),
        ),
      );
    });
  }
  return [hist, edges];
}

/**
 * jnp.histogram2d(x, y, bins=10, {range, weights, density}): [hist, xEdges, yEdges]. bins
 * is a count or an edge array for both, or [binsX, binsY].
 */
export function histogram2d(
  x: ArrayLike,
  y: ArrayLike,
  bins: number | ArrayLike | readonly [number | ArrayLike, number | ArrayLike] = 10,
  opts: HistogramddOpts = {},
): [JaxArray, JaxArray, JaxArray] {
  const [xa, ya] = [asJax(x, "histogram2d"), asJax(y, "histogram2d")];
  let [dt, weak] = resultType([xa, ya]);
  if (!isFloat(dt)) dt = toInexact(dt);
  const sample = jnp.stack([castTo(xa, dt, weak), castTo(ya, dt, weak)], 1);
  // a count, or a sequence of two per-axis specs; any other sequence is the edges of both axes (as in JAX)
  const n = typeof bins === "number" ? 1 : Array.isArray(bins) ? bins.length : asJax(bins as ArrayLike).shape[0];
  const spec = n === 2 && typeof bins !== "number" ? bins : [bins as number | ArrayLike, bins as number | ArrayLike];
  const [hist, edges] = histogramdd(sample, spec as readonly (number | ArrayLike)[], opts);
  return [hist, edges[0]!, edges[1]!];
}
