// Comparison and logic beyond ufuncs.ts: tolerant comparison (isclose, allclose), whole-
// array equality, and the real/complex predicates (jaxts arrays are real).
import { ArrayImpl, type ArrayLike, JaxArray } from "../core/array.js";
import { toInexact } from "../core/dtype.js";
import { broadcastShapes } from "../core/shape.js";
import * as lax from "../primitives/elementwise.js";
import { broadcastInDim, fullLike } from "../primitives/shape_ops.js";
import { asJax, castTo, promoteArgs } from "./coerce.js";
import { all } from "./stats.js";
import { equal } from "./ufuncs.js";

export interface IsCloseOpts {
  rtol?: number;
  atol?: number;
  /** Count NaN == NaN as close. */
  equalNan?: boolean;
}

/** |a - b| <= atol + rtol * |b| elementwise (exact equality for infinities); NaN is never close unless equalNan. */
export function isclose(a: ArrayLike, b: ArrayLike, opts: IsCloseOpts = {}): JaxArray {
  const [x0, y0] = promoteArgs("isclose", [a, b]) as [JaxArray, JaxArray];
  const dt = toInexact(x0.dtype);
  const x = castTo(x0, dt, x0.weakType);
  const y = castTo(y0, dt, y0.weakType);
  const rtol = fullLike(x.aval, opts.rtol ?? 1e-5);
  const atol = fullLike(x.aval, opts.atol ?? 1e-8);
  const inRange = lax.le(lax.abs(lax.sub(x, y)), lax.add(atol, lax.mul(rtol, lax.abs(y))));
  const out = lax.or(lax.eq(x, y), lax.and(lax.isFinite(y), inRange));
  if (!opts.equalNan) return out;
  return lax.or(out, lax.and(lax.ne(x, x), lax.ne(y, y)));
}

/** all(isclose(a, b, opts)). */
export function allclose(a: ArrayLike, b: ArrayLike, opts: IsCloseOpts = {}): JaxArray {
  return all(isclose(a, b, opts));
}

const scalarBool = (v: boolean): JaxArray => ArrayImpl.scalar(v ? 1 : 0, "bool");

/** True iff both have the same shape and equal elements (NaNs equal with {equalNan: true}). */
export function arrayEqual(a1: ArrayLike, a2: ArrayLike, opts: { equalNan?: boolean } = {}): JaxArray {
  const a = asJax(a1, "arrayEqual");
  const b = asJax(a2, "arrayEqual");
  if (a.ndim !== b.ndim || a.shape.some((n, d) => n !== b.shape[d])) return scalarBool(false);
  let eq = equal(a, b);
  if (opts.equalNan) eq = lax.or(eq, lax.and(lax.ne(a, a), lax.ne(b, b)));
  return all(eq);
}

/** True iff the arrays broadcast together and are equal elementwise. */
export function arrayEquiv(a1: ArrayLike, a2: ArrayLike): JaxArray {
  const a = asJax(a1, "arrayEquiv");
  const b = asJax(a2, "arrayEquiv");
  try {
    broadcastShapes("arrayEquiv", a.shape, b.shape);
  } catch {
    return scalarBool(false);
  }
  return all(equal(a, b));
}

/** Elementwise: is the imaginary part zero? (Always true: jaxts arrays are real.) */
export function isreal(x: ArrayLike): JaxArray {
  const a = asJax(x, "isreal");
  return broadcastInDim(scalarBool(true), a.shape, []);
}
/** Elementwise: is the imaginary part nonzero? (Always false: jaxts arrays are real.) */
export function iscomplex(x: ArrayLike): JaxArray {
  const a = asJax(x, "iscomplex");
  return broadcastInDim(scalarBool(false), a.shape, []);
}
/** Whether the array has a complex dtype: never, in jaxts. */
export function iscomplexobj(_x: ArrayLike): boolean {
  return false;
}
/** Whether the array has a real dtype: always, in jaxts. */
export function isrealobj(_x: ArrayLike): boolean {
  return true;
}
/** True for JS numbers and booleans and for 0-d arrays. */
export function isscalar(x: unknown): boolean {
  if (typeof x === "number" || typeof x === "boolean") return true;
  return x instanceof JaxArray && x.ndim === 0;
}
