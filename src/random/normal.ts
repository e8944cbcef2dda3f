// Normal samples by the inverse CDF of uniform ones, sqrt(2) · erfinv(u), as JAX computes them.
import type { ArrayLike, JaxArray } from "../core/array.js";
import { type DType, isFloat, resultType, toInexact } from "../core/dtype.js";
import { checkShape, fmtShape } from "../core/shape.js";
import { asJax, broadcastTo } from "../numpy/coerce.js";
import { einsum } from "../numpy/contractions.js";
import { cholesky, eigh, svd } from "../numpy/linalg.js";
import { expandDims } from "../numpy/manipulation.js";
import { add as jnpAdd } from "../numpy/ufuncs.js";
import { convertElementType, div, max, min, mul, sqrt, stopGradient } from "../primitives/elementwise.js";
import { erf, erfInv, nextafter } from "../primitives/special.js";
import { checkFloatDtype, constant, epsneg, floatParam, sampleShape } from "./params.js";
import { uniform } from "./uniform.js";

export interface DTypeOpts {
  /** A float dtype; float32 by default. */
  dtype?: DType;
}

/** Standard normal samples. */
export function normal(k: JaxArray, shape: number | readonly number[] = [], opts: DTypeOpts = {}): JaxArray {
  const s = checkShape("random.normal", shape);
  const dtype = checkFloatDtype("random.normal", opts.dtype);
  // u in the open interval (-1, 1), so that erfinv stays finite
  const u = uniform(k, s, { dtype, minval: constant([], dtype, -1 + epsneg(dtype)), maxval: constant([], dtype, 1) });
  return mul(constant(s, dtype, Math.SQRT2), erfInv(u));
}

/**
 * Standard normal samples truncated to (lower, upper): uniform samples between the CDF
 * values of the bounds mapped back through erfinv, then clamped strictly inside the bounds.
 * `shape` defaults to the broadcast shape of the bounds.
 */
export function truncatedNormal(
  k: JaxArray,
  lower: ArrayLike,
  upper: ArrayLike,
  shape?: number | readonly number[] | null,
  opts: DTypeOpts = {},
): JaxArray {
  const op = "random.truncatedNormal";
  const dtype = checkFloatDtype(op, opts.dtype);
  const lo = floatParam(op, lower, dtype);
  const hi = floatParam(op, upper, dtype);
  const s = sampleShape(op, shape, lo.shape, hi.shape);
  const a = erf(div(lo, constant(lo.shape, dtype, Math.SQRT2)));
  const b = erf(div(hi, constant(hi.shape, dtype, Math.SQRT2)));
  const u = uniform(k, s, { dtype, minval: a, maxval: b });
  const out = mul(constant(s, dtype, Math.SQRT2), erfInv(u));
  const floor = nextafter(broadcastTo(stopGradient(lo), s, op), constant(s, dtype, Number.POSITIVE_INFINITY));
  const ceil = nextafter(broadcastTo(stopGradient(hi), s, op), constant(s, dtype, Number.NEGATIVE_INFINITY));
  return min(max(out, floor), ceil);
}

export interface MultivariateNormalOpts extends DTypeOpts {
  /**
   * How cov is factored as F Fᵀ: "cholesky" (default), or "eigh" / "svd" for covariances
   * that are only positive semi-definite.
   */
  method?: "cholesky" | "eigh" | "svd";
}

/**
 * Samples of N(mean, cov): mean + F z with F Fᵀ = cov and z standard normal of shape
 * [...shape, n]. `shape` defaults to the broadcast batch shape of mean [..., n] and
 * cov [..., n, n]. The factor comes from jaxts's linear algebra, so samples agree with JAX's
 * to float rounding (with "eigh"/"svd" only up to the factor's sign conventions).
 */
export function multivariateNormal(
  k: JaxArray,
  mean: ArrayLike,
  cov: ArrayLike,
  shape?: number | readonly number[] | null,
  opts: MultivariateNormalOpts = {},
): JaxArray {
  const op = "random.multivariateNormal";
  const [m, c] = promoteArgsNoBroadcast(op, mean, cov);
  const dtype = opts.dtype === undefined ? m.dtype : checkFloatDtype(op, opts.dtype);
  if (m.ndim < 1) throw new Error(`${op}: mean must have at least one axis, got a scalar.`);
  if (c.ndim < 2) throw new Error(`${op}: cov must have at least two axes, got shape ${fmtShape(c.shape)}.`);
  const n = m.shape[m.ndim - 1]!;
  if (c.shape[c.ndim - 1] !== n || c.shape[c.ndim - 2] !== n) {
    throw new Error(`${op}: cov must have shape [..., ${n}, ${n}] to match mean's last axis, got ${fmtShape(c.shape)}.`);
  }
  const s = sampleShape(op, shape, m.shape.slice(0, -1), c.shape.slice(0, -2));
  const method = opts.method ?? "cholesky";
  let factor: JaxArray;
  if (method === "cholesky") factor = cholesky(c);
  else if (method === "eigh" || method === "svd") {
    const [u, w] = method === "eigh" ? swap(eigh(c)) : svdUS(c);
    factor = mul(u, broadcastTo(expandDims(sqrt(w), -2), u.shape, op));
  } else throw new Error(`${op}: method must be "cholesky", "eigh" or "svd", got ${JSON.stringify(method)}.`);
  const z = normal(k, [...s, n], { dtype });
  return jnpAdd(m, einsum("...ij,...j->...i", factor, z));
}

function swap([w, v]: [JaxArray, JaxArray]): [JaxArray, JaxArray] {
  return [v, w];
}

function svdUS(c: JaxArray): [JaxArray, JaxArray] {
  const [u, sv] = svd(c);
  return [u, sv];
}

/** JAX's promote_dtypes_inexact: one float dtype, shapes untouched. */
function promoteArgsNoBroadcast(op: string, a: ArrayLike, b: ArrayLike): [JaxArray, JaxArray] {
  const x = asJax(a, op);
  const y = asJax(b, op);
  let [dt] = resultType([x, y]);
  if (!isFloat(dt)) dt = toInexact(dt);
  return [convertElementType(x, dt), convertElementType(y, dt)];
}
