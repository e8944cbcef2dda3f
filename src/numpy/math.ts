// Elementwise jax.numpy functions beyond ufuncs.ts, composed from the existing lax
// primitives (no new primitives): inverse and hyperbolic trigonometry, logarithms and
// exponentials in other bases, rounding, clipping, floating-point classification, the
// division family, bit operations and integer gcd/lcm.
//
// Every function is built from differentiable, batchable primitives, so grad, vmap and
// jit work through it; where a branch could produce inf/NaN that a `select` discards,
// the branch's input is replaced first ("double where"), so the discarded branch cannot
// poison gradients with 0 * inf.
import { ArrayImpl, type ArrayLike, JaxArray } from "../core/array.js";
import { type DType, isFloat, isInteger, isUnsigned, resultType } from "../core/dtype.js";
import * as lax from "../primitives/elementwise.js";
import { broadcastInDim, fullLike } from "../primitives/shape_ops.js";
import { asJax, castTo, promoteArgs, promoteInexact } from "./coerce.js";
import { maximum, minimum, where } from "./ufuncs.js";

type Pair = [JaxArray, JaxArray];

/** A constant of x's shape, dtype and weak type. */
const k = (x: JaxArray, v: number): JaxArray => fullLike(x.aval, v);
const boolFull = (x: JaxArray, v: boolean): JaxArray => broadcastInDim(ArrayImpl.scalar(v ? 1 : 0, "bool"), x.shape, []);

const inexact2 = (op: string, x: ArrayLike, y: ArrayLike): Pair => promoteArgs(op, [x, y], { inexact: true }) as Pair;

/** numpy's "numeric" promotion: the common dtype, with bool replaced by int32. */
function numeric2(op: string, x: ArrayLike, y: ArrayLike): Pair {
  const [a, b] = promoteArgs(op, [x, y]) as Pair;
  return a.dtype === "bool" ? [castTo(a, "int32"), castTo(b, "int32")] : [a, b];
}

/** The largest finite value of a floating dtype (finfo(dtype).max). */
function finfoMax(dtype: DType): number {
  switch (dtype) {
    case "float16":
      return 65504;
    case "bfloat16":
      return 3.3895313892515355e38;
    case "float64":
      return Number.MAX_VALUE;
    default:
      return 3.4028234663852886e38;
  }
}

function requireIntegral(op: string, a: JaxArray, what: "integer" | "integer or boolean"): void {
  const ok = what === "integer" ? isInteger(a.dtype) : !isFloat(a.dtype);
  if (!ok) throw new TypeError(`${op}: only ${what} dtypes are supported, got ${a.dtype}. Cast with .astype("int32") first.`);
}

// ---------------------------------------------------------------------------
// exponentials and logarithms in other bases

/** 2 ** x, elementwise (lax.pow with base 2, exact for integer x). */
export function exp2(x: ArrayLike): JaxArray {
  const a = promoteInexact("exp2", x);
  return lax.pow(k(a, 2), a);
}
/** Base-2 logarithm: log(x) / log(2), as JAX computes it (with a strongly typed constant, so the result is never weak). */
export function log2(x: ArrayLike): JaxArray {
  const a = promoteInexact("log2", x);
  return lax.div(lax.log(a), lax.log(fullLike(a.aval.strong(), 2)));
}
/** Base-10 logarithm: log(x) * (1 / log(10)) (strongly typed, as in JAX). */
export function log10(x: ArrayLike): JaxArray {
  const a = promoteInexact("log10", x);
  return lax.mul(lax.log(a), fullLike(a.aval.strong(), Math.LOG10E));
}

/** log(exp(x1) + exp(x2)) without overflow; NaN and same-sign infinities pass through. */
export function logaddexp(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const [a, b] = inexact2("logaddexp", x1, x2);
  const delta = lax.sub(a, b);
  const nan = lax.ne(delta, delta);
  const safe = lax.select(nan, k(delta, 0), delta);
  const out = lax.add(lax.max(a, b), lax.log1p(lax.exp(lax.neg(lax.abs(safe)))));
  return lax.select(nan, lax.add(a, b), out);
}
/** log2(2**x1 + 2**x2) without overflow. */
export function logaddexp2(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const [a, b] = inexact2("logaddexp2", x1, x2);
  const delta = lax.sub(a, b);
  const nan = lax.ne(delta, delta);
  const safe = lax.select(nan, k(delta, 0), delta);
  const tail = lax.mul(k(a, 1 / Math.LN2), lax.log1p(lax.pow(k(a, 2), lax.neg(lax.abs(safe)))));
  return lax.select(nan, lax.add(a, b), lax.add(lax.max(a, b), tail));
}

// ---------------------------------------------------------------------------
// inverse trigonometric and hyperbolic functions

/** arcsin(x) = atan2(x, sqrt((1 - x)(1 + x))); NaN outside [-1, 1]. */
export function arcsin(x: ArrayLike): JaxArray {
  const a = promoteInexact("arcsin", x);
  const one = k(a, 1);
  return lax.atan2(a, lax.sqrt(lax.mul(lax.sub(one, a), lax.add(one, a))));
}
/** arccos(x) = atan2(sqrt((1 - x)(1 + x)), x); NaN outside [-1, 1]. */
export function arccos(x: ArrayLike): JaxArray {
  const a = promoteInexact("arccos", x);
  const one = k(a, 1);
  return lax.atan2(lax.sqrt(lax.mul(lax.sub(one, a), lax.add(one, a))), a);
}
export function arctan(x: ArrayLike): JaxArray {
  const a = promoteInexact("arctan", x);
  return lax.atan2(a, k(a, 1));
}

/** sinh as XLA computes it: an expm1 form for |x| < 1 (no cancellation), exp(±x + log ½) beyond. */
export function sinh(x: ArrayLike): JaxArray {
  const a = promoteInexact("sinh", x);
  const one = k(a, 1);
  const logHalf = k(a, Math.log(0.5));
  const small = lax.lt(lax.abs(a), one);
  const e = lax.expm1(lax.select(small, a, k(a, 0)));
  const smallOut = lax.mul(k(a, 0.5), lax.add(e, lax.div(e, lax.add(e, one))));
  const largeOut = lax.sub(lax.exp(lax.add(a, logHalf)), lax.exp(lax.sub(logHalf, a)));
  return lax.select(small, smallOut, largeOut);
}
/** cosh(x) = exp(x + log ½) + exp(-x + log ½): finite up to the largest representable result. */
export function cosh(x: ArrayLike): JaxArray {
  const a = promoteInexact("cosh", x);
  const logHalf = k(a, Math.log(0.5));
  return lax.add(lax.exp(lax.add(a, logHalf)), lax.exp(lax.sub(logHalf, a)));
}

/** A piecewise-constant sign (1 at 0) so odd functions can be evaluated on |x| with a correct derivative at 0. */
function oddSign(a: JaxArray): JaxArray {
  return lax.select(lax.lt(a, k(a, 0)), k(a, -1), k(a, 1));
}

/** arcsinh(x) = sign(x) log1p(|x| + x²/(1 + sqrt(1 + x²))), log(2|x|) where x² would overflow. */
export function arcsinh(x: ArrayLike): JaxArray {
  const a = promoteInexact("arcsinh", x);
  const one = k(a, 1);
  const s = oddSign(a);
  const ax = lax.mul(a, s);
  const big = lax.ge(ax, k(a, Math.sqrt(finfoMax(a.dtype))));
  const axSmall = lax.select(big, k(a, 0), ax);
  const sq = lax.mul(axSmall, axSmall);
  const smallOut = lax.log1p(lax.add(axSmall, lax.div(sq, lax.add(one, lax.sqrt(lax.add(one, sq))))));
  const largeOut = lax.add(lax.log(lax.select(big, ax, one)), k(a, Math.LN2));
  return lax.mul(lax.select(big, largeOut, smallOut), s);
}
/** arccosh(x) = log1p((x - 1) + sqrt((x - 1)(x + 1))), log(2x) for huge x; NaN below 1. */
export function arccosh(x: ArrayLike): JaxArray {
  const a = promoteInexact("arccosh", x);
  const one = k(a, 1);
  const big = lax.ge(a, k(a, Math.sqrt(finfoMax(a.dtype))));
  const xs = lax.select(big, one, a);
  const y = lax.sub(xs, one);
  const smallOut = lax.log1p(lax.add(y, lax.sqrt(lax.mul(y, lax.add(xs, one)))));
  const largeOut = lax.add(lax.log(lax.select(big, a, one)), k(a, Math.LN2));
  return lax.select(big, largeOut, smallOut);
}
/** arctanh(x) = (log1p(x) - log1p(-x)) / 2; ±inf at ±1, NaN beyond. */
export function arctanh(x: ArrayLike): JaxArray {
  const a = promoteInexact("arctanh", x);
  return lax.mul(k(a, 0.5), lax.sub(lax.log1p(a), lax.log1p(lax.neg(a))));
}

export const asin = arcsin;
export const acos = arccos;
export const atan = arctan;
export const asinh = arcsinh;
export const acosh = arccosh;
export const atanh = arctanh;
export { arctan2 as atan2 } from "./ufuncs.js";

export function deg2rad(x: ArrayLike): JaxArray {
  const a = promoteInexact("deg2rad", x);
  return lax.mul(a, k(a, Math.PI / 180));
}
export function rad2deg(x: ArrayLike): JaxArray {
  const a = promoteInexact("rad2deg", x);
  return lax.mul(a, k(a, 180 / Math.PI));
}
export const radians = deg2rad;
export const degrees = rad2deg;

/** Cube root, real for negative x: sign(x) * |x| ** (1/3). */
export function cbrt(x: ArrayLike): JaxArray {
  const a = promoteInexact("cbrt", x);
  const s = oddSign(a);
  return lax.mul(s, lax.pow(lax.mul(a, s), k(a, 1 / 3)));
}

/** sin(πx)/(πx), 1 at 0 (with derivative 0 there, as JAX's). */
export function sinc(x: ArrayLike): JaxArray {
  const a = promoteInexact("sinc", x);
  const zero = lax.eq(a, k(a, 0));
  const pix = lax.select(zero, k(a, 1), lax.mul(k(a, Math.PI), a));
  return lax.select(zero, k(a, 1), lax.div(lax.sin(pix), pix));
}

/** sqrt(x1² + x2²) without intermediate overflow or underflow; inf if either is infinite. */
export function hypot(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const [a0, b0] = inexact2("hypot", x1, x2);
  const a = lax.abs(a0);
  const b = lax.abs(b0);
  const inf = k(a, Number.POSITIVE_INFINITY);
  const anyInf = lax.or(lax.eq(a, inf), lax.eq(b, inf));
  const hi = lax.max(a, b);
  const lo = lax.min(a, b);
  const hiZero = lax.eq(hi, k(hi, 0));
  const ratio = lax.div(lo, lax.select(hiZero, k(hi, 1), hi));
  const out = lax.select(hiZero, hi, lax.mul(hi, lax.sqrt(lax.add(k(hi, 1), lax.mul(ratio, ratio)))));
  return lax.select(anyInf, inf, out);
}

// ---------------------------------------------------------------------------
// rounding and clipping

export interface RoundOpts {
  decimals?: number;
}
/** Rounds half to even, to `decimals` decimal places (by scaling, as JAX does). Integers pass through. */
export function round(x: ArrayLike, decimals: number | RoundOpts = 0): JaxArray {
  const d = typeof decimals === "number" ? decimals : (decimals.decimals ?? 0);
  if (!Number.isInteger(d)) throw new TypeError(`round: decimals must be an integer, got ${d}.`);
  const a = asJax(x, "round");
  if (isInteger(a.dtype)) {
    if (d < 0) throw new Error("round: integer rounding with decimals < 0 is not implemented (as in JAX); cast to float first.");
    return a;
  }
  if (a.dtype === "bool") throw new TypeError("round: boolean input is not supported; cast to a numeric dtype first.");
  if (d === 0) return lax.round(a);
  if (d > Math.log10(finfoMax(a.dtype))) return a; // beyond the dtype's precision: nothing to round
  // float16 is scaled in float32, whose range holds x * 10**decimals (JAX does the same).
  const xc = a.dtype === "float16" ? castTo(a, "float32", a.weakType) : a;
  const f = k(xc, 10 ** d);
  return castTo(lax.div(lax.round(lax.mul(xc, f)), f), a.dtype, a.weakType);
}
export const around = round;

/** Nearest integer, ties to even; integer and bool inputs become float32 (numpy rint). */
export function rint(x: ArrayLike): JaxArray {
  const a = asJax(x, "rint");
  if (!isFloat(a.dtype)) return castTo(a, "float32");
  return lax.round(a);
}

/** Rounds toward zero; integers and bools pass through. */
export function trunc(x: ArrayLike): JaxArray {
  const a = asJax(x, "trunc");
  if (!isFloat(a.dtype)) return a;
  return lax.select(lax.lt(a, k(a, 0)), lax.ceil(a), lax.floor(a));
}

export interface ClipOpts {
  min?: ArrayLike | null;
  max?: ArrayLike | null;
}
const isClipOpts = (v: unknown): v is ClipOpts =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof JaxArray) && !ArrayBuffer.isView(v);

/**
 * clip(x, min, max) (JAX's argument names; either bound may be null): maximum(min, x), then
 * minimum(max, ·), with the usual promotion and broadcasting. Also clip(x, {min, max}).
 */
export function clip(x: ArrayLike, min?: ArrayLike | ClipOpts | null, max?: ArrayLike | null): JaxArray {
  let lo = min;
  let hi = max;
  if (isClipOpts(min)) {
    lo = min.min;
    hi = min.max;
  }
  let a = asJax(x, "clip");
  if (lo !== undefined && lo !== null) a = maximum(lo as ArrayLike, a);
  if (hi !== undefined && hi !== null) a = minimum(hi, a);
  return a;
}

// ---------------------------------------------------------------------------
// floating-point classification

export function isnan(x: ArrayLike): JaxArray {
  const a = asJax(x, "isnan");
  return lax.ne(a, a);
}
export function isinf(x: ArrayLike): JaxArray {
  const a = asJax(x, "isinf");
  if (!isFloat(a.dtype)) return boolFull(a, false);
  return lax.eq(lax.abs(a), k(a, Number.POSITIVE_INFINITY));
}
export function isfinite(x: ArrayLike): JaxArray {
  const a = asJax(x, "isfinite");
  if (!isFloat(a.dtype)) return boolFull(a, true);
  return lax.isFinite(a);
}
export function isposinf(x: ArrayLike): JaxArray {
  const a = asJax(x, "isposinf");
  if (!isFloat(a.dtype)) return boolFull(a, false);
  return lax.eq(a, k(a, Number.POSITIVE_INFINITY));
}
export function isneginf(x: ArrayLike): JaxArray {
  const a = asJax(x, "isneginf");
  if (!isFloat(a.dtype)) return boolFull(a, false);
  return lax.eq(a, k(a, Number.NEGATIVE_INFINITY));
}

export interface NanToNumOpts {
  nan?: ArrayLike;
  posinf?: ArrayLike | null;
  neginf?: ArrayLike | null;
}
/** Replaces NaN (default 0) and ±inf (default the dtype's largest finite values); non-floats pass through. */
export function nanToNum(x: ArrayLike, opts: NanToNumOpts = {}): JaxArray {
  const a = asJax(x, "nanToNum");
  if (!isFloat(a.dtype)) return a;
  const big = finfoMax(a.dtype);
  const val = (v: ArrayLike | null | undefined, dflt: number) => castTo(asJax(v ?? dflt, "nanToNum"), a.dtype);
  let out = where(isnan(a), val(opts.nan, 0), a);
  out = where(isposinf(out), val(opts.posinf, big), out);
  return where(isneginf(out), val(opts.neginf, -big), out);
}

/** True where the sign bit is set (also for -0 and negative NaN on 16/32-bit floats). */
export function signbit(x: ArrayLike): JaxArray {
  const a = asJax(x, "signbit");
  if (a.dtype === "bool") return boolFull(a, false);
  if (isInteger(a.dtype)) return lax.lt(a, k(a, 0));
  if (a.dtype === "float64") {
    // no int64 to bitcast to: x < 0, or x == 0 with 1/x == -inf (-0); the sign of NaN is not visible
    const zero = k(a, 0);
    return lax.or(lax.lt(a, zero), lax.and(lax.eq(a, zero), lax.lt(lax.div(k(a, 1), a), zero)));
  }
  const intType: DType = a.dtype === "float32" ? "int32" : "int16";
  const bits = lax.bitcastConvertType(a, intType);
  return lax.lt(bits, fullLike(bits.aval, 0));
}

/** |x1| with the sign of x2. */
export function copysign(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const [a, b] = inexact2("copysign", x1, x2);
  const m = lax.abs(a);
  return lax.select(signbit(b), lax.neg(m), m);
}

/** 0 for x1 < 0, 1 for x1 > 0, x2 where x1 == 0 (NaN stays NaN). */
export function heaviside(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const [a, b] = inexact2("heaviside", x1, x2);
  const zero = k(a, 0);
  return lax.select(lax.lt(a, zero), zero, lax.select(lax.gt(a, zero), k(a, 1), lax.select(lax.ne(a, a), a, b)));
}

/** Elementwise maximum that ignores NaN (returns the other operand). */
export function fmax(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const [a, b] = promoteArgs("fmax", [x1, x2]) as Pair;
  return lax.select(lax.or(lax.gt(a, b), lax.ne(b, b)), a, b);
}
/** Elementwise minimum that ignores NaN (returns the other operand). */
export function fmin(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const [a, b] = promoteArgs("fmin", [x1, x2]) as Pair;
  return lax.select(lax.or(lax.lt(a, b), lax.ne(b, b)), a, b);
}

// ---------------------------------------------------------------------------
// powers and the division family

/** x1 ** x2 computed in floating point (ints and bools become float32). */
export function floatPower(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const [a, b] = inexact2("floatPower", x1, x2);
  return lax.pow(a, b);
}
/** Absolute value as a float. */
export function fabs(x: ArrayLike): JaxArray {
  return lax.abs(promoteInexact("fabs", x));
}

/** C-style remainder (the sign of x1); an integer divisor of 0 counts as 1, as in JAX. */
export function fmod(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const a0 = asJax(x1, "fmod");
  let b0 = asJax(x2, "fmod");
  if (isInteger(resultType([a0, b0])[0])) b0 = where(lax.eq(b0, k(b0, 0)), k(b0, 1), b0);
  const [a, b] = numeric2("fmod", a0, b0);
  return lax.rem(a, b);
}

/** Integer floor division (JAX's floor_divide): one less than truncation where signs differ and the remainder is nonzero. */
function intFloorDivide(a: JaxArray, b: JaxArray): JaxArray {
  if (isUnsigned(a.dtype)) return lax.div(a, b);
  const q = lax.div(a, b);
  const fix = lax.and(lax.ne(lax.sign(a), lax.sign(b)), lax.ne(lax.rem(a, b), k(a, 0)));
  return lax.select(fix, lax.sub(q, k(q, 1)), q);
}
/** Remainder with the sign of the divisor (JAX's remainder); an integer divisor of 0 counts as 1. */
function remainderOf(a: JaxArray, b: JaxArray): JaxArray {
  const zero = k(a, 0);
  const d = isInteger(b.dtype) ? lax.select(lax.eq(b, zero), k(b, 1), b) : b;
  const r = lax.rem(a, d);
  const plus = lax.and(lax.ne(lax.lt(r, zero), lax.lt(d, zero)), lax.ne(r, zero));
  return lax.select(plus, lax.add(r, d), r);
}
/** numpy's float divmod: the quotient from (x1 - mod) / x2, so q * x2 + mod == x1 as closely as possible. */
function floatDivmod(a: JaxArray, b: JaxArray): Pair {
  const zero = k(a, 0);
  let mod = lax.rem(a, b);
  const corrected = lax.select(lax.eq(b, zero), a, lax.sub(a, mod));
  let div = lax.div(corrected, b);
  const fix = lax.and(lax.ne(mod, zero), lax.ne(lax.sign(b), lax.sign(mod)));
  mod = lax.select(fix, lax.add(mod, b), mod);
  div = lax.select(fix, lax.sub(div, k(div, 1)), div);
  return [lax.round(div), mod];
}

/** [floorDivide(x1, x2), remainder(x1, x2)] with numpy's semantics (floats via fmod, as numpy). */
export function divmod(x1: ArrayLike, x2: ArrayLike): [JaxArray, JaxArray] {
  const [a, b] = numeric2("divmod", x1, x2);
  if (isInteger(a.dtype)) return [intFloorDivide(a, b), remainderOf(a, b)];
  return floatDivmod(a, b);
}

/** ldexp(x1, x2) = x1 * 2**x2 for an integer x2, exact (scaled in three steps so no power of two overflows). */
export function ldexp(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const e0 = asJax(x2, "ldexp");
  if (isFloat(e0.dtype)) throw new TypeError(`ldexp: the exponent must be an integer array, got ${e0.dtype}.`);
  const m0 = promoteInexact("ldexp", x1);
  const [m, e1] = promoteArgs("ldexp", [m0, castTo(e0, m0.dtype)]) as Pair;
  // 2**limit/3 must be representable, and limit must exceed the span from the smallest subnormal to the largest value
  const limit = m.dtype === "float64" ? 2200 : m.dtype === "float16" ? 45 : 300;
  const e = lax.max(lax.min(e1, k(e1, limit)), k(e1, -limit));
  const e1Part = lax.floor(lax.div(e, k(e, 3)));
  const e2Part = lax.floor(lax.div(lax.sub(e, e1Part), k(e, 2)));
  const e3Part = lax.sub(lax.sub(e, e1Part), e2Part);
  const two = k(m, 2);
  return lax.mul(lax.mul(lax.mul(m, lax.pow(two, e1Part)), lax.pow(two, e2Part)), lax.pow(two, e3Part));
}

/** [mantissa, exponent] with x = mantissa * 2**exponent, 0.5 <= |mantissa| < 1 (0, inf, NaN: [x, 0]). */
export function frexp(x: ArrayLike): [JaxArray, JaxArray] {
  const a = promoteInexact("frexp", x);
  const special = lax.or(lax.eq(a, k(a, 0)), lax.not(lax.isFinite(a)));
  const safe = lax.select(special, k(a, 1), a);
  // log2 is within an ulp or two, so floor(log2|x|) + 1 is off by at most one; fix it up exactly below
  let e = lax.stopGradient(lax.add(lax.floor(log2(lax.abs(safe))), k(a, 1)));
  let m = ldexp(safe, castTo(lax.neg(e), "int32"));
  const tooBig = lax.ge(lax.abs(m), k(a, 1));
  m = lax.select(tooBig, lax.mul(m, k(a, 0.5)), m);
  e = lax.select(tooBig, lax.add(e, k(e, 1)), e);
  const tooSmall = lax.lt(lax.abs(m), k(a, 0.5));
  m = lax.select(tooSmall, lax.mul(m, k(a, 2)), m);
  e = lax.select(tooSmall, lax.sub(e, k(e, 1)), e);
  return [lax.select(special, a, m), castTo(lax.select(special, k(e, 0), e), "int32")];
}

/** [fractional part, integral part], both with the sign of x. */
export function modf(x: ArrayLike): [JaxArray, JaxArray] {
  const a = promoteInexact("modf", x);
  const whole = lax.select(lax.ge(a, k(a, 0)), lax.floor(a), lax.ceil(a));
  return [lax.sub(a, whole), whole];
}

// ---------------------------------------------------------------------------
// integer number theory

/** Euclid's algorithm unrolled to its worst case (consecutive Fibonacci numbers) for the dtype's width. */
export function gcd(x1: ArrayLike, x2: ArrayLike): JaxArray {
  let [a, b] = promoteArgs("gcd", [x1, x2]) as Pair;
  requireIntegral("gcd", a, "integer");
  a = isUnsigned(a.dtype) ? a : lax.abs(a);
  b = isUnsigned(b.dtype) ? b : lax.abs(b);
  const steps = a.dtype.endsWith("8") ? 13 : a.dtype.endsWith("16") ? 24 : 47;
  const zero = k(a, 0);
  for (let i = 0; i < steps; i++) {
    const nz = lax.ne(b, zero);
    const r = lax.rem(a, lax.select(nz, b, k(b, 1)));
    a = lax.select(nz, b, a);
    b = lax.select(nz, r, zero);
  }
  return a;
}
/** Least common multiple, |x1| * (|x2| / gcd); 0 if either is 0. */
export function lcm(x1: ArrayLike, x2: ArrayLike): JaxArray {
  let [a, b] = promoteArgs("lcm", [x1, x2]) as Pair;
  requireIntegral("lcm", a, "integer");
  a = isUnsigned(a.dtype) ? a : lax.abs(a);
  b = isUnsigned(b.dtype) ? b : lax.abs(b);
  const d = gcd(a, b);
  const dz = lax.eq(d, k(d, 0));
  return lax.select(dz, k(d, 0), lax.mul(a, lax.div(b, lax.select(dz, k(d, 1), d))));
}

// ---------------------------------------------------------------------------
// bit operations (integer and boolean dtypes)

function bitwise(op: string, f: (a: JaxArray, b: JaxArray) => JaxArray) {
  return (x1: ArrayLike, x2: ArrayLike): JaxArray => {
    const [a, b] = promoteArgs(op, [x1, x2]) as Pair;
    requireIntegral(op, a, "integer or boolean");
    return f(a, b);
  };
}
export const bitwiseAnd = bitwise("bitwiseAnd", lax.and);
export const bitwiseOr = bitwise("bitwiseOr", lax.or);
export const bitwiseXor = bitwise("bitwiseXor", lax.xor);

/** Bitwise NOT (logical NOT for booleans). */
export function bitwiseNot(x: ArrayLike): JaxArray {
  const a = asJax(x, "bitwiseNot");
  requireIntegral("bitwiseNot", a, "integer or boolean");
  return lax.not(a);
}
export const invert = bitwiseNot;
export const bitwiseInvert = bitwiseNot;

/** x1 << x2; shifting by the bit width or more gives 0. */
export function leftShift(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const [a, b] = numeric2("leftShift", x1, x2);
  requireIntegral("leftShift", a, "integer");
  return lax.shiftLeft(a, b);
}
/** x1 >> x2: arithmetic for signed dtypes (sign-filling), logical for unsigned ones. */
export function rightShift(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const [a, b] = numeric2("rightShift", x1, x2);
  requireIntegral("rightShift", a, "integer");
  return isUnsigned(a.dtype) ? lax.shiftRightLogical(a, b) : lax.shiftRightArithmetic(a, b);
}
export const bitwiseLeftShift = leftShift;
export const bitwiseRightShift = rightShift;

/** The number of 1 bits in |x|, as uint8 (a SWAR popcount on 32-bit words). */
export function bitwiseCount(x: ArrayLike): JaxArray {
  let a = asJax(x, "bitwiseCount");
  if (a.dtype === "bool") a = castTo(a, "int32");
  requireIntegral("bitwiseCount", a, "integer");
  const width = a.dtype.endsWith("8") ? 8 : a.dtype.endsWith("16") ? 16 : 32;
  let v: JaxArray;
  if (isUnsigned(a.dtype)) v = castTo(a, "uint32");
  else {
    // |x| as raw bits in a uint32, keeping only the original width (|int8 -128| is still -128: one bit)
    v = lax.bitcastConvertType(castTo(lax.abs(a), "int32"), "uint32");
    if (width < 32) v = lax.and(v, k(v, 2 ** width - 1));
  }
  const c = (n: number) => k(v, n);
  v = lax.sub(v, lax.and(lax.shiftRightLogical(v, c(1)), c(0x55555555)));
  v = lax.add(lax.and(v, c(0x33333333)), lax.and(lax.shiftRightLogical(v, c(2)), c(0x33333333)));
  v = lax.and(lax.add(v, lax.shiftRightLogical(v, c(4))), c(0x0f0f0f0f));
  v = lax.shiftRightLogical(lax.mul(v, c(0x01010101)), c(24));
  return castTo(v, "uint8");
}

// ---------------------------------------------------------------------------
// complex-number helpers, for real dtypes (jaxts has no complex dtypes)

/** The real part: x itself for real arrays. */
export function real(x: ArrayLike): JaxArray {
  return asJax(x, "real");
}
/** The imaginary part: zeros for real arrays. */
export function imag(x: ArrayLike): JaxArray {
  const a = asJax(x, "imag");
  return k(a, 0);
}
export function conjugate(x: ArrayLike): JaxArray {
  return asJax(x, "conjugate");
}
export const conj = conjugate;

/** The argument of x: 0 for x >= 0, π for x < 0 (degrees with {deg: true}). */
export function angle(x: ArrayLike, opts: { deg?: boolean } = {}): JaxArray {
  const a = promoteInexact("angle", x);
  const out = castTo(lax.atan2(k(a, 0), a), a.dtype);
  return opts.deg ? rad2deg(out) : out;
}
