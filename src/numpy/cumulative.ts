// Cumulative functions of jax.numpy: cumsum, cumprod (and their NaN-ignoring forms), diff
// and ediff1d.
//
// Dtypes follow JAX: the result has the input's dtype, except that bool accumulates in
// int32 (jnp.cumsum([True, True]) is [1, 2]); an explicit {dtype} computes in that dtype,
// and dtype "bool" means "is the running sum/product nonzero".
import type { ArrayLike, JaxArray } from "../core/array.js";
import { type DType, isFloat } from "../core/dtype.js";
import { normAxis } from "../core/shape.js";
import * as C from "../primitives/cumulative.js";
import { ne, select, sub } from "../primitives/elementwise.js";
import * as S from "../primitives/shape_ops.js";
import { asJax, castTo, dtypeArg } from "./coerce.js";
import { concatenate } from "./manipulation.js";

export interface CumulativeOpts {
  dtype?: DType;
}

function cumulative(name: string, f: (x: JaxArray, axis: number) => JaxArray, nanIdentity: number | null) {
  return (x: ArrayLike, axis: number | null = null, opts: CumulativeOpts = {}): JaxArray => {
    let a = asJax(x, name);
    if (axis === null || a.ndim === 0) {
      a = S.reshape(a, [a.size]);
      axis = 0;
    }
    const ax = normAxis(name, axis, a.ndim);
    if (nanIdentity !== null && isFloat(a.dtype)) a = select(ne(a, a), S.fullLike(a.aval, nanIdentity), a);
    const want = dtypeArg(name, opts.dtype);
    if (want === "bool") {
      // computed in int32 from a != 0, so that [-1, 1] does not cancel out
      const nz = a.dtype === "bool" ? a : ne(a, S.fullLike(a.aval, 0));
      return castTo(f(castTo(nz, "int32"), ax), "bool");
    }
    const dt = want ?? (a.dtype === "bool" ? "int32" : a.dtype);
    return f(castTo(a, dt, want === undefined && a.weakType), ax);
  };
}

/** jnp.cumsum(x, axis=null, {dtype}): running sums; axis null flattens first. */
export const cumsum = cumulative("cumsum", (x, ax) => C.cumsum(x, ax), null);
/** jnp.cumprod(x, axis=null, {dtype}): running products. */
export const cumprod = cumulative("cumprod", (x, ax) => C.cumprod(x, ax), null);
/** jnp.nancumsum: cumsum with NaNs counted as 0. */
export const nancumsum = cumulative("nancumsum", (x, ax) => C.cumsum(x, ax), 0);
/** jnp.nancumprod: cumprod with NaNs counted as 1. */
export const nancumprod = cumulative("nancumprod", (x, ax) => C.cumprod(x, ax), 1);

function sliceAxis(x: JaxArray, axis: number, start: number, stop: number): JaxArray {
  return S.slice(
    x,
    x.shape.map((_, d) => (d === axis ? start : 0)),
    x.shape.map((n, d) => (d === axis ? stop : n)),
  );
}

export interface DiffOpts {
  prepend?: ArrayLike;
  append?: ArrayLike;
}

/** jnp.diff(a, n=1, axis=-1, {prepend, append}): n-th discrete differences (bools: not-equal). */
export function diff(a: ArrayLike, n = 1, axis = -1, opts: DiffOpts = {}): JaxArray {
  let x = asJax(a, "diff");
  if (x.ndim === 0) throw new Error("diff: requires an input with at least one dimension.");
  if (!Number.isInteger(n) || n < 0) throw new Error(`diff: order must be a non-negative integer, got ${n}.`);
  const ax = normAxis("diff", axis, x.ndim);
  const edge = (v: ArrayLike): JaxArray => {
    const e = asJax(v, "diff");
    if (e.ndim === 0) {
      const shape = x.shape.map((s, d) => (d === ax ? 1 : s));
      return S.broadcastInDim(e, shape, []);
    }
    return e;
  };
  const parts = [...(opts.prepend !== undefined ? [edge(opts.prepend)] : []), x, ...(opts.append !== undefined ? [edge(opts.append)] : [])];
  if (parts.length > 1) x = concatenate(parts, ax);
  for (let i = 0; i < n; i++) {
    const len = x.shape[ax]!;
    if (len === 0) break;
    const hi = sliceAxis(x, ax, 1, len);
    const lo = sliceAxis(x, ax, 0, len - 1);
    x = x.dtype === "bool" ? ne(hi, lo) : sub(hi, lo);
  }
  return x;
}

export interface Ediff1dOpts {
  toEnd?: ArrayLike;
  toBegin?: ArrayLike;
}

/** jnp.ediff1d(ary, {toEnd, toBegin}): differences of the flattened array, with optional ends (cast to its dtype). */
export function ediff1d(ary: ArrayLike, opts: Ediff1dOpts = {}): JaxArray {
  const a = asJax(ary, "ediff1d");
  const flat = S.reshape(a, [a.size]);
  const n = flat.shape[0]!;
  let out = n === 0 ? flat : sub(sliceAxis(flat, 0, 1, n), sliceAxis(flat, 0, 0, n - 1));
  const asFlat = (v: ArrayLike) => {
    const e = castTo(asJax(v, "ediff1d"), a.dtype);
    return S.reshape(e, [e.size]);
  };
  if (opts.toBegin !== undefined) out = S.concatenate([asFlat(opts.toBegin), out], 0);
  if (opts.toEnd !== undefined) out = S.concatenate([out, asFlat(opts.toEnd)], 0);
  return out;
}
