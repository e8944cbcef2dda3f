// softmax, logSoftmax, logsumexp and logmeanexp: normalized exponentials, each shifted by
// the maximum (held constant under differentiation) so that large inputs cannot overflow.
import type { ArrayLike, Axis, JaxArray } from "../core/array.js";
import { normAxes } from "../core/shape.js";
import { asJax, promoteArgs, promoteInexact } from "../numpy/coerce.js";
import * as jnp from "../numpy/index.js";
import { isFinite as laxIsFinite, log, sign, stopGradient } from "../primitives/elementwise.js";
import { reduceMax } from "../primitives/reduce.js";
import { softmax as softmaxLast } from "../primitives/softmax.js";
import { customJvp } from "../transforms/custom.js";

export interface WhereOpts {
  /** Elements to include: masked-out elements take no part in the maximum or the sum. */
  where?: ArrayLike;
}

/**
 * The maximum over `axes` (kept as size-1 axes), counting only `where` elements, with -inf
 * as the initial value: an all-masked (or empty) slice gives -inf, as jnp.max(..., initial=-inf).
 */
function maskedMax(x: JaxArray, axes: number[], mask: JaxArray | undefined): JaxArray {
  const src = mask ? jnp.where(mask, x, -Infinity) : x;
  return jnp.reshape(
    reduceMax(src, axes),
    x.shape.map((n, d) => (axes.includes(d) ? 1 : n)),
  );
}

/** The sum over `axes` (kept as size-1 axes) of the `where` elements. */
function maskedSum(x: JaxArray, axes: number[], mask: JaxArray | undefined, keepdims = true): JaxArray {
  return jnp.sum(mask ? jnp.where(mask, x, 0) : x, axes, { keepdims });
}

function maskOf(op: string, where: ArrayLike | undefined, x: JaxArray): JaxArray | undefined {
  return where === undefined ? undefined : jnp.broadcastTo(asJax(where, op), x.shape);
}

/**
 * softmax(x, axis) = exp(x) / sum(exp(x), axis): rescales the elements along `axis` (an
 * integer, a list of axes, or null for all axes) to [0, 1], summing to 1. Masked-out
 * elements (`where` false) come out as 0.
 */
export function softmax(x: ArrayLike, axis: Axis = -1, opts: WhereOpts = {}): JaxArray {
  const a = promoteInexact("softmax", x);
  const axes = normAxes("softmax", axis, a.ndim);
  const mask = maskOf("softmax", opts.where, a);
  if (!mask && axes.length === 1 && axes[0] === a.ndim - 1) return softmaxLast(a);
  const compute = (v: JaxArray): JaxArray => {
    const safe = mask ? jnp.where(mask, v, -Infinity) : v;
    const unnormalized = jnp.exp(safe.sub(maskedMax(v, axes, mask)));
    const result = unnormalized.div(maskedSum(unnormalized, axes, mask));
    return mask ? jnp.where(mask, result, 0) : result;
  };
  // JAX's rule (a custom JVP): d softmax = y * (dx - sum(y * dx)). Its transpose is four
  // passes over x, where differentiating the formula above takes about twice as many.
  const f = customJvp(compute).defjvp(([v], [t]) => {
    const y = compute(v);
    return [y, y.mul(t.sub(maskedSum(y.mul(t), axes, mask)))];
  });
  return f(a);
}

/**
 * logSoftmax(x, axis) = x - logsumexp(x, axis), computed from the max-shifted input.
 * Masked-out elements (`where` false) come out as -inf.
 */
export function logSoftmax(x: ArrayLike, axis: Axis = -1, opts: WhereOpts = {}): JaxArray {
  const a = promoteInexact("logSoftmax", x);
  const axes = normAxes("logSoftmax", axis, a.ndim);
  const mask = maskOf("logSoftmax", opts.where, a);
  const safe = mask ? jnp.where(mask, a, -Infinity) : a;
  const shifted = safe.sub(stopGradient(maskedMax(a, axes, mask)));
  const result = shifted.sub(jnp.log(maskedSum(jnp.exp(shifted), axes, mask)));
  return mask ? jnp.where(mask, result, -Infinity) : result;
}

export interface LogsumexpOpts extends WhereOpts {
  /** Scale factors: computes log(sum(b * exp(a))). Broadcast against `a`. */
  b?: ArrayLike;
  keepdims?: boolean;
}

/** logsumexp(a, axis) with returnSign: the log of |sum| and the sign of the sum. */
export function logsumexp(a: ArrayLike, axis: Axis, opts: LogsumexpOpts & { returnSign: true }): [JaxArray, JaxArray];
/**
 * logsumexp(a, axis) = log(sum(exp(a), axis)), over all axes by default (axis null or
 * undefined). With `b`, computes log(sum(b * exp(a))); a negative sum gives NaN unless
 * `returnSign` asks for [log|sum|, sign(sum)].
 */
export function logsumexp(a: ArrayLike, axis?: Axis, opts?: LogsumexpOpts & { returnSign?: false }): JaxArray;
export function logsumexp(
  a: ArrayLike,
  axis: Axis = null,
  opts: LogsumexpOpts & { returnSign?: boolean } = {},
): JaxArray | [JaxArray, JaxArray] {
  let x = asJax(a, "logsumexp");
  const mask = opts.where === undefined ? undefined : asJax(opts.where, "logsumexp");
  if (mask) x = jnp.where(mask, x, 0);
  let b: JaxArray | undefined;
  if (opts.b !== undefined) {
    [x, b] = promoteArgs("logsumexp", [x, opts.b], { inexact: true }) as [JaxArray, JaxArray];
    // zero weights exclude their element entirely, even where a is +inf or NaN
    x = jnp.where(b.ne(0), x, -Infinity);
  } else {
    x = promoteInexact("logsumexp", x);
  }
  const m = mask ? jnp.broadcastTo(mask, x.shape) : undefined;
  const axes = normAxes("logsumexp", axis, x.ndim);
  const keepdims = opts.keepdims ?? false;
  const maxKept = maskedMax(x, axes, m);
  // an infinite (or all -inf) maximum would turn x - max into NaN; shift by 0 instead
  const safeMax = stopGradient(jnp.where(laxIsFinite(maxKept), maxKept, 0));
  let expA = jnp.exp(x.sub(safeMax));
  if (b) expA = expA.mul(b);
  const sumexp = maskedSum(expA, axes, m, keepdims);
  const amax = keepdims ? safeMax : jnp.squeeze(safeMax, axes);
  const sgn = sign(sumexp);
  const out = log(jnp.abs(sumexp)).add(amax);
  if (opts.returnSign) return [out, sgn];
  return b ? jnp.where(sgn.lt(0), Number.NaN, out) : out;
}

/** logmeanexp(x, axis) = logsumexp(x, axis) - log(n), n the number of (unmasked) elements. */
export function logmeanexp(x: ArrayLike, axis: Axis = null, opts: WhereOpts & { keepdims?: boolean } = {}): JaxArray {
  const a = asJax(x, "logmeanexp");
  const lse = logsumexp(a, axis, { where: opts.where, keepdims: opts.keepdims });
  const axes = normAxes("logmeanexp", axis, a.ndim);
  const ones = jnp.onesLike(a, { dtype: lse.dtype });
  const count = maskedSum(ones, axes, maskOf("logmeanexp", opts.where, a), opts.keepdims ?? false);
  return lse.sub(jnp.log(count));
}
