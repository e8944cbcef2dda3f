// Set operations of jax.numpy on 1-D arrays: isin, intersect1d, union1d, setdiff1d,
// setxor1d, and the array-API unique_* wrappers of jnp.unique. Without `size` the result
// length depends on the values, so the inputs must be concrete; with a static `size`
// (as in JAX) they work under jit: the first `size` sorted results, padded with fillValue.
import type { ArrayLike, JaxArray } from "../core/array.js";
import * as S from "../primitives/shape_ops.js";
import { asJax } from "./coerce.js";
import { resultType } from "./dtype_info.js";
import * as jnp from "./index.js";
import { astype } from "./misc_extra.js";
import { unique } from "./sorting.js";

/** jnp.isin(element, testElements, {invert}): whether each element occurs in testElements. */
export function isin(element: ArrayLike, testElements: ArrayLike, opts: { invert?: boolean } = {}): JaxArray {
  const e0 = asJax(element, "isin");
  const t0 = asJax(testElements, "isin");
  const dt = resultType(e0, t0);
  const e = jnp.ravel(astype(e0, dt));
  const t = jnp.ravel(astype(t0, dt));
  if (e.size === 0 || t.size === 0) return jnp.full(e0.shape, !!opts.invert, { dtype: "bool" });
  const eq = jnp.equal(jnp.reshape(e, [e.size, 1]), jnp.reshape(t, [1, t.size]));
  const found = jnp.any(eq, -1);
  return jnp.reshape(opts.invert ? jnp.logicalNot(found) : found, e0.shape);
}

export interface SetOpts {
  /** Static result length (needed under jit). */
  size?: number;
  /** Pads the result to `size` (default: the smallest result, 0 if there is none; union1d: the smallest value). */
  fillValue?: number;
}

/** Sorted unique values of a 1-D array padded to its length, and which entries are real. */
function uniquePadded(a: JaxArray): [JaxArray, JaxArray] {
  const n = a.size;
  const u = unique(a, { size: n });
  // unique pads with its smallest value, so the count of u[0] is one plus the padding
  const first = S.reshape(S.slice(u, [0], [1]), []);
  const count = jnp.subtract(n + 1, jnp.sum(jnp.equal(u, first)));
  return [u, jnp.less(jnp.arange(n), count)];
}

/** The candidates where mask holds, compacted (concrete length, or `size` padded with fillValue). */
function compact(cands: JaxArray, mask: JaxArray, opts: SetOpts, defaultFill: "first" | number): JaxArray {
  if (opts.size === undefined) return jnp.take(cands, jnp.flatnonzero(mask));
  const size = opts.size;
  const n = cands.size;
  const idx = jnp.flatnonzero(mask, { size, fillValue: n });
  const vals = n === 0 ? jnp.zeros([size], { dtype: cands.dtype }) : jnp.take(cands, idx, 0, { mode: "fill", fillValue: 0 });
  const num = jnp.sum(mask);
  let fill: ArrayLike;
  if (opts.fillValue !== undefined) fill = opts.fillValue;
  else if (defaultFill === "first" && size > 0) fill = jnp.where(jnp.greater(num, 0), S.reshape(S.slice(vals, [0], [1]), []), 0);
  else fill = defaultFill === "first" ? 0 : defaultFill;
  return astype(jnp.where(jnp.less(jnp.arange(size), num), vals, fill), cands.dtype);
}

function flatPair(op: string, a: ArrayLike, b: ArrayLike): [JaxArray, JaxArray] {
  const [x, y] = [asJax(a, op), asJax(b, op)];
  const dt = resultType(x, y);
  return [jnp.ravel(astype(x, dt)), jnp.ravel(astype(y, dt))];
}

/** jnp.intersect1d(ar1, ar2, {size, fillValue}): sorted unique values in both. */
export function intersect1d(ar1: ArrayLike, ar2: ArrayLike, opts: SetOpts = {}): JaxArray {
  const [a, b] = flatPair("intersect1d", ar1, ar2);
  const [u, valid] = uniquePadded(a);
  return compact(u, jnp.logicalAnd(valid, isin(u, b)), opts, "first");
}

/** jnp.setdiff1d(ar1, ar2, {size, fillValue=0}): sorted unique values of ar1 not in ar2. */
export function setdiff1d(ar1: ArrayLike, ar2: ArrayLike, opts: SetOpts = {}): JaxArray {
  const a = jnp.ravel(ar1);
  const b = jnp.ravel(ar2);
  const [u, valid] = uniquePadded(a);
  return compact(u, jnp.logicalAnd(valid, isin(u, b, { invert: true })), opts, 0);
}

/** jnp.union1d(ar1, ar2, {size, fillValue}): sorted unique values in either. */
export function union1d(ar1: ArrayLike, ar2: ArrayLike, opts: SetOpts = {}): JaxArray {
  const [a, b] = flatPair("union1d", ar1, ar2);
  const both = jnp.concatenate([a, b]);
  return opts.size === undefined
    ? unique(both)
    : unique(both, { size: opts.size, ...(opts.fillValue === undefined ? {} : { fillValue: opts.fillValue }) });
}

/** jnp.setxor1d(ar1, ar2, {size, fillValue}): sorted values in exactly one of the two. */
export function setxor1d(ar1: ArrayLike, ar2: ArrayLike, opts: SetOpts = {}): JaxArray {
  const [a, b] = flatPair("setxor1d", ar1, ar2);
  const [ua, va] = uniquePadded(a);
  const [ub, vb] = uniquePadded(b);
  const cands = jnp.concatenate([ua, ub]);
  const mask = jnp.concatenate([jnp.logicalAnd(va, isin(ua, b, { invert: true })), jnp.logicalAnd(vb, isin(ub, a, { invert: true }))]);
  // sort the wanted entries first, by value (lexsort: the last key is the primary one)
  const order = jnp.lexsort([cands, jnp.logicalNot(mask)]);
  return compact(jnp.take(cands, order), jnp.take(mask, order), opts, "first");
}

interface UniqueSizeOpts {
  size?: number;
  fillValue?: number;
}
function uniqueOpts(opts: UniqueSizeOpts) {
  return {
    equalNan: false,
    ...(opts.size === undefined ? {} : { size: opts.size }),
    ...(opts.fillValue === undefined ? {} : { fillValue: opts.fillValue }),
  };
}

/** jnp.unique_values(x): the sorted unique values (NaNs are all kept). */
export function uniqueValues(x: ArrayLike, opts: UniqueSizeOpts = {}): JaxArray {
  return unique(x, uniqueOpts(opts));
}

/** jnp.unique_counts(x): {values, counts}. */
export function uniqueCounts(x: ArrayLike, opts: UniqueSizeOpts = {}): { values: JaxArray; counts: JaxArray } {
  const [values, counts] = unique(x, { ...uniqueOpts(opts), returnCounts: true }) as JaxArray[];
  return { values: values!, counts: counts! };
}

/** jnp.unique_inverse(x): {values, inverseIndices} with inverseIndices shaped like x. */
export function uniqueInverse(x: ArrayLike, opts: UniqueSizeOpts = {}): { values: JaxArray; inverseIndices: JaxArray } {
  const a = asJax(x, "uniqueInverse");
  const [values, inv] = unique(a, { ...uniqueOpts(opts), returnInverse: true }) as JaxArray[];
  return { values: values!, inverseIndices: jnp.reshape(inv!, a.shape) };
}

/** jnp.unique_all(x): {values, indices, inverseIndices, counts}. */
export function uniqueAll(
  x: ArrayLike,
  opts: UniqueSizeOpts = {},
): { values: JaxArray; indices: JaxArray; inverseIndices: JaxArray; counts: JaxArray } {
  const a = asJax(x, "uniqueAll");
  const [values, indices, inv, counts] = unique(a, {
    ...uniqueOpts(opts),
    returnIndex: true,
    returnInverse: true,
    returnCounts: true,
  }) as JaxArray[];
  return { values: values!, indices: indices!, inverseIndices: jnp.reshape(inv!, a.shape), counts: counts! };
}
