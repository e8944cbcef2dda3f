// jax.numpy's polynomial functions on 1-D coefficient arrays, highest power first:
// poly, polyadd, polysub, polymul, polydiv, polyder, polyint, polyval, polyfit.
// (jnp.roots is not provided: companion-matrix eigenvalues are complex, and jaxts has no
// complex dtype; poly of a square matrix is left out for the same reason.)
import type { ArrayLike, JaxArray } from "../core/array.js";
import { isFloat, resultType, toInexact } from "../core/dtype.js";
import { broadcastShapes } from "../core/shape.js";
import * as S from "../primitives/shape_ops.js";
import { asJax, castTo, promoteInexact } from "./coerce.js";
import { finfo } from "./dtype_info.js";
import * as jnp from "./index.js";
import { lstsq } from "./linalg.js";
import { convolve } from "./signal.js";

/** The arrays cast to their common dtype (inexact if asked), without broadcasting. */
function common(op: string, xs: ArrayLike[], inexact: boolean): JaxArray[] {
  const arrs = xs.map((x) => asJax(x, op));
  let [dt, weak] = resultType(arrs);
  if (inexact && !isFloat(dt)) dt = toInexact(dt);
  return arrs.map((a) => castTo(a, dt, weak));
}

function check1d(op: string, ...xs: JaxArray[]): void {
  for (const x of xs) if (x.ndim !== 1) throw new Error(`${op}: coefficient arrays must be 1-D, got shape [${x.shape}].`);
}

/** jnp.poly(zeros): coefficients of the monic polynomial with the given (real) roots. */
export function poly(seqOfZeros: ArrayLike): JaxArray {
  const z0 = promoteInexact("poly", seqOfZeros);
  const z = z0.ndim === 0 ? jnp.reshape(z0, [1]) : z0;
  if (z.ndim !== 1)
    throw new Error(
      `poly: only a 1-D array of (real) roots is supported, got shape [${z.shape}]; the matrix form needs complex eigenvalues.`,
    );
  const n = z.shape[0]!;
  if (n === 0) return jnp.ones([], { dtype: z.dtype });
  let a: JaxArray = jnp.ones([1], { dtype: z.dtype });
  for (let k = 0; k < n; k++) {
    const root = S.slice(z, [k], [k + 1]);
    a = convolve(a, jnp.concatenate([jnp.onesLike(root), jnp.negative(root)]), "full");
  }
  return a;
}

/** jnp.polyadd(a1, a2): the sum, the shorter aligned to the end of the longer. */
export function polyadd(a1: ArrayLike, a2: ArrayLike): JaxArray {
  const [a, b] = common("polyadd", [a1, a2], false) as [JaxArray, JaxArray];
  check1d("polyadd", a, b);
  const [long, short] = a.shape[0]! >= b.shape[0]! ? [a, b] : [b, a];
  return jnp.add(long, jnp.pad(short, [[long.shape[0]! - short.shape[0]!, 0]]));
}

/** jnp.polysub(a1, a2): a1 - a2. */
export function polysub(a1: ArrayLike, a2: ArrayLike): JaxArray {
  const [a, b] = common("polysub", [a1, a2], false) as [JaxArray, JaxArray];
  return polyadd(a, jnp.negative(b));
}

/** jnp.polymul(a1, a2): the product (the full convolution of the coefficients). */
export function polymul(a1: ArrayLike, a2: ArrayLike): JaxArray {
  let [a, b] = common("polymul", [a1, a2], true) as [JaxArray, JaxArray];
  check1d("polymul", a, b);
  if (a.size === 0) a = jnp.zeros([1], { dtype: b.dtype });
  if (b.size === 0) b = jnp.zeros([1], { dtype: a.dtype });
  return convolve(a, b, "full");
}

/** jnp.polydiv(u, v): [quotient, remainder] of polynomial long division (the remainder keeps u's length). */
export function polydiv(u: ArrayLike, v: ArrayLike): [JaxArray, JaxArray] {
  let [ua, va] = common("polydiv", [u, v], true) as [JaxArray, JaxArray];
  check1d("polydiv", ua, va);
  const m = ua.shape[0]! - 1;
  const n = va.shape[0]! - 1;
  const scale = jnp.divide(1, S.reshape(S.slice(va, [0], [1]), []));
  const qs: JaxArray[] = [];
  for (let k = 0; k <= m - n; k++) {
    const d = jnp.multiply(scale, S.reshape(S.slice(ua, [k], [k + 1]), []));
    qs.push(jnp.reshape(d, [1]));
    // subtract d·v from u[k : k + n + 1]
    ua = jnp.subtract(ua, jnp.pad(jnp.multiply(d, va), [[k, m - k - n]]));
  }
  const q = qs.length ? jnp.concatenate(qs) : jnp.zeros([1], { dtype: ua.dtype });
  return [q, ua];
}

/** jnp.polyder(p, m=1): the m-th derivative. */
export function polyder(p: ArrayLike, m = 1): JaxArray {
  if (!Number.isInteger(m) || m < 0) throw new Error(`polyder: the order m must be a non-negative integer, got ${m}.`);
  const pa = promoteInexact("polyder", p);
  check1d("polyder", pa);
  if (m === 0) return pa;
  const len = pa.shape[0]!;
  // p[i] multiplies x^(len-1-i); its m-th derivative gains the falling factorial (j)_m, j = len-1-i
  const coeff: number[] = [];
  for (let i = 0; i < len - m; i++) {
    const j = len - 1 - i;
    let c = 1;
    for (let t = 0; t < m; t++) c *= j - t;
    coeff.push(c);
  }
  return jnp.multiply(S.slice(pa, [0], [len - m]), jnp.array(coeff, { dtype: pa.dtype }));
}

/** jnp.polyint(p, m=1, k=0): the m-th antiderivative; k holds the integration constants (a scalar or m of them). */
export function polyint(p: ArrayLike, m = 1, k: ArrayLike = 0): JaxArray {
  if (!Number.isInteger(m) || m < 0) throw new Error(`polyint: the order m must be a non-negative integer, got ${m}.`);
  const [pa, k0] = common("polyint", [p, k], true) as [JaxArray, JaxArray];
  check1d("polyint", pa);
  let ka = k0.ndim === 0 ? jnp.reshape(k0, [1]) : k0;
  if (ka.shape[0] === 1) ka = jnp.broadcastTo(ka, [m]);
  if (ka.ndim !== 1 || ka.shape[0] !== m)
    throw new Error(`polyint: k must be a scalar or a 1-D array of length 1 or m = ${m}, got shape [${k0.shape}].`);
  if (m === 0) return pa;
  const len = pa.shape[0]! + m;
  // the coefficient of x^j (j = len-1-i) divides by j (j-1) ... (j-m+1), factors below 1 taken as 1
  const coeff: number[] = [];
  for (let i = 0; i < len; i++) {
    const j = len - 1 - i;
    let c = 1;
    for (let t = 0; t < m; t++) c *= Math.max(1, j - t);
    coeff.push(c);
  }
  return jnp.divide(jnp.concatenate([pa, ka]), jnp.array(coeff, { dtype: pa.dtype }));
}

/** jnp.polyval(p, x): p evaluated at x by Horner's rule (p's later axes broadcast against x). */
export function polyval(p: ArrayLike, x: ArrayLike): JaxArray {
  const [pa, xa] = common("polyval", [p, x], false) as [JaxArray, JaxArray];
  if (pa.ndim === 0) throw new Error("polyval: p must be at least 1-D.");
  const shape = broadcastShapes("polyval", pa.shape.slice(1), xa.shape);
  let y: JaxArray = jnp.zeros(shape, { dtype: xa.dtype });
  y = castTo(y, xa.dtype, xa.weakType);
  for (let i = 0; i < pa.shape[0]!; i++) {
    const c = S.reshape(S.slice(pa, [i, ...pa.shape.slice(1).map(() => 0)], [i + 1, ...pa.shape.slice(1)]), pa.shape.slice(1));
    y = jnp.add(jnp.multiply(y, xa), c);
  }
  return y;
}

export interface PolyfitOpts {
  /** Relative cutoff for small singular values (default len(x)·eps). */
  rcond?: number;
  /** Weights applied to the residuals (1-D, like x). */
  w?: ArrayLike;
}

/** jnp.polyfit(x, y, deg, {rcond, w}): least-squares fit coefficients, highest power first (one column per column of a 2-D y). */
export function polyfit(x: ArrayLike, y: ArrayLike, deg: number, opts: PolyfitOpts = {}): JaxArray {
  if (!Number.isInteger(deg) || deg < 0) throw new Error(`polyfit: deg must be a non-negative integer, got ${deg}.`);
  const xa = promoteInexact("polyfit", x);
  const ya = promoteInexact("polyfit", y);
  if (xa.ndim !== 1 || xa.size === 0) throw new Error(`polyfit: x must be a non-empty 1-D array, got shape [${xa.shape}].`);
  if (ya.ndim < 1 || ya.ndim > 2 || ya.shape[0] !== xa.shape[0])
    throw new Error(`polyfit: y must be 1-D or 2-D with x's length, got shapes [${xa.shape}] and [${ya.shape}].`);
  const rcond = opts.rcond ?? xa.shape[0]! * finfo(xa.dtype).eps;
  let lhs = jnp.vander(xa, deg + 1);
  let rhs = ya;
  if (opts.w !== undefined) {
    const w = promoteInexact("polyfit", opts.w);
    if (w.ndim !== 1 || w.shape[0] !== ya.shape[0]) throw new Error(`polyfit: w must be 1-D with y's length, got shape [${w.shape}].`);
    lhs = jnp.multiply(lhs, jnp.reshape(w, [w.shape[0]!, 1]));
    rhs = jnp.multiply(rhs, rhs.ndim === 2 ? jnp.reshape(w, [w.shape[0]!, 1]) : w);
  }
  // scale the columns to improve the conditioning
  const scale = jnp.sqrt(jnp.sum(jnp.multiply(lhs, lhs), 0));
  lhs = jnp.divide(lhs, jnp.reshape(scale, [1, deg + 1]));
  const [c] = lstsq(lhs, rhs, { rcond });
  return c.ndim > 1 ? jnp.divide(c, jnp.reshape(scale, [deg + 1, 1])) : jnp.divide(c, scale);
}
