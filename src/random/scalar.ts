// One-element mirrors of split, uniform and normal for the samplers whose rejection loops
// run element by element inside a primitive (gamma, poisson). Each computes what the array
// version computes for one element, in the same float precision (Math.fround for float32).

import { erfInv32, erfInv64 } from "../primitives/special.js";
import { hashInto } from "../primitives/threefry.js";
import { fma32, fma64 } from "./fma.js";

/** A key as its two uint32 words. */
export type Key = readonly [number, number];

const w0 = new Uint32Array(1);
const w1 = new Uint32Array(1);

/** The two threefry words of `key` at counter (hi, lo). */
function hash(key: Key, hi: number, lo: number): [number, number] {
  hashInto(key[0], key[1], hi, lo, w0, w1, 0);
  return [w0[0]!, w1[0]!];
}

/** split(key, n)[i]. */
export function splitAt(key: Key, i: number): Key {
  return hash(key, 0, i);
}

/** split(key, n) as a list. */
export function splitKey(key: Key, n: number): Key[] {
  return Array.from({ length: n }, (_, i) => hash(key, 0, i));
}

/** Float arithmetic of one dtype: rounding after each operation, and fused multiply-add. */
export interface FloatOps {
  readonly r: (x: number) => number;
  readonly fma: (x: number, y: number, z: number) => number;
  readonly erfInv: (x: number) => number;
  readonly epsneg: number;
}

export const F32: FloatOps = { r: Math.fround, fma: fma32, erfInv: erfInv32, epsneg: 2 ** -24 };
export const F64: FloatOps = { r: (x) => x, fma: fma64, erfInv: erfInv64, epsneg: 2 ** -53 };

/** uniform(key, shape, dtype) at flat index `i` of its shape, on [0, 1). */
export function uniformAt(key: Key, i: number, ops: FloatOps): number {
  const [a, b] = hash(key, 0, i);
  if (ops === F64) return (a >>> 12) * 2 ** -20 + ((((a & 0xfff) << 20) | (b >>> 12)) >>> 0) * 2 ** -52;
  return ((a ^ b) >>> 9) * 2 ** -23;
}

/** normal(key, shape, dtype) at flat index `i`. */
export function normalAt(key: Key, i: number, ops: FloatOps): number {
  const lo = ops.epsneg - 1;
  // maxval - minval = 2 - epsneg rounds to 2 in both dtypes
  const u = Math.max(lo, ops.fma(uniformAt(key, i, ops), 2, lo));
  return ops.r(ops.r(Math.SQRT2) * ops.erfInv(u));
}
