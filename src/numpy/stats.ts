// Reductions beyond reductions.ts: variance and standard deviation, weighted averages,
// NaN-ignoring reductions, all/any, counts, peak-to-peak, the trapezoid rule, covariance
// and correlation.
// All are compositions of jnp/lax operations, so they differentiate, batch and jit.
import type { ArrayLike, Axis, JaxArray, ReduceOpts } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { type DType, isFloat, isHalf, resultType, toInexact } from "../core/dtype.js";
import { fmtShape, normAxes, normAxis, sizeOf } from "../core/shape.js";
import * as lax from "../primitives/elementwise.js";
import * as R from "../primitives/reduce.js";
import { fullLike, reshape, slice, transpose } from "../primitives/shape_ops.js";
import { asJax, broadcastTo, castTo, dtypeArg, promoteInexact } from "./coerce.js";
import { diagonal } from "./contractions.js";
import { concatenate } from "./manipulation.js";
import { clip, isnan } from "./math.js";
import { dot } from "./products.js";
import { argmax, argmin, max, mean, min, prod, sum } from "./reductions.js";
import { divide, multiply, subtract, where } from "./ufuncs.js";

export interface DTypeReduceOpts extends ReduceOpts {
  dtype?: DType;
}

function keep(x: JaxArray, y: JaxArray, axes: number[], keepdims?: boolean): JaxArray {
  if (!keepdims) return y;
  return reshape(
    y,
    x.shape.map((n, d) => (axes.includes(d) ? 1 : n)),
  );
}

/** Elementwise "is false" (x == 0, NaN counts as true-ish like numpy's bool(NaN)). */
function falsy(a: JaxArray): JaxArray {
  return a.dtype === "bool" ? lax.not(a) : lax.eq(a, fullLike(a.aval, 0));
}

/** True where every element along `axis` is nonzero (all axes by default); empty reductions are true. */
export function all(x: ArrayLike, axis?: Axis, opts: ReduceOpts = {}): JaxArray {
  const a = asJax(x, "all");
  const axes = normAxes("all", axis, a.ndim);
  const nFalse = R.reduceSum(castTo(falsy(a), "int32"), axes);
  return keep(a, lax.eq(nFalse, fullLike(nFalse.aval, 0)), axes, opts.keepdims);
}
/** True where some element along `axis` is nonzero; empty reductions are false. */
export function any(x: ArrayLike, axis?: Axis, opts: ReduceOpts = {}): JaxArray {
  const a = asJax(x, "any");
  const axes = normAxes("any", axis, a.ndim);
  const nTrue = R.reduceSum(castTo(lax.not(falsy(a)), "int32"), axes);
  return keep(a, lax.gt(nTrue, fullLike(nTrue.aval, 0)), axes, opts.keepdims);
}

/** The number of nonzero elements along `axis`, as int32. */
export function countNonzero(x: ArrayLike, axis?: Axis, opts: ReduceOpts = {}): JaxArray {
  const a = asJax(x, "countNonzero");
  return sum(lax.not(falsy(a)), axis, { dtype: "int32", keepdims: opts.keepdims });
}

/** max - min along `axis` ("peak to peak"). */
export function ptp(x: ArrayLike, axis?: Axis, opts: ReduceOpts = {}): JaxArray {
  const a = asJax(x, "ptp");
  return lax.sub(max(a, axis, opts), min(a, axis, opts));
}

// ---------------------------------------------------------------------------
// variance and standard deviation

export interface VarOpts extends DTypeReduceOpts {
  /** Delta degrees of freedom: the divisor is N - ddof. */
  ddof?: number;
  /** The array-API name for ddof; give one or the other. */
  correction?: number;
  /** A precomputed mean (broadcastable against x, e.g. from mean(x, axis, {keepdims: true})). */
  mean?: ArrayLike;
}

/** JAX's dtypes for var: [computation dtype (16-bit floats widened to float32), result dtype]. */
function varTypes(a: DType, dtype: DType | undefined): [DType, DType] {
  const out = dtype ?? (isFloat(a) ? a : toInexact(a));
  return [isHalf(out) ? "float32" : out, out];
}

function correctionOf(op: string, opts: VarOpts): number {
  if (opts.correction !== undefined && opts.ddof !== undefined && opts.ddof !== 0) {
    throw new Error(`${op}: ddof and correction can't both be given; use one of them.`);
  }
  return opts.correction ?? opts.ddof ?? 0;
}

/** Variance along `axis`: sum((x - mean)²) / (N - ddof); NaN when N - ddof <= 0. (`var` is a JS keyword.) */
export function var_(x: ArrayLike, axis?: Axis, opts: VarOpts = {}): JaxArray {
  const a0 = asJax(x, "var");
  const corr = correctionOf("var", opts);
  const [cdt, odt] = varTypes(a0.dtype, dtypeArg("var", opts.dtype));
  const a = castTo(a0, cdt);
  const axes = normAxes("var", axis, a.ndim);
  const m = opts.mean !== undefined ? castTo(asJax(opts.mean, "var"), cdt) : mean(a, axes, { keepdims: true });
  const s = sum(lax.integerPow(subtract(a, m), 2), axes, { keepdims: opts.keepdims });
  const norm = sizeOf(axes.map((d) => a.shape[d]!)) - corr;
  const out = castTo(lax.div(s, fullLike(s.aval, norm)), odt);
  return norm > 0 ? out : fullLike(out.aval, Number.NaN);
}

/** Standard deviation: sqrt(var_(x, axis, opts)). */
export function std(x: ArrayLike, axis?: Axis, opts: VarOpts = {}): JaxArray {
  if (opts.dtype !== undefined && !isFloat(dtypeArg("std", opts.dtype)!)) {
    throw new TypeError(`std: the dtype option must be a floating dtype, got ${opts.dtype}.`);
  }
  return lax.sqrt(var_(x, axis, opts));
}

// ---------------------------------------------------------------------------
// weighted average

export interface AverageOpts extends ReduceOpts {
  /** Weights of x's shape, or of the shape of x's `axis` dimensions. */
  weights?: ArrayLike | null;
  /** Also return the sum of the weights. */
  returned?: boolean;
}

/** The weighted mean along `axis`: sum(x * w) / sum(w) (the plain mean without weights). */
export function average(x: ArrayLike, axis?: Axis, opts?: AverageOpts & { returned?: false }): JaxArray;
export function average(x: ArrayLike, axis: Axis, opts: AverageOpts & { returned: true }): [JaxArray, JaxArray];
export function average(x: ArrayLike, axis?: Axis, opts: AverageOpts = {}): JaxArray | [JaxArray, JaxArray] {
  const a0 = asJax(x, "average");
  const axes = normAxes("average", axis, a0.ndim);
  let avg: JaxArray;
  let wsum: JaxArray;
  if (opts.weights === undefined || opts.weights === null) {
    const a = promoteInexact("average", a0);
    avg = mean(a, axes, { keepdims: opts.keepdims });
    wsum = fullLike(avg.aval.strong(), sizeOf(axes.map((d) => a.shape[d]!)));
  } else {
    const w0 = asJax(opts.weights, "average");
    const [dt0, weak] = resultType([a0, w0]);
    const dt = toInexact(dt0);
    const a = castTo(a0, dt, weak);
    let w = castTo(w0, dt, weak);
    const sameShape = a.ndim === w.ndim && a.shape.every((n, d) => n === w.shape[d]);
    if (!sameShape) {
      if (axis === undefined || axis === null) {
        throw new Error(
          `average: weights of shape ${fmtShape(w.shape)} differ from x's ${fmtShape(a.shape)}; give the axis the weights run along.`,
        );
      }
      const want = axes.map((d) => a.shape[d]!);
      if (w.ndim !== want.length || w.shape.some((n, i) => n !== want[i])) {
        throw new Error(
          `average: weights must have x's shape ${fmtShape(a.shape)} or the shape of the reduced axes ${fmtShape(want)}; got ${fmtShape(w.shape)}.`,
        );
      }
      const order = [...axes.keys()].sort((i, j) => axes[i]! - axes[j]!);
      w = reshape(
        transpose(w, order),
        a.shape.map((n, d) => (axes.includes(d) ? n : 1)),
      );
    }
    wsum = sum(w, axes, { keepdims: opts.keepdims });
    avg = divide(sum(multiply(a, w), axes, { keepdims: opts.keepdims }), wsum);
  }
  if (!opts.returned) return avg;
  return [avg, broadcastTo(wsum, avg.shape, "average")];
}

// ---------------------------------------------------------------------------
// NaN-ignoring reductions

type Reducer<O> = (x: JaxArray, axis: Axis, opts: O) => JaxArray;

/** Reduces with NaNs replaced by the reduction's identity; optionally NaN where a slice is all NaN. */
function nanReduction<O extends ReduceOpts>(name: string, reduce: Reducer<O>, init: number, nanIfAllNan: boolean) {
  return (x: ArrayLike, axis?: Axis, opts: O = {} as O): JaxArray => {
    const a = asJax(x, name);
    if (!isFloat(a.dtype)) return reduce(a, axis, opts);
    const nan = isnan(a);
    const out = reduce(where(nan, castTo(asJax(init), a.dtype), a), axis, opts);
    if (!nanIfAllNan) return out;
    return where(all(nan, axis, { keepdims: opts.keepdims }), castTo(asJax(Number.NaN), a.dtype), out);
  };
}
export const nansum = nanReduction<DTypeReduceOpts>("nansum", sum, 0, false);
export const nanprod = nanReduction<DTypeReduceOpts>("nanprod", prod, 1, false);
export const nanmax = nanReduction<ReduceOpts>("nanmax", max, Number.NEGATIVE_INFINITY, true);
export const nanmin = nanReduction<ReduceOpts>("nanmin", min, Number.POSITIVE_INFINITY, true);

/** The mean of the non-NaN elements (NaN where there are none). */
export function nanmean(x: ArrayLike, axis?: Axis, opts: DTypeReduceOpts = {}): JaxArray {
  const a = asJax(x, "nanmean");
  if (!isFloat(a.dtype)) return mean(a, axis, opts);
  const dt = dtypeArg("nanmean", opts.dtype) ?? a.dtype;
  const count = sum(lax.not(isnan(a)), axis, { dtype: dt, keepdims: opts.keepdims });
  return lax.div(nansum(a, axis, { dtype: dt, keepdims: opts.keepdims }), count);
}

/** The variance of the non-NaN elements, divisor (count - ddof); NaN where that is <= 0. */
export function nanvar(x: ArrayLike, axis?: Axis, opts: VarOpts = {}): JaxArray {
  const a0 = asJax(x, "nanvar");
  const corr = correctionOf("nanvar", opts);
  const [cdt, odt] = varTypes(a0.dtype, dtypeArg("nanvar", opts.dtype));
  const a = castTo(a0, cdt);
  const m = opts.mean !== undefined ? castTo(asJax(opts.mean, "nanvar"), cdt) : nanmean(a, axis, { keepdims: true });
  const nan = isnan(a);
  // NaN entries become 0 before squaring, so they contribute neither value nor gradient
  const centered = where(nan, castTo(asJax(0), cdt), subtract(a, m));
  const s = sum(lax.integerPow(centered, 2), axis, { keepdims: opts.keepdims });
  const count = sum(lax.not(nan), axis, { dtype: "int32", keepdims: opts.keepdims });
  const norm = lax.sub(count, fullLike(count.aval, corr));
  const empty = lax.le(norm, fullLike(norm.aval, 0));
  const divisor = castTo(lax.select(empty, fullLike(norm.aval, 1), norm), cdt);
  const out = lax.div(lax.select(empty, fullLike(s.aval, Number.NaN), s), divisor);
  return castTo(out, odt);
}
/** sqrt(nanvar(x, axis, opts)). */
export function nanstd(x: ArrayLike, axis?: Axis, opts: VarOpts = {}): JaxArray {
  return lax.sqrt(nanvar(x, axis, opts));
}

function nanArg(name: string, fill: number, f: typeof argmax) {
  return (x: ArrayLike, axis?: number | null, opts: ReduceOpts = {}): JaxArray => {
    const a = asJax(x, name);
    if (!isFloat(a.dtype)) return f(a, axis, opts);
    const nan = isnan(a);
    const res = f(where(nan, castTo(asJax(fill), a.dtype), a), axis, opts);
    const allNan = all(nan, axis === null ? undefined : axis, { keepdims: opts.keepdims });
    return where(allNan, castTo(asJax(-1), res.dtype), res);
  };
}
/** argmax ignoring NaNs; -1 where a slice is all NaN. */
export const nanargmax = nanArg("nanargmax", Number.NEGATIVE_INFINITY, argmax);
/** argmin ignoring NaNs; -1 where a slice is all NaN. */
export const nanargmin = nanArg("nanargmin", Number.POSITIVE_INFINITY, argmin);

// ---------------------------------------------------------------------------
// integration

export interface TrapezoidOpts {
  /** Spacing between samples when x is not given (scalar or array). */
  dx?: ArrayLike;
  axis?: number;
}
/** The trapezoid rule along `axis`, with sample points x (or constant spacing dx). */
export function trapezoid(y: ArrayLike, x?: ArrayLike | null, opts: TrapezoidOpts = {}): JaxArray {
  const axis = opts.axis ?? -1;
  const y0 = asJax(y, "trapezoid");
  let ya: JaxArray;
  let dx: JaxArray;
  if (x === undefined || x === null) {
    ya = promoteInexact("trapezoid", y0);
    dx = asJax(opts.dx ?? 1, "trapezoid");
    if (dx.ndim > 0) dx = moveToEnd(reshape(dx, [...Array(ya.ndim - dx.ndim).fill(1), ...dx.shape]), axis);
  } else {
    const x0 = asJax(x, "trapezoid");
    const dt = toInexact(resultType([y0, x0])[0]);
    ya = castTo(y0, dt, resultType([y0, x0])[1]);
    const xa = castTo(x0, dt, resultType([y0, x0])[1]);
    dx = xa.ndim === 1 ? diff1(xa, 0) : moveToEnd(diff1(xa, normAxis("trapezoid", axis, xa.ndim)), axis);
  }
  ya = moveToEnd(ya, axis);
  const n = ya.shape[ya.ndim - 1]!;
  const last = ya.ndim - 1;
  const part = (lo: number, hi: number) => sliceLast(ya, lo, hi);
  if (dx.ndim === 0 || dx.shape[dx.ndim - 1] === 1) {
    const d = dx.ndim === 0 ? dx : reshape(dx, dx.shape.slice(0, -1));
    const ends = lax.add(reshape(part(0, 1), ya.shape.slice(0, -1)), reshape(part(n - 1, n), ya.shape.slice(0, -1)));
    return multiply(d, subtract(sum(ya, last), multiply(0.5, ends)));
  }
  return multiply(0.5, sum(multiply(dx, lax.add(part(1, n), part(0, n - 1))), -1));
}

function sliceLast(x: JaxArray, lo: number, hi: number): JaxArray {
  const last = x.ndim - 1;
  return slice(
    x,
    x.shape.map((_, d) => (d === last ? lo : 0)),
    x.shape.map((m, d) => (d === last ? hi : m)),
  );
}
function diff1(x: JaxArray, axis: number): JaxArray {
  const n = x.shape[axis]!;
  const part = (lo: number, hi: number) =>
    slice(
      x,
      x.shape.map((_, d) => (d === axis ? lo : 0)),
      x.shape.map((m, d) => (d === axis ? hi : m)),
    );
  return lax.sub(part(1, n), part(0, n - 1));
}
function moveToEnd(x: JaxArray, axis: number): JaxArray {
  const ax = normAxis("trapezoid", axis, x.ndim);
  const perm = [...Array(x.ndim).keys()].filter((d) => d !== ax);
  return transpose(x, [...perm, ax]);
}

// ---------------------------------------------------------------------------
// covariance and correlation

export interface CovOpts {
  /** Rows are variables and columns observations (default); false swaps the roles. */
  rowvar?: boolean;
  /** Normalize by N (true) instead of N - 1. */
  bias?: boolean;
  /** Overrides bias: the divisor is N - ddof. */
  ddof?: number | null;
  /** Integer repeat counts per observation. */
  fweights?: ArrayLike | null;
  /** Observation weights. */
  aweights?: ArrayLike | null;
  dtype?: DType;
}

/** The covariance matrix of the variables (rows) of m, and of y's if given (numpy.cov). */
export function cov(m: ArrayLike, y?: ArrayLike | null, opts: CovOpts = {}): JaxArray {
  const m0 = asJax(m, "cov");
  const y0 = y === undefined || y === null ? null : asJax(y, "cov");
  const [dt0, weak] = resultType(y0 ? [m0, y0] : [m0]);
  const dt = toInexact(dt0);
  const mA = castTo(m0, dt, weak);
  if (mA.ndim > 2 || (y0 && y0.ndim > 2)) throw new Error("cov: m and y must have at most 2 dimensions.");
  const cdt = dtypeArg("cov", opts.dtype);
  if (cdt !== undefined && !isFloat(cdt)) throw new TypeError(`cov: dtype must be a floating dtype, got ${cdt}.`);
  const rowvar = opts.rowvar ?? true;
  const as2d = (x: JaxArray) => (x.ndim >= 2 ? x : reshape(x, [1, x.size]));
  let X = as2d(mA);
  if (!rowvar && mA.ndim !== 1) X = transpose(X, [1, 0]);
  if (X.shape[0] === 0) return fullLike(new ShapedArray([0, 0], "float32"), 0);
  if (y0) {
    let Y = as2d(castTo(y0, dt, weak));
    if (!rowvar && Y.shape[0] !== 1) Y = transpose(Y, [1, 0]);
    X = concatenate([X, Y], 0);
  }
  const nVars = X.shape[0]!;
  const nObs = X.shape[1]!;
  if (nObs === 0) return fullLike(new ShapedArray(nVars === 1 ? [] : [nVars, nVars], X.dtype), Number.NaN);
  const ddof = opts.ddof ?? (opts.bias ? 0 : 1);
  const weightsOf = (name: string, v: ArrayLike): JaxArray => {
    const a = asJax(v, "cov");
    if (a.ndim !== 1 || a.shape[0] !== nObs)
      throw new Error(`cov: ${name} must be 1-D with one entry per observation (${nObs}), got shape ${fmtShape(a.shape)}.`);
    return a;
  };
  let w: JaxArray | null = null;
  if (opts.fweights !== undefined && opts.fweights !== null) {
    const f = weightsOf("fweights", opts.fweights);
    if (isFloat(f.dtype)) throw new TypeError("cov: fweights must be integers.");
    w = lax.abs(f);
  }
  let aw: JaxArray | null = null;
  if (opts.aweights !== undefined && opts.aweights !== null) {
    aw = lax.abs(weightsOf("aweights", opts.aweights));
    w = w ? multiply(w, aw) : aw;
  }
  if (cdt !== undefined) {
    X = castTo(X, cdt);
    w = w && castTo(w, cdt);
  }
  const [avg, wsumAll] = average(X, 1, { weights: w, returned: true });
  const wsum = reshape(slice(wsumAll, [0], [1]), []);
  let f: ArrayLike;
  if (!w) f = nObs - ddof;
  else if (ddof === 0) f = wsum;
  else if (!aw) f = subtract(wsum, ddof);
  else f = subtract(wsum, divide(multiply(ddof, sum(multiply(w, aw))), wsum));
  const Xc = subtract(X, reshape(avg, [nVars, 1]));
  const XT = transpose(w ? multiply(Xc, w) : Xc, [1, 0]);
  const c = divide(dot(Xc, XT), f);
  return reshape(
    c,
    c.shape.filter((n) => n !== 1),
  );
}

/** Pearson correlation coefficients, cov(x, y) normalized by the standard deviations and clipped to [-1, 1]. */
export function corrcoef(x: ArrayLike, y?: ArrayLike | null, opts: { rowvar?: boolean; dtype?: DType } = {}): JaxArray {
  const c = cov(x, y, opts);
  if (c.ndim === 0) return divide(c, c);
  const sd = lax.sqrt(diagonal(c));
  const n = sd.shape[0]!;
  const scaled = divide(divide(c, reshape(sd, [n, 1])), reshape(sd, [1, n]));
  return clip(scaled, -1, 1);
}
