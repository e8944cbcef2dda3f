// Sorting and order statistics of jax.numpy: sort, argsort, lexsort, partition,
// argpartition, searchsorted, digitize, unique, quantile/percentile/median, histogram.
//
// Everything is built on the stable multi-operand lax sort (NaNs last, -0 == 0), so ties
// keep their original order and gradients flow through the sort's permutation.
import { ArrayImpl, type ArrayLike, type JaxArray } from "../core/array.js";
import { type DType, isFloat, isUnsigned, resultType, toInexact } from "../core/dtype.js";
import { fmtShape, normAxes, normAxis, sizeOf } from "../core/shape.js";
import { Tracer } from "../core/trace.js";
import * as C from "../primitives/cumulative.js";
import {
  add,
  and,
  ceil,
  convertElementType,
  div,
  floor,
  le,
  lt,
  max,
  min,
  mul,
  ne,
  neg,
  not,
  or,
  select,
  sub,
} from "../primitives/elementwise.js";
import { gather, scatterAdd } from "../primitives/gather_scatter.js";
import { reduceMax, reduceSum } from "../primitives/reduce.js";
import * as S from "../primitives/shape_ops.js";
import { sort as laxSort, topK } from "../primitives/sort.js";
import { asJax, broadcastTo, castTo, dtypeArg } from "./coerce.js";
import { nonzero, putAlongAxis, take } from "./gather.js";
import { ConcretizationTypeError } from "./methods.js";

/** Moves axis `from` of x to position `to`. */
function moveAxis(x: JaxArray, from: number, to: number): JaxArray {
  const perm = [...x.shape.keys()].filter((d) => d !== from);
  perm.splice(to, 0, from);
  return S.transpose(x, perm);
}

function flatOrAxis(op: string, a: JaxArray, axis: number | null): [JaxArray, number] {
  if (axis === null) return [S.reshape(a, [a.size]), 0];
  return [a, normAxis(op, axis, a.ndim)];
}

export interface SortOpts {
  /** Sorting is always stable in jaxts (a stable sort is a valid unstable one). */
  stable?: boolean;
  /** Largest first; ties keep their original order, as in JAX. */
  descending?: boolean;
}

/** jnp.sort(a, axis=-1, {descending}): sorted along an axis (null: flattened). NaNs go last. */
export function sort(a: ArrayLike, axis: number | null = -1, opts: SortOpts = {}): JaxArray {
  const [x, ax] = flatOrAxis("sort", asJax(a, "sort"), axis);
  if (x.ndim === 0) return x;
  const y = laxSort(x, { dimension: ax });
  return opts.descending ? S.rev(y, [ax]) : y;
}

export interface ArgsortOpts extends SortOpts {
  /** The index dtype (default int32). */
  dtype?: DType;
}

/** jnp.argsort(a, axis=-1, {descending, dtype}): the indices that sort a (stable). */
export function argsort(a: ArrayLike, axis: number | null = -1, opts: ArgsortOpts = {}): JaxArray {
  let [x, ax] = flatOrAxis("argsort", asJax(a, "argsort"), axis);
  const dt = dtypeArg("argsort", opts.dtype) ?? "int32";
  if (x.ndim === 0) return ArrayImpl.scalar(0, dt);
  let idx = S.iota(dt, x.shape, ax);
  // descending and stable: sort the reversed axis, then reverse back, so ties keep their order
  if (opts.descending) {
    x = S.rev(x, [ax]);
    idx = S.rev(idx, [ax]);
  }
  const [, perm] = laxSort([x, idx], { dimension: ax, numKeys: 1 });
  return opts.descending ? S.rev(perm!, [ax]) : perm!;
}

/** jnp.lexsort(keys, axis=-1): the permutation sorting by the LAST key first, then the previous ones. */
export function lexsort(keys: readonly ArrayLike[], axis = -1): JaxArray {
  if (keys.length === 0) throw new TypeError("lexsort: need a sequence of keys with at least one key.");
  const ks = keys.map((k) => asJax(k, "lexsort"));
  for (const k of ks) {
    if (k.ndim !== ks[0]!.ndim || k.shape.some((n, d) => n !== ks[0]!.shape[d])) {
      throw new Error(`lexsort: all keys need the same shape, got ${ks.map((q) => fmtShape(q.shape)).join(", ")}.`);
    }
  }
  if (ks[0]!.ndim === 0) return ArrayImpl.scalar(0, "int32");
  const ax = normAxis("lexsort", axis, ks[0]!.ndim);
  const outs = laxSort([...ks.reverse(), S.iota("int32", ks[0]!.shape, ax)], { dimension: ax, numKeys: ks.length });
  return outs[outs.length - 1]!;
}

/** -x, except for unsigned ints where -(x + 1) keeps the order without wrapping into a collision. */
function negateForOrder(x: JaxArray): JaxArray {
  if (isUnsigned(x.dtype)) return neg(add(x, S.fullLike(x.aval, 1)));
  return neg(x);
}

/**
 * jnp.partition(a, kth, axis=-1): the kth smallest element at position kth, the smaller
 * ones before it (ascending) and the larger ones after (descending), exactly as JAX
 * computes it with two top-k's.
 */
export function partition(a: ArrayLike, kth: number, axis = -1): JaxArray {
  const x0 = asJax(a, "partition");
  const ax = normAxis("partition", axis, x0.ndim);
  const x = moveAxis(x0, ax, x0.ndim - 1);
  const n = x.shape[x.ndim - 1]!;
  const k = normAxis("partition", kth, n);
  let bottom = topK(negateForOrder(x), k + 1)[0];
  bottom = isUnsigned(x.dtype) ? sub(neg(bottom), S.fullLike(bottom.aval, 1)) : neg(bottom);
  const top = topK(x, n - k - 1)[0];
  return moveAxis(S.concatenate([bottom, top], x.ndim - 1), x.ndim - 1, ax);
}

/** jnp.argpartition(a, kth, axis=-1): the indices that partition a (see partition). */
export function argpartition(a: ArrayLike, kth: number, axis = -1): JaxArray {
  const x0 = asJax(a, "argpartition");
  const ax = normAxis("argpartition", axis, x0.ndim);
  const x = moveAxis(x0, ax, x0.ndim - 1);
  const last = x.ndim - 1;
  const n = x.shape[last]!;
  const k = normAxis("argpartition", kth, n);
  const bottomInd = topK(negateForOrder(x), k + 1)[1];
  // the rest: the positions not in the bottom, found as the largest of a 1/0 proxy
  const proxy = putAlongAxis(S.broadcastInDim(ArrayImpl.scalar(1, "float32"), x.shape, []), bottomInd, 0, last);
  const topInd = topK(proxy, n - k - 1)[1];
  return moveAxis(S.concatenate([bottomInd, topInd], last), last, ax);
}

// ---- searchsorted ----

const isNan = (x: JaxArray): JaxArray => ne(x, x);
/** x < y in the sort order (NaN after everything). */
function ltTotal(x: JaxArray, y: JaxArray): JaxArray {
  if (!isFloat(x.dtype)) return lt(x, y);
  return or(lt(x, y), and(isNan(y), not(isNan(x))));
}
/** x <= y in the sort order. */
const leTotal = (x: JaxArray, y: JaxArray): JaxArray => (isFloat(x.dtype) ? not(ltTotal(y, x)) : le(x, y));

export interface SearchsortedOpts {
  /** "left" (default): the first position where v could go; "right": the last. */
  side?: "left" | "right";
  /** Indices that sort `a` (when `a` itself is not sorted). */
  sorter?: ArrayLike;
  /** Accepted for compatibility with JAX; every method gives the same result here (a binary search). */
  method?: "scan" | "scan_unrolled" | "sort" | "compare_all";
}

/**
 * jnp.searchsorted(a, v, {side, sorter}): for each v, the index in the sorted 1-D `a`
 * where it would be inserted to keep the order (int32). A binary search of
 * ceil(log2(n + 1)) gather steps, in the sort order (NaN last).
 */
export function searchsorted(a: ArrayLike, v: ArrayLike, opts: SearchsortedOpts = {}): JaxArray {
  const side = opts.side ?? "left";
  if (side !== "left" && side !== "right") throw new Error(`searchsorted: side must be "left" or "right", got ${JSON.stringify(side)}.`);
  let [arr, q] = promoteArgsNoBroadcast("searchsorted", a, v);
  if (arr.ndim !== 1) throw new Error(`searchsorted: a should be 1-dimensional, got shape ${fmtShape(arr.shape)}.`);
  if (opts.sorter !== undefined) arr = take(arr, opts.sorter, 0, { mode: "clip" });
  const n = arr.shape[0]!;
  const goLeft = side === "left" ? leTotal : ltTotal;
  let low = S.broadcastInDim(ArrayImpl.scalar(0, "int32"), q.shape, []);
  let high = S.broadcastInDim(ArrayImpl.scalar(n, "int32"), q.shape, []);
  if (n === 0) return high;
  const levels = Math.ceil(Math.log2(n + 1));
  const two = S.fullLike(low.aval, 2);
  for (let i = 0; i < levels; i++) {
    const mid = div(add(low, high), two);
    const atMid = gather(arr, S.reshape(mid, [...mid.shape, 1]), { mode: "clip" });
    const left = goLeft(q, atMid);
    [low, high] = [select(left, low, mid), select(left, mid, high)];
  }
  return high;
}

/** JAX's promote_dtypes: a common dtype, shapes untouched. */
function promoteArgsNoBroadcast(op: string, a: ArrayLike, b: ArrayLike): [JaxArray, JaxArray] {
  const x = asJax(a, op);
  const y = asJax(b, op);
  const [dt, weak] = resultType([x, y]);
  return [castTo(x, dt, weak), castTo(y, dt, weak)];
}

/**
 * jnp.digitize(x, bins, right=false): the bin of each x (int32), for monotonically
 * increasing or decreasing 1-D bins, as numpy.digitize.
 */
export function digitize(x: ArrayLike, bins: ArrayLike, right = false): JaxArray {
  const xa = asJax(x, "digitize");
  const b = asJax(bins, "digitize");
  if (b.ndim !== 1) throw new Error(`digitize: bins must be a 1-dimensional array, got shape ${fmtShape(b.shape)}.`);
  const n = b.shape[0]!;
  if (n === 0) return S.broadcastInDim(ArrayImpl.scalar(0, "int32"), xa.shape, []);
  const side = right ? "left" : "right";
  const increasing = broadcastTo(le(S.reshape(S.slice(b, [0], [1]), []), S.reshape(S.slice(b, [n - 1], [n]), [])), xa.shape);
  const up = searchsorted(b, xa, { side });
  const down = sub(S.fullLike(up.aval, n), searchsorted(S.rev(b, [0]), xa, { side }));
  return select(increasing, up, down);
}

// ---- unique ----

export interface UniqueOpts {
  returnIndex?: boolean;
  returnInverse?: boolean;
  returnCounts?: boolean;
  /** Unique subarrays along this axis (null: of the flattened array). */
  axis?: number | null;
  /** NaNs compare equal (default true). */
  equalNan?: boolean;
  /** The static number of results (required under jit): the first `size` unique values, padded. */
  size?: number;
  /** What pads the values when there are fewer than `size` (default: the smallest value). */
  fillValue?: number;
}

function concreteOrThrow(x: JaxArray): ArrayImpl {
  const c = x instanceof ArrayImpl ? x : x instanceof Tracer ? x.concreteValue() : null;
  if (c) return c;
  throw new ConcretizationTypeError(
    `unique: the number of unique values depends on the values of a traced array (${x.aval.toString()}), which are not ` +
      "known while tracing (jit). Pass a static {size} (and optionally {fillValue}) to use unique under jit.",
  );
}

/**
 * jnp.unique(ar, {returnIndex, returnInverse, returnCounts, axis, equalNan, size, fillValue}):
 * the sorted unique values (or subarrays along `axis`). With any return flag the result is
 * [values, index?, inverse?, counts?] in that order, as JAX's tuple.
 */
export function unique(ar: ArrayLike, opts?: UniqueOpts & { returnIndex?: false; returnInverse?: false; returnCounts?: false }): JaxArray;
export function unique(ar: ArrayLike, opts: UniqueOpts): JaxArray | JaxArray[];
export function unique(ar: ArrayLike, opts: UniqueOpts = {}): JaxArray | JaxArray[] {
  const a0 = asJax(ar, "unique");
  const axis = opts.axis ?? null;
  const a = axis === null ? S.reshape(a0, [a0.size]) : a0;
  const ax = axis === null ? 0 : normAxis("unique", axis, a.ndim);
  const equalNan = opts.equalNan ?? true;
  const size = opts.size;
  if (a.shape[ax] === 0 && size && opts.fillValue === undefined) {
    throw new Error("unique: for zero-sized input with a nonzero size argument, fillValue must be specified.");
  }
  // sort the rows (subarrays along ax) lexicographically, remember the permutation
  let aux = moveAxis(a, ax, 0);
  if (isFloat(aux.dtype)) aux = select(isNan(aux), S.fullLike(aux.aval, Number.NaN), aux);
  const n = aux.shape[0]!;
  const rowShape = aux.shape.slice(1);
  const width = sizeOf(rowShape);
  let perm: JaxArray;
  if (width === 0) perm = ArrayImpl.zeros([1], "int32");
  else {
    const rows = S.reshape(aux, [n, width]);
    const cols = [...Array(width).keys()].map((c) => S.reshape(S.slice(rows, [0, c], [n, c + 1]), [n]));
    perm = lexsort(cols.reverse());
  }
  const rowsSorted = aux.size ? takeRows(aux, perm) : aux;
  let mask: JaxArray;
  if (aux.size) {
    const diffRow = rowsDiffer(rowsSorted, equalNan && isFloat(aux.dtype));
    mask = S.concatenate([ArrayImpl.of(Uint8Array.of(1), [1], "bool"), diffRow], 0);
  } else mask = S.broadcastInDim(ArrayImpl.scalar(0, "bool"), [width === 0 ? 1 : n], []);

  const ind = size === undefined ? nonzero(concreteOrThrow(mask))[0]! : nonzero(mask, { size })[0]!;
  let result = aux.size ? takeRows(rowsSorted, ind) : aux;
  const count = reduceSum(convertElementType(mask, "int32"), [0]);
  if (size !== undefined && opts.fillValue !== undefined) {
    const fill = castTo(asJax(opts.fillValue, "unique"), result.dtype);
    if (result.shape[0]) {
      const valid = lt(S.iota("int32", [size]), S.broadcastInDim(count, [size], []));
      result = select(S.broadcastInDim(valid, result.shape, [0]), result, S.broadcastInDim(fill, result.shape, []));
    } else result = S.broadcastInDim(fill, [size, ...result.shape.slice(1)], []);
  }
  result = moveAxis(result, 0, ax);
  const out: JaxArray[] = [result];
  if (opts.returnIndex) out.push(aux.size ? takeRows(perm, ind) : perm);
  if (opts.returnInverse) {
    let inv: JaxArray;
    if (aux.size) {
      const running = C.cumsum(convertElementType(mask, "int32"), 0);
      const imask = sub(running, S.fullLike(running.aval, 1));
      inv = S.broadcastInDim(ArrayImpl.scalar(0, "int32"), [n], []).at(perm).set(imask);
    } else inv = ArrayImpl.zeros([a.shape[ax]!], "int32");
    out.push(axis === null ? S.reshape(inv, a0.shape) : inv);
  }
  if (opts.returnCounts) {
    if (aux.size) {
      let idx: JaxArray;
      if (size === undefined) idx = S.concatenate([ind, ArrayImpl.of(Int32Array.of(mask.shape[0]!), [1], "int32")], 0);
      else {
        idx = nonzero(mask, { size: size + 1 })[0]!;
        const tail = S.slice(idx, [1], [size + 1]);
        const m = mask.shape[0]!;
        idx = S.concatenate([S.slice(idx, [0], [1]), select(ne(tail, S.fullLike(tail.aval, 0)), tail, S.fullLike(tail.aval, m))], 0);
      }
      const len = idx.shape[0]!;
      out.push(sub(S.slice(idx, [1], [len]), S.slice(idx, [0], [len - 1])));
    } else if (a.shape[ax]) out.push(ArrayImpl.of(Int32Array.of(a.shape[ax]!), [1], "int32"));
    else out.push(ArrayImpl.zeros([0], "int32"));
  }
  return out.length === 1 ? out[0]! : out;
}

/** x[i] along axis 0 for int indices i (in range). */
function takeRows(x: JaxArray, i: JaxArray): JaxArray {
  return gather(x, S.reshape(i, [...i.shape, 1]), { mode: "clip" });
}

/** For sorted rows: does row r differ from row r - 1 (r >= 1), in any element? */
function rowsDiffer(rows: JaxArray, nanEqual: boolean): JaxArray {
  const n = rows.shape[0]!;
  const lo = S.slice(
    rows,
    rows.shape.map(() => 0),
    [n - 1, ...rows.shape.slice(1)],
  );
  const hi = S.slice(rows, [1, ...rows.shape.slice(1).map(() => 0)], rows.shape);
  let neq = ne(hi, lo);
  if (nanEqual) neq = and(neq, not(and(isNan(hi), isNan(lo))));
  const rest = [...Array(rows.ndim).keys()].slice(1);
  return rest.length ? reduceMax(neq, rest) : neq;
}

// ---- quantiles ----

export type QuantileMethod = "linear" | "lower" | "higher" | "midpoint" | "nearest";
export interface QuantileOpts {
  /** How to pick between the two order statistics around the quantile (default "linear"). */
  method?: QuantileMethod;
  keepdims?: boolean;
}

/**
 * jnp.quantile(a, q, axis=null, {method, keepdims}): the q-th quantiles (q in [0, 1], a
 * number or a 1-D array whose axis comes first in the result). NaN in a slice gives NaN.
 */
export function quantile(a: ArrayLike, q: ArrayLike, axis: number | readonly number[] | null = null, opts: QuantileOpts = {}): JaxArray {
  return quantileImpl("quantile", a, q, axis, opts);
}

/** jnp.percentile(a, p, axis=null, {method, keepdims}): quantile(a, p / 100). */
export function percentile(a: ArrayLike, p: ArrayLike, axis: number | readonly number[] | null = null, opts: QuantileOpts = {}): JaxArray {
  const [x, pp] = promoteArgsNoBroadcast("percentile", a, p);
  const pf = isFloat(pp.dtype) ? pp : castTo(pp, toInexact(x.dtype), pp.weakType);
  return quantileImpl("percentile", x, div(pf, S.fullLike(pf.aval, 100)), axis, opts);
}

/** jnp.median(a, axis=null, {keepdims}): the middle value (the mean of the two middle ones). */
export function median(a: ArrayLike, axis: number | readonly number[] | null = null, opts: { keepdims?: boolean } = {}): JaxArray {
  return quantileImpl("median", a, 0.5, axis, { ...opts, method: "midpoint" });
}

function quantileImpl(op: string, a: ArrayLike, q: ArrayLike, axis: number | readonly number[] | null, opts: QuantileOpts): JaxArray {
  const method = opts.method ?? "linear";
  if (!["linear", "lower", "higher", "midpoint", "nearest"].includes(method)) {
    throw new Error(`${op}: method must be "linear", "lower", "higher", "midpoint" or "nearest", got ${JSON.stringify(method)}.`);
  }
  // JAX's promote_dtypes_inexact(a, q)
  const [x0, q0] = promoteArgsNoBroadcast(op, a, q);
  const fdt = toInexact(x0.dtype);
  let x = castTo(x0, fdt, x0.weakType);
  const qa = castTo(q0, fdt, q0.weakType);
  if (qa.ndim > 1) throw new Error(`${op}: q must have rank <= 1, got shape ${fmtShape(qa.shape)}.`);
  const original = x.shape;
  // bring the reduced axes together as the last axis
  let keepShape: number[];
  if (axis === null) {
    keepShape = original.map(() => 1);
    x = S.reshape(x, [x.size]);
  } else {
    const axes = normAxes(op, axis, x.ndim);
    keepShape = original.map((n, d) => (axes.includes(d) ? 1 : n));
    const keep = [...original.keys()].filter((d) => !axes.includes(d));
    x = S.transpose(x, [...keep, ...axes]);
    x = S.reshape(x, [...keep.map((d) => original[d]!), sizeOf(axes.map((d) => original[d]!))]);
  }
  const ax = x.ndim - 1;
  const n = x.shape[ax]!;
  // a slice with a NaN has a NaN quantile
  const anyNan = reduceMax(isNan(x), [ax]);
  x = select(S.broadcastInDim(anyNan, x.shape, [...Array(ax).keys()]), S.fullLike(x.aval, Number.NaN), x);
  const sorted = laxSort(x, { dimension: ax });
  const pos = mul(qa, S.fullLike(qa.aval, n - 1));
  const lo = floor(pos);
  const hi = ceil(pos);
  const hiW = sub(pos, lo);
  const loW = sub(S.fullLike(hiW.aval, 1), hiW);
  const clampIdx = (v: JaxArray) => convertElementType(min(max(v, S.fullLike(v.aval, 0)), S.fullLike(v.aval, n - 1)), "int32");
  // take along the last axis, q's axis (if any) first: shape q.shape ++ reduced
  const pick = (i: JaxArray): JaxArray => {
    const t = take(sorted, i, ax, { mode: "clip" });
    return qa.ndim === 1 ? moveAxis(t, ax, 0) : t;
  };
  const loV = pick(clampIdx(lo));
  const hiV = pick(clampIdx(hi));
  const wshape = (w: JaxArray) => S.broadcastInDim(w, loV.shape, qa.ndim === 1 ? [0] : []);
  let out: JaxArray;
  if (method === "linear") out = add(mul(loV, wshape(loW)), mul(hiV, wshape(hiW)));
  else if (method === "lower") out = loV;
  else if (method === "higher") out = hiV;
  else if (method === "midpoint") out = mul(add(loV, hiV), S.fullLike(loV.aval, 0.5));
  else out = select(wshape(le(hiW, S.fullLike(hiW.aval, 0.5))), loV, hiV);
  if (opts.keepdims) out = S.reshape(out, [...qa.shape, ...keepShape]);
  return out;
}

// ---- histograms ----

export interface HistogramOpts {
  /** The [lower, upper] range of the bins (default: the data's min and max). */
  range?: readonly [number, number];
  /** A weight per element of `a` (default 1). */
  weights?: ArrayLike;
  /** Normalize so that the integral over the range is 1. */
  density?: boolean;
}

/**
 * jnp.histogramBinEdges(a, bins=10, {range}): `bins` equal-width bins between the data's
 * min and max (or `range`; a zero-width range is widened by 0.5 each side), or the given
 * 1-D edges. Edges are computed as JAX's linspace does: start * (1 - t) + stop * t.
 */
export function histogramBinEdges(a: ArrayLike, bins: number | ArrayLike = 10, opts: { range?: readonly [number, number] } = {}): JaxArray {
  const x = asJax(a, "histogramBinEdges");
  const dt = toInexact(x.dtype);
  if (typeof bins !== "number") return castTo(asJax(bins, "histogramBinEdges"), dt);
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`histogramBinEdges: bins must be a positive integer, got ${bins}.`);
  const xf = castTo(x, dt);
  let lo: JaxArray = opts.range ? ArrayImpl.scalar(opts.range[0], dt) : xf.min();
  let hi: JaxArray = opts.range ? ArrayImpl.scalar(opts.range[1], dt) : xf.max();
  const flat = eqScalar(lo, hi);
  lo = select(flat, sub(lo, S.fullLike(lo.aval, 0.5)), lo);
  hi = select(flat, add(hi, S.fullLike(hi.aval, 0.5)), hi);
  const t = div(S.iota(dt, [bins]), S.broadcastInDim(ArrayImpl.scalar(bins, dt), [bins], []));
  const one = S.broadcastInDim(ArrayImpl.scalar(1, dt), [bins], []);
  const inner = add(mul(S.broadcastInDim(lo, [bins], []), sub(one, t)), mul(S.broadcastInDim(hi, [bins], []), t));
  return S.concatenate([inner, S.reshape(hi, [1])], 0);
}

function eqScalar(a: JaxArray, b: JaxArray): JaxArray {
  return not(ne(a, b));
}

/**
 * jnp.histogram(a, bins=10, {range, weights, density}): [counts, binEdges]. Bins are
 * half-open [e_i, e_{i+1}) except the last, which includes its upper edge; values outside
 * the range are not counted.
 */
export function histogram(a: ArrayLike, bins: number | ArrayLike = 10, opts: HistogramOpts = {}): [JaxArray, JaxArray] {
  let x = asJax(a, "histogram");
  let w: JaxArray;
  if (opts.weights === undefined) {
    x = castTo(x, toInexact(x.dtype), x.weakType);
    w = S.fullLike(x.aval, 1);
  } else {
    w = asJax(opts.weights, "histogram");
    if (w.ndim !== x.ndim || w.shape.some((n, d) => n !== x.shape[d])) {
      throw new Error(`histogram: weights of shape ${fmtShape(w.shape)} must have the shape of a ${fmtShape(x.shape)}.`);
    }
    const [dt, weak] = resultType([x, w]);
    x = castTo(x, toInexact(dt), weak);
    w = castTo(w, toInexact(dt), weak);
  }
  const edges = histogramBinEdges(x, bins, opts.range ? { range: opts.range } : {});
  const ne_ = edges.shape[0]!;
  const flatX = S.reshape(x, [x.size]);
  let idx = searchsorted(edges, flatX, { side: "right" });
  const last = S.broadcastInDim(S.reshape(S.slice(edges, [ne_ - 1], [ne_]), []), flatX.shape, []);
  idx = select(eqScalar(flatX, last), S.fullLike(idx.aval, ne_ - 1), idx);
  const zeros = S.broadcastInDim(ArrayImpl.scalar(0, w.dtype), [ne_], []);
  let counts = S.slice(scatterAdd(zeros, S.reshape(idx, [x.size, 1]), S.reshape(w, [x.size]), { mode: "drop" }), [1], [ne_]);
  if (opts.density) {
    const widths = sub(S.slice(edges, [1], [ne_]), S.slice(edges, [0], [ne_ - 1]));
    const total = S.broadcastInDim(reduceSum(counts, [0]), counts.shape, []);
    counts = div(div(counts, castTo(widths, counts.dtype)), total);
  }
  return [counts, edges];
}
