// threefry2x32: the Threefry-2x32 block cipher (20 rounds), the counter-based hash under
// every jax.random function. It maps a key pair (key0, key1) and a counter pair (x0, x1)
// to two words of pseudo-random bits, elementwise, exactly as JAX's threefry2x32_p does.

import * as E from "../backends/ort/elementwise_ops.js";
import { ArrayImpl, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { type BatchDim, definePrimitive, type Primitive, Zero } from "../core/primitive.js";
import { fmtShape, type Shape, shapeEq } from "../core/shape.js";
import { bind } from "../core/trace.js";
import { moveBatchAxis } from "./rules.js";
import { broadcastInDim } from "./shape_ops.js";

type NoParams = Record<string, never>;

/**
 * Operands are uint32 and each is either a scalar or of the common shape (keys are
 * usually scalars shared by every counter, so they are never materialized per element).
 */
function outShape(shapes: Shape[]): Shape {
  const full = shapes.find((s) => s.length > 0) ?? [];
  for (const s of shapes) {
    if (s.length > 0 && !shapeEq(s, full)) {
      throw new Error(
        `threefry2x32: operands must be scalars or share one shape, got ${shapes.map(fmtShape).join(", ")}. ` +
          "Broadcast the keys or the counters explicitly.",
      );
    }
  }
  return full;
}

export const threefry2x32P: Primitive<NoParams> = definePrimitive<NoParams>({
  name: "threefry2x32",
  abstractEval(avals) {
    if (avals.length !== 4) throw new Error(`threefry2x32 takes 4 operands (key0, key1, x0, x1), got ${avals.length}.`);
    const bad = avals.find((a) => a.dtype !== "uint32");
    if (bad) {
      throw new TypeError(`threefry2x32: operands must be uint32, got ${avals.map((a) => a.dtype).join(", ")}.`);
    }
    const aval = new ShapedArray(outShape(avals.map((a) => a.shape)), "uint32");
    return [aval, aval];
  },
  impl(args) {
    const [aval] = threefry2x32P.abstractEval(
      args.map((a) => a.aval),
      {},
    ) as [ShapedArray];
    const out0 = new Uint32Array(aval.size);
    const out1 = new Uint32Array(aval.size);
    const [k0, k1, x0, x1] = args.map((a) => a.data as Uint32Array) as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    threefryKernel(k0, k1, x0, x1, out0, out1);
    return [new ArrayImpl(out0, aval), new ArrayImpl(out1, aval)];
  },
  // Integer outputs: their tangents are always zero.
  jvp(primals) {
    const outs = threefry2x32(primals[0]!, primals[1]!, primals[2]!, primals[3]!);
    return [outs, outs.map((o) => new Zero(o.aval))];
  },
  transpose: null,
  batch(size: number, args: JaxArray[], dims: BatchDim[]): [JaxArray[], BatchDim[]] {
    // The unbatched common shape; every operand becomes [size, ...shape].
    const shape = outShape(args.map((a, i) => (dims[i] === null ? a.shape : a.shape.filter((_, d) => d !== dims[i]))));
    const full = [size, ...shape];
    const moved = args.map((x, i) => {
      const bd = dims[i] ?? null;
      const m = moveBatchAxis(size, bd, 0, x);
      if (m.ndim === full.length) return m;
      // a (batched) scalar: its only axis is the batch axis
      return broadcastInDim(m, full, [0]);
    });
    const outs = bind(threefry2x32P, moved, {});
    return [outs, [0, 0]];
  },
  onnx: (g, ins) => E.threefry(g, ins),
});

/** The two output words of threefry2x32 on key (key0, key1) and counters (x0, x1). */
export function threefry2x32(key0: JaxArray, key1: JaxArray, x0: JaxArray, x1: JaxArray): [JaxArray, JaxArray] {
  const [a, b] = bind(threefry2x32P, [key0, key1, x0, x1], {});
  return [a!, b!];
}

/**
 * The hash over all elements; a length-1 operand is a scalar shared by every element.
 * Additions wrap mod 2^32: `| 0` keeps them in int32, and storing into a Uint32Array
 * reinterprets the same 32 bits as unsigned.
 */
function threefryKernel(k0: Uint32Array, k1: Uint32Array, x0: Uint32Array, x1: Uint32Array, out0: Uint32Array, out1: Uint32Array): void {
  const n = out0.length;
  const sk0 = k0.length === 1 && n !== 1;
  const sk1 = k1.length === 1 && n !== 1;
  const sx0 = x0.length === 1 && n !== 1;
  const sx1 = x1.length === 1 && n !== 1;
  for (let i = 0; i < n; i++) {
    hashInto(k0[sk0 ? 0 : i]!, k1[sk1 ? 0 : i]!, x0[sx0 ? 0 : i]!, x1[sx1 ? 0 : i]!, out0, out1, i);
  }
}

/**
 * threefry2x32 of one key and counter pair, written to out0[i] and out1[i]: five groups of
 * four rounds (rotations 13, 15, 26, 6 and 17, 29, 16, 24 alternately, Salmon et al. 2011),
 * each group followed by a key injection (ks[g+1], ks[g+2] and the counter g+1), unrolled.
 */
export function hashInto(key0: number, key1: number, x0: number, x1: number, out0: Uint32Array, out1: Uint32Array, i: number): void {
  const ks0 = key0 | 0;
  const ks1 = key1 | 0;
  const ks2 = ks0 ^ ks1 ^ 0x1bd11bda;
  let a = (x0 + ks0) | 0;
  let b = (x1 + ks1) | 0;
  a = (a + b) | 0;
  b = ((b << 13) | (b >>> 19)) ^ a;
  a = (a + b) | 0;
  b = ((b << 15) | (b >>> 17)) ^ a;
  a = (a + b) | 0;
  b = ((b << 26) | (b >>> 6)) ^ a;
  a = (a + b) | 0;
  b = ((b << 6) | (b >>> 26)) ^ a;
  a = (a + ks1) | 0;
  b = (b + ks2 + 1) | 0;
  a = (a + b) | 0;
  b = ((b << 17) | (b >>> 15)) ^ a;
  a = (a + b) | 0;
  b = ((b << 29) | (b >>> 3)) ^ a;
  a = (a + b) | 0;
  b = ((b << 16) | (b >>> 16)) ^ a;
  a = (a + b) | 0;
  b = ((b << 24) | (b >>> 8)) ^ a;
  a = (a + ks2) | 0;
  b = (b + ks0 + 2) | 0;
  a = (a + b) | 0;
  b = ((b << 13) | (b >>> 19)) ^ a;
  a = (a + b) | 0;
  b = ((b << 15) | (b >>> 17)) ^ a;
  a = (a + b) | 0;
  b = ((b << 26) | (b >>> 6)) ^ a;
  a = (a + b) | 0;
  b = ((b << 6) | (b >>> 26)) ^ a;
  a = (a + ks0) | 0;
  b = (b + ks1 + 3) | 0;
  a = (a + b) | 0;
  b = ((b << 17) | (b >>> 15)) ^ a;
  a = (a + b) | 0;
  b = ((b << 29) | (b >>> 3)) ^ a;
  a = (a + b) | 0;
  b = ((b << 16) | (b >>> 16)) ^ a;
  a = (a + b) | 0;
  b = ((b << 24) | (b >>> 8)) ^ a;
  a = (a + ks1) | 0;
  b = (b + ks2 + 4) | 0;
  a = (a + b) | 0;
  b = ((b << 13) | (b >>> 19)) ^ a;
  a = (a + b) | 0;
  b = ((b << 15) | (b >>> 17)) ^ a;
  a = (a + b) | 0;
  b = ((b << 26) | (b >>> 6)) ^ a;
  a = (a + b) | 0;
  b = ((b << 6) | (b >>> 26)) ^ a;
  a = (a + ks2) | 0;
  b = (b + ks0 + 5) | 0;
  out0[i] = a;
  out1[i] = b;
}
