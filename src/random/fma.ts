// fma(x, y, z) = x·y + z rounded once: the fused multiply-add that XLA's CPU and GPU
// compilers contract `x * y + z` into. jax.random's float formulas (uniform's
// floats * (maxval - minval) + minval) therefore round once in JAX; the samplers bind this
// primitive at those places so that their floats equal JAX's bit for bit.

import { elementwise } from "../backends/cpu/kernels.js";
import * as E from "../backends/ort/elementwise_ops.js";
import type { JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { isFloat } from "../core/dtype.js";
import { definePrimitive, type Primitive, type Tangent } from "../core/primitive.js";
import { fmtShape, shapeEq } from "../core/shape.js";
import { bind1 } from "../core/trace.js";
import { addTangents, batchElementwise, scaleTangent } from "../primitives/rules.js";

type NoParams = Record<string, never>;

// ---- float32 (and 16-bit floats, computed in float32 as XLA does) ----

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 neighbour of r (a float32) on the side of s. */
function next32(r: number, s: number): number {
  f32[0] = r;
  if (r === 0) return s > 0 ? 2 ** -149 : -(2 ** -149);
  u32[0] = s > r === r > 0 ? u32[0]! + 1 : u32[0]! - 1;
  return f32[0]!;
}

/**
 * x·y is exact in float64 for float32 operands, and s + e (TwoSum) is exactly x·y + z;
 * rounding s to float32 is then correct unless s sits exactly on a float32 tie that e breaks.
 */
export function fma32(x: number, y: number, z: number): number {
  const p = x * y;
  const s = p + z;
  if (!Number.isFinite(s)) return Math.fround(s);
  const t = s - p;
  const e = p - (s - t) + (z - t);
  const r = Math.fround(s);
  if (e === 0 || r === s) return r;
  const other = next32(r, s);
  if (s - r !== other - s) return r;
  return e > 0 ? Math.max(r, other) : Math.min(r, other);
}

// ---- float64 ----

const SPLITTER = 2 ** 27 + 1;

/** Veltkamp split: hi + lo = a with hi holding the top 26 bits. */
function splitHi(a: number): number {
  const c = SPLITTER * a;
  return c - (c - a);
}

/**
 * Double-double evaluation: x·y = p + ep exactly (Dekker), p + z = s + es exactly (TwoSum),
 * then s + (es + ep). Rounding es + ep can only change the result when s + tail lands
 * exactly halfway between two doubles (its rounding error is then a power of two); that
 * rare case is settled with exact BigInt arithmetic, as are operands whose split could
 * overflow or whose product could underflow.
 */
export function fma64(x: number, y: number, z: number): number {
  const p = x * y;
  if (!Number.isFinite(p) || !Number.isFinite(z) || p === 0) return p + z;
  const ap = Math.abs(p);
  if (Math.abs(x) > 2 ** 995 || Math.abs(y) > 2 ** 995 || ap < 2 ** -960 || ap > 2 ** 1000) return fmaExact(x, y, z);
  const xh = splitHi(x);
  const xl = x - xh;
  const yh = splitHi(y);
  const yl = y - yh;
  const ep = xh * yh - p + xh * yl + xl * yh + xl * yl;
  const s = p + z;
  const t = s - p;
  const es = p - (s - t) + (z - t);
  const tail = es + ep;
  const tt = tail - es;
  const tailErr = es - (tail - tt) + (ep - tt);
  const r = s + tail;
  if (tailErr !== 0) {
    const rt = r - s;
    const roundErr = s - (r - rt) + (tail - rt);
    if (roundErr !== 0 && isPowerOfTwo(Math.abs(roundErr))) return fmaExact(x, y, z);
  }
  return r;
}

function isPowerOfTwo(v: number): boolean {
  if (v === 0) return false;
  const [m] = decompose(v);
  return (m & (m - 1n)) === 0n;
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** A finite double as m · 2^e with an integer m. */
function decompose(v: number): [bigint, number] {
  f64[0] = v;
  const bits = u64[0]!;
  const neg = bits >> 63n === 1n;
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = expBits - 1075;
  }
  return [neg ? -m : m, e];
}

/** x·y + z with exact integer arithmetic, rounded once (Number(bigint) rounds to nearest even). */
function fmaExact(x: number, y: number, z: number): number {
  const [mx, ex] = decompose(x);
  const [my, ey] = decompose(y);
  const [mz, ez] = decompose(z);
  const mp = mx * my;
  const ep = ex + ey;
  const e = Math.min(ep, ez);
  const sum = (mp << BigInt(ep - e)) + (mz << BigInt(ez - e));
  if (sum === 0n) return x * y + z;
  // keep 64 significant bits plus a sticky bit, so that Number() performs the one rounding
  const neg = sum < 0n;
  let mag = neg ? -sum : sum;
  let shift = mag.toString(2).length - 64;
  let exp = e;
  if (shift > 0) {
    const sticky = (mag & ((1n << BigInt(shift)) - 1n)) !== 0n ? 1n : 0n;
    mag = (mag >> BigInt(shift)) | sticky;
    exp += shift;
  } else shift = 0;
  const v = Number(mag) * 2 ** Math.max(exp, -1022) * 2 ** Math.min(exp + 1022, 0);
  return neg ? -v : v;
}

// ---- the primitive ----

export const fmaP: Primitive<NoParams> = definePrimitive<NoParams>({
  name: "fma",
  abstractEval(avals) {
    const [a, b, c] = avals as [ShapedArray, ShapedArray, ShapedArray];
    if (avals.length !== 3) throw new Error(`fma takes 3 operands (x, y, z), got ${avals.length}.`);
    if (!avals.every((v) => shapeEq(v.shape, a.shape) && v.dtype === a.dtype) || !isFloat(a.dtype)) {
      throw new TypeError(
        `fma: operands must be floats of one shape and dtype, got ${avals.map((v) => `${v.dtype}${fmtShape(v.shape)}`).join(", ")}.`,
      );
    }
    return [new ShapedArray(a.shape, a.dtype, a.weakType && b.weakType && c.weakType)];
  },
  impl([x, y, z]) {
    const [aval] = fmaP.abstractEval([x!.aval, y!.aval, z!.aval], {});
    return [elementwise(x!.dtype === "float64" ? fma64 : fma32, [x!, y!, z!], aval!)];
  },
  jvp([x, y, z], [tx, ty, tz]) {
    const out = fma(x!, y!, z!);
    const t: Tangent = addTangents(addTangents(scaleTangent(tx!, y!), scaleTangent(ty!, x!)), tz!);
    return [[out], [t]];
  },
  transpose: null,
  batch: batchElementwise(([x, y, z]) => [fma(x!, y!, z!)]),
  scalar: (dtype) => (dtype === "float64" ? fma64 : fma32),
  onnx: (g, [x, y, z]) => {
    E.floatOnly("fma", x!, ["float32"]);
    return [E.fma32(g, x!, y!, z!)];
  },
});

/** x·y + z with a single rounding. */
export const fma = (x: JaxArray, y: JaxArray, z: JaxArray): JaxArray => bind1(fmaP, [x, y, z], {});
