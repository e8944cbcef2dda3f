// Assorted jax.numpy functions built from existing jnp/lax functions: dtype conversion,
// cumulative sums with an initial element, compress/extract/choose/put/fillDiagonal,
// interp, gradient, unwrap, piecewise, vectorize, applyAlongAxis, ix_, mgrid/ogrid.
import type { ArrayLike, JaxArray } from "../core/array.js";
import { ArrayImpl } from "../core/array.js";
import { type DType, isFloat, isInteger, resultType, toInexact } from "../core/dtype.js";
import { broadcastShapes as coreBroadcastShapes, normAxis } from "../core/shape.js";
import { Tracer } from "../core/trace.js";
import * as S from "../primitives/shape_ops.js";
import * as special from "../primitives/special.js";
import { vmap } from "../transforms/vmap.js";
import { asJax, broadcastTo, castTo, dtypeArg, promoteArgs, promoteInexact } from "./coerce.js";
import { cumprod, cumsum } from "./cumulative.js";
// jnp is used inside function bodies only, so the cycle with index.ts (once it re-exports
// this module) is harmless
import * as jnp from "./index.js";

/** The Euler–Mascheroni constant (jnp.euler_gamma). */
export const eulerGamma = 0.5772156649015329;

/** jnp.astype(x, dtype): x converted to `dtype` (strongly typed); to bool it is x != 0 (NaN is true). */
export function astype(x: ArrayLike, dtype: DType): JaxArray {
  const a = asJax(x, "astype");
  const d = dtypeArg("astype", dtype)!;
  if (d === "bool" && a.dtype !== "bool") return jnp.notEqual(a, 0);
  return castTo(a, d);
}

/** jnp.copy(x): arrays are immutable, so this is x itself as an array. */
export function copy(x: ArrayLike): JaxArray {
  return asJax(x, "copy");
}

/** jnp.broadcast_shapes(...shapes): the numpy-broadcast shape of the given shapes. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  return coreBroadcastShapes("broadcastShapes", ...shapes);
}

export interface CumulativeFnOpts {
  /** Required when x has more than one dimension. */
  axis?: number;
  dtype?: DType;
  /** Prepend the identity (0 or 1) along the axis, so the result is one longer. */
  includeInitial?: boolean;
}

function cumulativeWith(name: string, f: typeof cumsum, identity: number) {
  return (x: ArrayLike, opts: CumulativeFnOpts = {}): JaxArray => {
    const a = asJax(x, name);
    if (a.ndim === 0) throw new Error(`${name}: the input must be at least 1-D, got a scalar.`);
    if (opts.axis === undefined && a.ndim > 1) {
      throw new Error(`${name}: axis must be given for an input of rank ${a.ndim} (shape [${a.shape}]).`);
    }
    const ax = normAxis(name, opts.axis ?? 0, a.ndim);
    const out = f(a, ax, opts.dtype === undefined ? {} : { dtype: opts.dtype });
    if (!opts.includeInitial) return out;
    const initShape = out.shape.map((d, i) => (i === ax ? 1 : d));
    return jnp.concatenate([jnp.full(initShape, identity, { dtype: out.dtype }), out], ax);
  };
}

/** jnp.cumulative_sum(x, {axis, dtype, includeInitial}). */
export const cumulativeSum = cumulativeWith("cumulativeSum", cumsum, 0);
/** jnp.cumulative_prod(x, {axis, dtype, includeInitial}). */
export const cumulativeProd = cumulativeWith("cumulativeProd", cumprod, 1);

function concrete(x: JaxArray): ArrayImpl | null {
  return x instanceof ArrayImpl ? x : x instanceof Tracer ? x.concreteValue() : null;
}

export interface SizeOpts {
  /** Static result length (required under jit): extra entries dropped, missing ones filled. */
  size?: number;
  /** Value of the padding entries when `size` exceeds the count (default 0). */
  fillValue?: number;
}

/** jnp.compress(condition, a, axis=null, {size, fillValue}): slices of a where condition is true. */
export function compress(condition: ArrayLike, a: ArrayLike, axis: number | null = null, opts: SizeOpts = {}): JaxArray {
  const c0 = castTo(asJax(condition, "compress"), "bool");
  if (c0.ndim !== 1) throw new Error(`compress: condition must be 1-D, got shape [${c0.shape}].`);
  const a0 = asJax(a, "compress");
  const ax = axis === null ? 0 : normAxis("compress", axis, a0.ndim);
  let arr = axis === null ? jnp.ravel(a0) : jnp.moveaxis(a0, ax, 0);
  const n = arr.shape[0]!;
  let cond = c0;
  if (c0.shape[0]! > n) {
    const extra = concrete(S.slice(c0, [n], [c0.shape[0]!]));
    if (extra === null || Array.from(extra.data).some((v) => v !== 0)) {
      throw new Error(
        `compress: condition has ${c0.shape[0]} entries but the axis has length ${n}, and the extra entries are not all false.`,
      );
    }
    cond = S.slice(c0, [0], [n]);
  }
  const m = cond.shape[0]!;
  if (m < n)
    arr = S.slice(
      arr,
      arr.shape.map(() => 0),
      [m, ...arr.shape.slice(1)],
    );
  let out: JaxArray;
  if (opts.size === undefined) {
    const idx = jnp.flatnonzero(cond);
    out = jnp.take(arr, idx, 0);
  } else {
    // indices past the end read as fillValue
    const idx = jnp.flatnonzero(cond, { size: opts.size, fillValue: m });
    out = jnp.take(arr, idx, 0, { mode: "fill", fillValue: opts.fillValue ?? 0 });
  }
  return axis === null ? out : jnp.moveaxis(out, 0, ax);
}

/** jnp.extract(condition, arr, {size, fillValue}): the elements of arr where condition is true (flattened). */
export function extract(condition: ArrayLike, arr: ArrayLike, opts: SizeOpts = {}): JaxArray {
  return compress(jnp.ravel(condition), jnp.ravel(arr), null, opts);
}

/** jnp.choose(a, choices, {mode}): choices[a[i]][i], with all arguments broadcast together. */
export function choose(a: ArrayLike, choices: readonly ArrayLike[], opts: { mode?: "raise" | "wrap" | "clip" } = {}): JaxArray {
  const mode = opts.mode ?? "raise";
  let idx = asJax(a, "choose");
  if (!isInteger(idx.dtype)) throw new Error(`choose: the index array must be integer, got ${idx.dtype}.`);
  const n = choices.length;
  if (n === 0) throw new Error("choose: choices must not be empty.");
  if (mode === "wrap") idx = jnp.mod(idx, n);
  else if (mode === "clip") idx = jnp.clip(idx, 0, n - 1);
  else if (mode === "raise") {
    const c = concrete(idx);
    if (c === null) throw new Error('choose: mode "raise" needs concrete indices; under jit use mode "wrap" or "clip".');
    if (Array.from(c.data).some((v) => v < 0 || v >= n)) throw new RangeError(`choose: an index is out of bounds for ${n} choices.`);
  } else throw new Error(`choose: unknown mode ${JSON.stringify(mode)}; expected "raise", "wrap" or "clip".`);
  const cs = promoteArgs("choose", [...choices]);
  const shape = coreBroadcastShapes("choose", idx.shape, cs[0]!.shape);
  const i = broadcastTo(idx, shape, "choose");
  let out = broadcastTo(cs[0]!, shape, "choose");
  for (let k = 1; k < n; k++) out = jnp.where(jnp.equal(i, k), broadcastTo(cs[k]!, shape, "choose"), out);
  return out;
}

/** v repeated cyclically to length n (numpy's put/fill_diagonal value rule). */
function tileToSize(v: JaxArray, n: number): JaxArray {
  const r = Math.ceil(n / v.size);
  const t = r > 1 ? jnp.tile(v, r) : v;
  return t.size > n ? S.slice(t, [0], [n]) : t;
}

/** jnp.put(a, ind, v, {mode, inplace: false}): a with the flat positions ind set to v. */
export function put(
  a: ArrayLike,
  ind: ArrayLike,
  v: ArrayLike,
  opts: { mode?: "clip" | "wrap" | "fill"; inplace?: boolean } = {},
): JaxArray {
  if (opts.inplace ?? true) throw new Error("put: JAX arrays are immutable; pass {inplace: false} to get the updated array.");
  const arr = asJax(a, "put");
  let i = jnp.ravel(ind);
  const vals = jnp.ravel(v);
  if (arr.size === 0 || i.size === 0 || vals.size === 0) return arr;
  if (opts.mode === "clip") i = jnp.clip(i, 0, arr.size - 1);
  else if (opts.mode === "wrap") i = jnp.mod(i, arr.size);
  else if (opts.mode !== undefined && opts.mode !== "fill")
    throw new Error(`put: unknown mode ${JSON.stringify(opts.mode)}; expected "clip", "wrap" or "fill".`);
  return jnp.ravel(arr).at(i).set(tileToSize(vals, i.size)).reshape(arr.shape);
}

/** jnp.fill_diagonal(a, val, {wrap: false, inplace: false}): a with its main diagonal set to val. */
export function fillDiagonal(a: ArrayLike, val: ArrayLike, opts: { wrap?: boolean; inplace?: boolean } = {}): JaxArray {
  if (opts.inplace ?? true) throw new Error("fillDiagonal: JAX arrays are immutable; pass {inplace: false} to get the updated array.");
  if (opts.wrap) throw new Error("fillDiagonal: wrap=true is not implemented (as in JAX); use wrap=false.");
  const arr = asJax(a, "fillDiagonal");
  if (arr.ndim < 2) throw new Error(`fillDiagonal: the array must be at least 2-D, got shape [${arr.shape}].`);
  if (arr.ndim > 2 && arr.shape.some((d) => d !== arr.shape[0])) {
    throw new Error(`fillDiagonal: all dimensions must have equal length for rank > 2, got shape [${arr.shape}].`);
  }
  const n = Math.min(...arr.shape);
  const idx = jnp.diagIndices(n, arr.ndim);
  const v = asJax(val, "fillDiagonal");
  return arr.at(...idx).set(v.ndim === 0 ? v : tileToSize(jnp.ravel(v), n));
}

/** jnp.nextafter(x1, x2): the next float after x1 towards x2, elementwise (with jnp promotion). */
export function nextafter(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const [a, b] = promoteArgs("nextafter", [x1, x2], { inexact: true });
  return special.nextafter(a!, b!);
}

/**
 * jnp.i0(x): the modified Bessel function of the first kind, order 0. Its power series
 * sum_k (x²/4)^k / (k!)² for |x| <= 30 (40 terms reach float32 precision there), the
 * asymptotic expansion e^|x| / sqrt(2π|x|) · sum_k ((2k-1)!!)² / (k! (8|x|)^k) beyond.
 * Differentiable through both branches (each sees a clamped input, so the unused one
 * cannot produce inf/NaN gradients).
 */
export function i0(x: ArrayLike): JaxArray {
  const xa = promoteInexact("i0", x);
  const ax = jnp.abs(xa);
  const big = jnp.greater(ax, 30);
  const xs = jnp.where(big, 0, ax);
  const z = jnp.multiply(jnp.multiply(xs, xs), 0.25);
  let term: JaxArray = jnp.onesLike(z);
  let series: JaxArray = term;
  for (let k = 1; k <= 40; k++) {
    term = jnp.multiply(term, jnp.divide(z, k * k));
    series = jnp.add(series, term);
  }
  const xl = jnp.where(big, ax, 31);
  const inv = jnp.divide(1, jnp.multiply(xl, 8));
  // ((2k-1)!!)² / k! for k = 1..4
  const coeffs = [1, 4.5, 37.5, 459.375];
  let poly: JaxArray = jnp.multiply(inv, coeffs[3]!);
  for (let k = 2; k >= 0; k--) poly = jnp.multiply(inv, jnp.add(poly, coeffs[k]!));
  const half = jnp.exp(jnp.multiply(xl, 0.5));
  const asym = jnp.multiply(jnp.multiply(half, jnp.divide(half, jnp.sqrt(jnp.multiply(xl, 2 * Math.PI)))), jnp.add(poly, 1));
  return jnp.where(big, asym, series);
}

export interface InterpOpts {
  /** Value for x < xp[0] (default fp[0]), or "extrapolate". */
  left?: ArrayLike | "extrapolate";
  /** Value for x > xp[-1] (default fp[-1]), or "extrapolate". */
  right?: ArrayLike | "extrapolate";
  /** Period of the x-coordinates (xp need not be sorted then). */
  period?: number;
}

/** jnp.interp(x, xp, fp, {left, right, period}): 1-D piecewise-linear interpolation. */
export function interp(x: ArrayLike, xp: ArrayLike, fp: ArrayLike, opts: InterpOpts = {}): JaxArray {
  const x0 = asJax(x, "interp");
  const xp0 = asJax(xp, "interp");
  let [dt, weak] = resultType([x0, xp0]);
  if (!isFloat(dt)) dt = toInexact(dt);
  let xa = castTo(x0, dt, weak);
  let xpa = castTo(xp0, dt, weak);
  let fpa = promoteInexact("interp", fp);
  if (xpa.ndim !== 1 || fpa.ndim !== 1 || xpa.shape[0] !== fpa.shape[0]) {
    throw new Error(`interp: xp and fp must be 1-D arrays of equal size, got shapes [${xpa.shape}] and [${fpa.shape}].`);
  }
  if (opts.period !== undefined) {
    const p = Math.abs(opts.period);
    xa = jnp.mod(xa, p);
    xpa = jnp.mod(xpa, p);
    const order = jnp.argsort(xpa);
    xpa = jnp.take(xpa, order);
    fpa = jnp.take(fpa, order);
    const m = xpa.shape[0]!;
    xpa = jnp.concatenate([jnp.subtract(S.slice(xpa, [m - 1], [m]), p), xpa, jnp.add(S.slice(xpa, [0], [1]), p)]);
    fpa = jnp.concatenate([S.slice(fpa, [m - 1], [m]), fpa, S.slice(fpa, [0], [1])]);
  }
  const m = xpa.shape[0]!;
  const i = jnp.clip(jnp.searchsorted(xpa, xa, { side: "right" }), 1, m - 1);
  const im1 = jnp.subtract(i, 1);
  const fpI = jnp.take(fpa, i);
  const fpI1 = jnp.take(fpa, im1);
  const df = jnp.subtract(fpI, fpI1);
  const dx = jnp.subtract(jnp.take(xpa, i), jnp.take(xpa, im1));
  const delta = jnp.subtract(xa, jnp.take(xpa, im1));
  // smallest spacing of eps, below which dx counts as zero (avoids NaN gradients)
  const eps =
    xpa.dtype === "float64"
      ? 2 ** -52 * 2 ** -52
      : xpa.dtype === "float32"
        ? 2 ** -23 * 2 ** -23
        : xpa.dtype === "float16"
          ? 2 ** -24
          : 2 ** -133;
  const dx0 = jnp.lessEqual(jnp.abs(dx), eps);
  let f = jnp.where(dx0, fpI1, jnp.add(fpI1, jnp.multiply(jnp.divide(delta, jnp.where(dx0, 1, dx)), df)));
  if (opts.period === undefined) {
    if (opts.left !== "extrapolate")
      f = jnp.where(jnp.less(xa, S.slice(xpa, [0], [1]).reshape([])), opts.left ?? S.reshape(S.slice(fpa, [0], [1]), []), f);
    if (opts.right !== "extrapolate") {
      f = jnp.where(jnp.greater(xa, S.reshape(S.slice(xpa, [m - 1], [m]), [])), opts.right ?? S.reshape(S.slice(fpa, [m - 1], [m]), []), f);
    }
  }
  return f;
}

function sliceAxis(a: JaxArray, start: number, stop: number, axis: number): JaxArray {
  const n = a.shape[axis]!;
  const s = start < 0 ? n + start : start;
  const e = stop < 0 ? n + stop : Math.min(stop, n);
  return S.slice(
    a,
    a.shape.map((_, i) => (i === axis ? s : 0)),
    a.shape.map((d, i) => (i === axis ? e : d)),
  );
}

/**
 * jnp.gradient(f, ...spacing, {axis}): second-order central differences inside, first-order
 * one-sided ones at the edges. Each spacing is a scalar step or a 1-D coordinate array; one
 * array for a single axis, else an array per axis. (edgeOrder 2 is not implemented, as in JAX.)
 */
export function gradient(
  f: ArrayLike,
  ...rest: (ArrayLike | { axis?: number | readonly number[] | null; edgeOrder?: number })[]
): JaxArray | JaxArray[] {
  const last = rest[rest.length - 1];
  const isOpts = last !== undefined && typeof last === "object" && !Array.isArray(last) && !("dataSync" in (last as object));
  const opts = (isOpts ? last : {}) as { axis?: number | readonly number[] | null; edgeOrder?: number };
  const varargs = (isOpts ? rest.slice(0, -1) : rest) as ArrayLike[];
  if (opts.edgeOrder !== undefined && opts.edgeOrder !== 1)
    throw new Error("gradient: only edgeOrder 1 is implemented (JAX implements no other).");
  const a = promoteInexact("gradient", f);
  const axes =
    opts.axis === undefined || opts.axis === null
      ? a.shape.map((_, i) => i)
      : (typeof opts.axis === "number" ? [opts.axis] : [...opts.axis]).map((ax) => normAxis("gradient", ax, a.ndim));
  if (axes.length === 0) return [];
  if (axes.some((ax) => a.shape[ax]! < 2)) throw new Error(`gradient: every axis needs at least 2 samples, got shape [${a.shape}].`);
  let dx: ArrayLike[];
  if (varargs.length === 0) dx = axes.map(() => 1);
  else if (varargs.length === 1) dx = axes.map(() => varargs[0]!);
  else if (varargs.length === axes.length) dx = varargs;
  else throw new Error(`gradient: got ${varargs.length} spacings for ${axes.length} axes; give one, or one per axis.`);
  const along = (h0: ArrayLike, axis: number): JaxArray => {
    const s = (lo: number, hi: number) => sliceAxis(a, lo, hi, axis);
    const n = a.shape[axis]!;
    let upper = jnp.subtract(s(1, 2), s(0, 1));
    let lower = jnp.subtract(s(-1, n), s(-2, -1));
    let inner: JaxArray;
    const h = asJax(h0, "gradient");
    if (h.ndim === 0) {
      inner = jnp.divide(jnp.multiply(jnp.subtract(s(2, n), s(0, -2)), 0.5), h0);
      lower = jnp.divide(lower, h0);
      upper = jnp.divide(upper, h0);
    } else if (h.ndim === 1) {
      const hs = a.shape.map((_, i) => (i === axis ? h.shape[0]! : 1));
      const hr = jnp.reshape(h, hs);
      const m = h.shape[0]!;
      const sx = (lo: number, hi: number) => sliceAxis(hr, lo, hi, axis);
      upper = jnp.divide(upper, jnp.subtract(sx(1, 2), sx(0, 1)));
      lower = jnp.divide(lower, jnp.subtract(sx(-1, m), sx(-2, -1)));
      const dx1 = jnp.subtract(sx(1, -1), sx(0, -2));
      const dx2 = jnp.subtract(sx(2, m), sx(1, -1));
      const ca = jnp.negative(jnp.divide(dx2, jnp.multiply(dx1, jnp.add(dx1, dx2))));
      const cb = jnp.divide(jnp.subtract(dx2, dx1), jnp.multiply(dx1, dx2));
      const cc = jnp.divide(dx1, jnp.multiply(dx2, jnp.add(dx1, dx2)));
      inner = jnp.add(jnp.add(jnp.multiply(ca, s(0, -2)), jnp.multiply(cb, s(1, -1))), jnp.multiply(cc, s(2, n)));
    } else throw new Error(`gradient: a spacing must be a scalar or a 1-D array, got shape [${h.shape}].`);
    return jnp.concatenate([upper, inner, lower], axis);
  };
  const out = axes.map((ax, k) => along(dx[k]!, ax));
  return out.length === 1 ? out[0]! : out;
}

/** jnp.unwrap(p, {discont, axis=-1, period=2π}): removes jumps larger than discont by adding multiples of period. */
export function unwrap(p: ArrayLike, opts: { discont?: number; axis?: number; period?: number } = {}): JaxArray {
  const period = opts.period ?? 2 * Math.PI;
  // p promotes with period (JAX's promote_dtypes): an int signal stays int for an integer period
  const p0 = asJax(p, "unwrap");
  const [dt, weak] = resultType([p0, asJax(period)]);
  const a = castTo(p0, dt, weak);
  const axis = normAxis("unwrap", opts.axis ?? -1, a.ndim);
  if (a.shape[axis] === 0) return a;
  const discont = opts.discont ?? period / 2;
  const interval = isFloat(dt) ? period / 2 : Math.floor(period / 2);
  const dd = jnp.diff(a, 1, axis);
  let ddmod = jnp.subtract(jnp.mod(jnp.add(dd, interval), period), interval);
  ddmod = jnp.where(jnp.logicalAnd(jnp.equal(ddmod, -interval), jnp.greater(dd, 0)), interval, ddmod);
  const correct = jnp.where(jnp.less(jnp.abs(dd), discont), 0, jnp.subtract(ddmod, dd));
  const n = a.shape[axis]!;
  return jnp.concatenate([sliceAxis(a, 0, 1, axis), jnp.add(sliceAxis(a, 1, n, axis), jnp.cumsum(correct, axis))], axis);
}

/**
 * jnp.piecewise(x, condlist, funclist): funclist[k](x) where condlist[k] holds (the last true
 * condition wins); with one extra function, it is the default, else the default is 0. Each
 * entry is an elementwise function of x or a constant; results have x's dtype.
 */
export function piecewise(
  x: ArrayLike,
  condlist: readonly ArrayLike[],
  funclist: readonly (((x: JaxArray) => ArrayLike) | number)[],
): JaxArray {
  const xa = asJax(x, "piecewise");
  const nc = condlist.length;
  const nf = funclist.length;
  let funcs: (((x: JaxArray) => ArrayLike) | number)[];
  if (nf === nc + 1) funcs = [funclist[nf - 1]!, ...funclist.slice(0, nf - 1)];
  else if (nf === nc) funcs = [0, ...funclist];
  else throw new Error(`piecewise: got ${nc} conditions and ${nf} functions; give as many functions, or one more (the default).`);
  const value = (f: ((x: JaxArray) => ArrayLike) | number) =>
    broadcastTo(castTo(asJax(typeof f === "number" ? f : f(xa)), xa.dtype), xa.shape, "piecewise");
  let out = value(funcs[0]!);
  condlist.forEach((c, k) => {
    out = jnp.where(broadcastTo(castTo(asJax(c, "piecewise"), "bool"), xa.shape, "piecewise"), value(funcs[k + 1]!), out);
  });
  return out;
}

/** A gufunc signature "(m,n),(n)->(m)": the core dimension names of each input and output. */
function parseSignature(sig: string): [string[][], string[][]] {
  const m = /^\s*(.*?)\s*->\s*(.*?)\s*$/.exec(sig);
  const groups = (side: string) =>
    [...side.matchAll(/\(([^()]*)\)/g)].map((g) => (g[1]!.trim() === "" ? [] : g[1]!.split(",").map((d) => d.trim())));
  if (!m) throw new Error(`vectorize: bad signature ${JSON.stringify(sig)}; expected e.g. "(n),(n)->()".`);
  return [groups(m[1]!), groups(m[2]!)];
}

/**
 * jnp.vectorize(f, {signature, excluded}): f mapped (by nested vmap) over the broadcast
 * leading ("loop") dimensions of its arguments. Without a signature f sees scalars; with one,
 * such as "(n),(n)->()", each input keeps its trailing core dimensions (sizes of the same name
 * must agree). `excluded` lists positional arguments passed through as is.
 */
export function vectorize(
  f: (...args: any[]) => any,
  opts: { signature?: string; excluded?: readonly number[] } = {},
): (...args: any[]) => any {
  const excluded = new Set(opts.excluded ?? []);
  const coreIn = opts.signature === undefined ? null : parseSignature(opts.signature)[0];
  return (...args: any[]) => {
    const mapped = args.flatMap((_a, i) => (excluded.has(i) ? [] : [i]));
    const arrs = mapped.map((i) => asJax(args[i], "vectorize"));
    if (coreIn && coreIn.length !== arrs.length) {
      throw new Error(
        `vectorize: the signature ${JSON.stringify(opts.signature)} has ${coreIn.length} inputs, but ${arrs.length} arguments are mapped.`,
      );
    }
    const sizes = new Map<string, number>();
    const ncore = arrs.map((a, k) => {
      const dims = coreIn?.[k] ?? [];
      if (a.ndim < dims.length)
        throw new Error(
          `vectorize: argument ${k} of shape [${a.shape}] has fewer than the ${dims.length} core dimensions (${dims}) of the signature.`,
        );
      dims.forEach((d, j) => {
        const n = a.shape[a.ndim - dims.length + j]!;
        if ((sizes.get(d) ?? n) !== n)
          throw new Error(`vectorize: core dimension ${d} is ${sizes.get(d)} in one argument and ${n} in another.`);
        sizes.set(d, n);
      });
      return dims.length;
    });
    const loop = coreBroadcastShapes("vectorize", ...arrs.map((a, k) => a.shape.slice(0, a.ndim - ncore[k]!)));
    const bs = arrs.map((a, k) => broadcastTo(a, [...loop, ...a.shape.slice(a.ndim - ncore[k]!)], "vectorize"));
    let g = (...xs: JaxArray[]) => {
      const full = [...args];
      mapped.forEach((i, k) => {
        full[i] = xs[k];
      });
      return f(...full);
    };
    for (let d = 0; d < loop.length; d++) g = vmap(g, { inAxes: 0 });
    return g(...bs);
  };
}

/** jnp.apply_along_axis(f, axis, arr): f maps 1-D slices along axis; its output dimensions take axis's place. */
export function applyAlongAxis(f: (x: JaxArray) => ArrayLike, axis: number, arr: ArrayLike): JaxArray {
  const a = asJax(arr, "applyAlongAxis");
  const ax = normAxis("applyAlongAxis", axis, a.ndim);
  let g = (x: JaxArray) => asJax(f(x));
  for (let i = 1; i < a.ndim - ax; i++) g = vmap(g, { inAxes: i, outAxes: -1 });
  for (let i = 0; i < ax; i++) g = vmap(g, { inAxes: 0, outAxes: 0 });
  return g(a);
}

/** jnp.apply_over_axes(f, a, axes): a = f(a, axis) for each axis in turn, keeping the rank (re-inserting a reduced axis). */
export function applyOverAxes(f: (a: JaxArray, axis: number) => ArrayLike, a: ArrayLike, axes: readonly number[]): JaxArray {
  let out = asJax(a, "applyOverAxes");
  for (const axis of axes) {
    const r = asJax(f(out, axis));
    out = r.ndim === out.ndim ? r : jnp.expandDims(r, axis);
  }
  return out;
}

/** jnp.ix_(...seqs): open-mesh index arrays, the k-th reshaped to length along axis k only. */
export function ix_(...args: ArrayLike[]): JaxArray[] {
  const n = args.length;
  return args.map((s, k) => {
    const a = asJax(s, "ix_");
    if (a.ndim !== 1) throw new Error(`ix_: each argument must be 1-D, argument ${k} has shape [${a.shape}].`);
    return jnp.reshape(
      a,
      Array.from({ length: n }, (_, i) => (i === k ? a.shape[0]! : 1)),
    );
  });
}

/** One "start:stop:step" string as numpy's slice for mgrid; a step ending in "j" is a point count. */
function gridAxis(op: string, spec: string): JaxArray {
  const parts = spec.split(":").map((s) => s.trim());
  if (parts.length < 1 || parts.length > 3)
    throw new Error(`${op}: bad slice ${JSON.stringify(spec)}; expected "start:stop" or "start:stop:step".`);
  const num = (s: string | undefined, d: number) => (s === undefined || s === "" ? d : Number(s));
  const start = num(parts.length === 1 ? "0" : parts[0], 0);
  const stop = num(parts.length === 1 ? parts[0] : parts[1], Number.NaN);
  const stepS = parts[2];
  if (Number.isNaN(start) || Number.isNaN(stop)) throw new Error(`${op}: bad slice ${JSON.stringify(spec)}.`);
  if (stepS?.endsWith("j")) {
    const count = Number(stepS.slice(0, -1));
    return jnp.linspace(start, stop, count, { dtype: "float32" });
  }
  const step = num(stepS, 1);
  const ints = [start, stop, step].every(Number.isInteger);
  return ints ? jnp.arange(start, stop, step, { dtype: "int32" }) : jnp.arange(start, stop, step, { dtype: "float32" });
}

/** jnp.mgrid["0:5", "0:3"] as mgrid("0:5", "0:3"): dense index grids stacked along a new leading axis. */
export function mgrid(...slices: string[]): JaxArray {
  const axes = slices.map((s) => gridAxis("mgrid", s));
  if (axes.length === 1) return axes[0]!;
  const dt = axes.some((a) => isFloat(a.dtype)) ? "float32" : "int32";
  return jnp.stack(jnp.meshgrid(...axes.map((a) => castTo(a, dt)), { indexing: "ij" }));
}

/** jnp.ogrid["0:5", "0:3"] as ogrid("0:5", "0:3"): open grids, the k-th varying along axis k. */
export function ogrid(...slices: string[]): JaxArray | JaxArray[] {
  const axes = slices.map((s) => gridAxis("ogrid", s));
  if (axes.length === 1) return axes[0]!;
  const dt = axes.some((a) => isFloat(a.dtype)) ? "float32" : "int32";
  return ix_(...axes.map((a) => castTo(a, dt)));
}
