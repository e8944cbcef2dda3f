// Emission helpers for the ONNX lowerings of the elementwise primitives (and threefry2x32,
// an elementwise hash), which their declarations in src/primitives/ call. Each keeps the
// cpu engine's semantics exactly where ONNX's operator differs: integer division by zero,
// shifts past the width, float-to-int conversion of NaN and of values out of range, NaN
// propagation, log1p/expm1 near zero.
import type { DType } from "../../core/dtype.js";
import { isFloat, isUnsigned } from "../../core/dtype.js";
import { int, type ODType, ONNX_CODE, OrtUnsupported, type Scope, type Val } from "./graph.js";
import type { LowerRule } from "./rule.js";
import * as T from "./typed_ops.js";

export const floatOnly = (op: string, x: Val, allowed: readonly ODType[] = ["float32", "float64"]): void => {
  if (!allowed.includes(x.dtype)) throw new OrtUnsupported(`${op} on ${x.dtype} has no exact onnxruntime kernel`);
};

/** A unary float op mapped 1:1 to an ONNX operator. */
export const unary =
  (onnx: string, allowed?: readonly ODType[]): LowerRule =>
  (g, [x]) => {
    floatOnly(onnx, x!, allowed);
    return [g.ew(onnx, [x!], x!.dtype)];
  };

const bits = (d: ODType): number => (d.endsWith("8") ? 8 : d.endsWith("16") ? 16 : 32);
const isSigned = (d: ODType): boolean => !isFloat(d as DType) && d !== "bool" && !isUnsigned(d as DType);

export function log1p(g: Scope, x: Val): Val {
  // Goldberg's trick: with u = 1 + x rounded, log(u) * x / (u - 1) is accurate to a few ulps.
  const dt = x.dtype;
  const u = g.ew("Add", [x, g.scalar(1, dt)], dt);
  const d = g.ew("Sub", [u, g.scalar(1, dt)], dt);
  const r = g.ew("Mul", [g.ew("Log", [u], dt), g.ew("Div", [x, d], dt)], dt);
  const exact = T.where(g, T.cmp(g, "Equal", d, g.scalar(0, dt)), x, r);
  return T.where(g, g.ew("IsInf", [x], "bool", { detect_negative: int(0) }), x, exact);
}

export function expm1(g: Scope, x: Val): Val {
  // Kahan's trick: with u = exp(x) rounded, (u - 1) * x / log(u) is accurate to a few ulps.
  const dt = x.dtype;
  const u = g.ew("Exp", [x], dt);
  const um1 = g.ew("Sub", [u, g.scalar(1, dt)], dt);
  const r = g.ew("Mul", [um1, g.ew("Div", [x, g.ew("Log", [u], dt)], dt)], dt);
  let out = T.where(g, T.cmp(g, "Equal", um1, g.scalar(-1, dt)), g.scalar(-1, dt), r);
  out = T.where(g, T.cmp(g, "Equal", u, g.scalar(1, dt)), x, out);
  return T.where(g, g.ew("IsInf", [u], "bool", { detect_negative: int(0) }), u, out);
}

/** The sign bit of a float (true for -0). */
export function signBit(g: Scope, x: Val): Val {
  const dt = x.dtype;
  const zero = g.scalar(0, dt);
  const negZero = T.and(g, T.cmp(g, "Equal", x, zero), T.cmp(g, "Less", g.ew("Div", [g.scalar(1, dt), x], dt), zero));
  return T.or(g, T.cmp(g, "Less", x, zero), negZero);
}

export function atan2(g: Scope, x: Val, y: Val): Val {
  // atan2(x, y) = atan(x / y), moved into the right quadrant; the cases where x / y is 0/0,
  // inf/inf or divides by -0 are first replaced by ones with the same answer.
  const dt = x.dtype;
  const s = (v: number) => g.scalar(v, dt);
  const isInf = (v: Val) => g.ew("IsInf", [v], "bool");
  const bothInf = T.and(g, isInf(x), isInf(y));
  const yZero = T.cmp(g, "Equal", y, s(0));
  const bothZero = T.and(g, T.cmp(g, "Equal", x, s(0)), yZero);
  const x1 = T.where(g, bothInf, g.ew("Sign", [x], dt), x);
  const yUnit = T.where(g, signBit(g, y), s(-1), s(1));
  const y1 = T.where(g, bothInf, g.ew("Sign", [y], dt), T.where(g, bothZero, yUnit, T.where(g, yZero, s(0), y)));
  const r = g.ew("Atan", [g.ew("Div", [x1, y1], dt)], dt);
  const turn = T.where(g, signBit(g, x1), s(-Math.PI), s(Math.PI));
  return T.where(g, T.cmp(g, "Less", y1, s(0)), g.ew("Add", [r, turn], dt), r);
}

/** Integer division or remainder as the cpu engine does them (x / 0 = -1 or all ones, x % 0 = x; INT_MIN / -1 wraps). */
export function intDivRem(g: Scope, x: Val, y: Val, rem: boolean): Val {
  const xx = g.cast(x, "int64");
  const yy = g.cast(y, "int64");
  const zero = T.cmp(g, "Equal", yy, g.scalar(0, "int64"));
  const ys = T.where(g, zero, g.scalar(1, "int64"), yy);
  const r = rem
    ? T.where(g, zero, xx, g.ew("Mod", [xx, ys], "int64", { fmod: int(1) }))
    : T.where(g, zero, g.scalar(-1, "int64"), g.ew("Div", [xx, ys], "int64"));
  return g.cast(r, x.dtype);
}

/** A shift amount as uint32, with the mask of positions where it is in [0, width). */
function shiftAmount(g: Scope, y: Val, width: number): { amount: Val; valid: Val } {
  const y64 = g.cast(y, "int64");
  const valid = T.and(g, T.cmp(g, "GreaterOrEqual", y64, g.scalar(0, "int64")), T.cmp(g, "Less", y64, g.scalar(width, "int64")));
  return { amount: g.cast(T.where(g, valid, y64, g.scalar(0, "int64")), "uint32"), valid };
}

export function shiftLeft(g: Scope, x: Val, y: Val): Val {
  const dt = x.dtype;
  const { amount, valid } = shiftAmount(g, y, bits(dt));
  // Widening to uint32 keeps the low bits, the only ones the result keeps.
  const r = g.cast(T.shift(g, g.cast(x, "uint32"), amount, "LEFT"), dt);
  return T.where(g, valid, r, g.filled(0, dt, x.shape));
}

export function shiftRightLogical(g: Scope, x: Val, y: Val): Val {
  const dt = x.dtype;
  const n = bits(dt);
  const { amount, valid } = shiftAmount(g, y, n);
  // the n-bit pattern, zero-extended to 32 bits
  const xu = g.ew("BitwiseAnd", [g.cast(x, "uint32"), g.scalar(n === 32 ? 0xffffffff : 2 ** n - 1, "uint32")], "uint32");
  const r = g.cast(T.shift(g, xu, amount, "RIGHT"), dt);
  return T.where(g, valid, r, g.filled(0, dt, x.shape));
}

export function shiftRightArithmetic(g: Scope, x: Val, y: Val): Val {
  // The cpu engine computes JS's `x >> min(max(y, 0), n - 1)`: it sign-extends values that
  // are negative as JS numbers (signed dtypes, and uint32 values >= 2^31).
  const dt = x.dtype;
  const n = bits(dt);
  const y64 = g.cast(y, "int64");
  const amount = g.cast(T.min(g, T.max(g, y64, g.scalar(0, "int64")), g.scalar(n - 1, "int64")), "uint32");
  const xu = g.cast(x, "uint32");
  let r = T.shift(g, xu, amount, "RIGHT");
  const negative = isSigned(dt)
    ? T.cmp(g, "Less", x, g.scalar(0, dt))
    : dt === "uint32"
      ? T.cmp(g, "GreaterOrEqual", x, g.scalar(2 ** 31, dt))
      : null;
  if (negative) {
    const fill = g.ew("BitwiseNot", [T.shift(g, g.scalar(0xffffffff, "uint32"), amount, "RIGHT")], "uint32");
    r = T.where(g, negative, g.ew("BitwiseOr", [r, fill], "uint32"), r);
  }
  return g.cast(r, dt);
}

export function integerPow(g: Scope, x: Val, y: number): Val {
  const dt = x.dtype;
  if (y === 0) return g.filled(1, dt, x.shape);
  if (y < 0 && !isFloat(dt as DType)) {
    // integer x ** negative: 1 for 1, ±1 for -1, else 0
    const minusOne = isUnsigned(dt as DType) ? null : T.cmp(g, "Equal", x, g.scalar(-1, dt));
    let r = T.where(g, T.cmp(g, "Equal", x, g.scalar(1, dt)), g.scalar(1, dt), g.filled(0, dt, x.shape));
    if (minusOne) r = T.where(g, minusOne, g.scalar(y % 2 ? -1 : 1, dt), r);
    return r;
  }
  // exponentiation by squaring
  let e = Math.abs(y);
  let acc: Val | null = null;
  let base = x;
  while (e > 0) {
    if (e & 1) acc = acc ? T.mul(g, acc, base) : base;
    e >>= 1;
    if (e > 0) base = T.mul(g, base, base);
  }
  return y < 0 ? g.ew("Div", [g.scalar(1, dt), acc!], dt) : acc!;
}

export function convert(g: Scope, x: Val, to: DType): Val {
  const from = x.dtype;
  if (from === to) return x;
  if (to === "float16" || to === "bfloat16") throw new OrtUnsupported(`conversion to ${to}`);
  if (to === "bool") {
    // anything but zero is true, NaN included (numpy and JAX)
    return T.not(g, T.cmp(g, "Equal", x, g.scalar(0, from)));
  }
  if (isFloat(from as DType) && !isFloat(to)) {
    // Typed-array semantics: truncate, then wrap modulo 2^bits (NaN and ±inf become 0).
    // The mask keeps onnxruntime from fusing the two casts into one saturating cast.
    const n = bits(to);
    const t = g.cast(x, "int64");
    const masked = g.ew("BitwiseAnd", [t, g.scalar(2 ** n - 1, "int64")], "int64");
    return g.cast(masked, to);
  }
  return g.cast(x, to);
}

/**
 * A float32 fma rounded once: the product is exact in float64 and the sum, rounded to odd
 * there (nudged one ulp toward its rounding error when inexact and even), rounds to float32
 * exactly as the exact result would (53 >= 24 + 2 bits).
 */
export function fma32(g: Scope, x: Val, y: Val, z: Val): Val {
  g.requireOpset(26); // BitCast
  const d = (v: Val) => g.cast(v, "float64");
  const f = (op: string, a: Val, b: Val) => g.ew(op, [a, b], "float64");
  const p = f("Mul", d(x), d(y));
  const zz = d(z);
  const s = f("Add", p, zz);
  const t = f("Sub", s, p);
  const e = f("Add", f("Sub", p, f("Sub", s, t)), f("Sub", zz, t));
  const bits = g.ew("BitCast", [s], "int64", { to: int(ONNX_CODE.int64) });
  const one = g.scalar(1, "int64");
  const even = T.cmp(g, "Equal", g.ew("BitwiseAnd", [bits, one], "int64"), g.scalar(0, "int64"));
  const zero = g.scalar(0, "float64");
  const finite = T.not(g, T.or(g, T.nan(g, s), g.ew("IsInf", [s], "bool")));
  const nudge = T.and(g, T.and(g, even, T.not(g, T.cmp(g, "Equal", e, zero))), finite);
  const outward = T.cmp(g, "Equal", T.cmp(g, "Less", e, zero), T.cmp(g, "Less", s, zero));
  const moved = T.where(g, outward, g.ew("Add", [bits, one], "int64"), g.ew("Sub", [bits, one], "int64"));
  const odd = g.ew("BitCast", [T.where(g, nudge, moved, bits)], "float64", { to: int(ONNX_CODE.float64) });
  return g.cast(odd, "float32");
}

export const BITCAST_TYPES: readonly ODType[] = ["float32", "float64", "int32", "uint32", "int16", "uint16", "int8", "uint8"];

export function threefry(g: Scope, [k0, k1, x0, x1]: Val[]): Val[] {
  const u = (v: number) => g.scalar(v >>> 0, "uint32");
  const add = (a: Val, b: Val) => g.ew("Add", [a, b], "uint32");
  const xor = (a: Val, b: Val) => g.ew("BitwiseXor", [a, b], "uint32");
  const shl = (a: Val, r: number) => g.ew("BitShift", [a, u(r)], "uint32", { direction: { kind: "string", value: "LEFT" } });
  const shr = (a: Val, r: number) => g.ew("BitShift", [a, u(r)], "uint32", { direction: { kind: "string", value: "RIGHT" } });
  const rotl = (a: Val, r: number) => g.ew("BitwiseOr", [shl(a, r), shr(a, 32 - r)], "uint32");
  const ks = [k0!, k1!, xor(xor(k0!, k1!), u(0x1bd11bda))];
  const rotations = [
    [13, 15, 26, 6],
    [17, 29, 16, 24],
  ];
  let a = add(x0!, ks[0]!);
  let b = add(x1!, ks[1]!);
  for (let group = 0; group < 5; group++) {
    for (const r of rotations[group % 2]!) {
      a = add(a, b);
      b = xor(rotl(b, r), a);
    }
    a = add(a, ks[(group + 1) % 3]!);
    b = add(add(b, ks[(group + 2) % 3]!), u(group + 1));
  }
  return [a, b];
}
