// Random bits and uniform floats: the two building blocks every other sampler draws from.
import type { ArrayLike, JaxArray } from "../core/array.js";
import { checkDType, type DType } from "../core/dtype.js";
import { checkShape, type Shape } from "../core/shape.js";
import {
  add,
  and,
  bitcastConvertType,
  convertElementType,
  max,
  mul,
  or,
  shiftLeft,
  shiftRightLogical,
  sub,
  xor,
} from "../primitives/elementwise.js";
import { fma } from "./fma.js";
import { blockBits } from "./keys.js";
import { checkFloatDtype, constant, paramAs } from "./params.js";

export interface BitsOpts {
  /** uint32 (default), uint16 or uint8. */
  dtype?: DType;
}

export interface UniformOpts {
  /** A float dtype; float32 by default. */
  dtype?: DType;
  /** Inclusive lower bound, broadcastable to `shape` (default 0). */
  minval?: ArrayLike;
  /** Exclusive upper bound, broadcastable to `shape` (default 1). */
  maxval?: ArrayLike;
}

/** 32 random bits per element: the xor of the two threefry words (JAX's partitionable bits). */
export function bits32(op: string, k: JaxArray, shape: Shape): JaxArray {
  const [a, b] = blockBits(op, k, shape);
  return xor(a, b);
}

/** Uniform random unsigned integers (all bit patterns equally likely). */
export function bits(k: JaxArray, shape: number | readonly number[] = [], opts: BitsOpts = {}): JaxArray {
  const s = checkShape("random.bits", shape);
  const dtype = opts.dtype === undefined ? "uint32" : checkDType("random.bits", opts.dtype);
  if (dtype !== "uint32" && dtype !== "uint16" && dtype !== "uint8") {
    throw new TypeError(`random.bits: dtype must be uint32, uint16 or uint8, got ${dtype}.`);
  }
  // narrower widths keep the low bits of the 32-bit draw, as JAX does
  return convertElementType(bits32("bits", k, s), dtype);
}

/**
 * Floats uniform on [0, 1): random mantissa bits under the exponent of 1.0, minus 1. Each
 * dtype draws what JAX draws: 32 bits for float32, 64 (both threefry words) for float64,
 * 16 for float16 and 8 for bfloat16.
 */
export function unitFloats(op: string, k: JaxArray, shape: Shape, dtype: DType): JaxArray {
  const u32 = (v: number) => constant(shape, "uint32", v);
  if (dtype === "float64") {
    // No uint64 here: the 52 mantissa bits of (hi << 32 | lo) >> 12 are hi >> 12 (20 bits)
    // and the 32 bits below; each converts to float64 exactly and so does their scaled sum.
    const [hi, lo] = blockBits(op, k, shape);
    const top = convertElementType(shiftRightLogical(hi, u32(12)), "float64");
    const bottom = convertElementType(or(shiftLeft(and(hi, u32(0xfff)), u32(20)), shiftRightLogical(lo, u32(12))), "float64");
    return add(mul(top, constant(shape, "float64", 2 ** -20)), mul(bottom, constant(shape, "float64", 2 ** -52)));
  }
  const raw = bits32(op, k, shape);
  const [uint, width, nmant, one] =
    dtype === "float32"
      ? (["uint32", 32, 23, 0x3f800000] as const)
      : dtype === "float16"
        ? (["uint16", 16, 10, 0x3c00] as const)
        : (["uint16", 8, 7, 0x3f80] as const);
  // bfloat16 samples 8 bits (its 7-bit mantissa), widened to 16
  const b = width === 8 ? convertElementType(convertElementType(raw, "uint8"), "uint16") : convertElementType(raw, uint);
  const mant = shiftRightLogical(b, constant(shape, uint, width - nmant));
  const asFloat = bitcastConvertType(or(mant, constant(shape, uint, one)), dtype);
  return sub(asFloat, constant(shape, dtype, 1));
}

/**
 * Floats uniform on [minval, maxval): JAX's jax.random.uniform, bit for bit. The affine
 * map is a fused multiply-add, as in the code XLA compiles for JAX.
 */
export function uniform(k: JaxArray, shape: number | readonly number[] = [], opts: UniformOpts = {}): JaxArray {
  const s = checkShape("random.uniform", shape);
  const dtype = checkFloatDtype("random.uniform", opts.dtype);
  const lo = paramAs("random.uniform", "minval", opts.minval ?? 0, dtype, s);
  const hi = paramAs("random.uniform", "maxval", opts.maxval ?? 1, dtype, s);
  const floats = unitFloats("uniform", k, s, dtype);
  return max(lo, fma(floats, sub(hi, lo), lo));
}
