// Raw little-endian element bytes of concrete arrays, shared by the file formats in src/io.
// Both safetensors and .npy (as we write it) store elements little-endian; typed arrays use
// the host's byte order, so a big-endian host swaps each element's bytes on the way.
import { ArrayImpl, type JaxArray } from "../core/array.js";
import type { DType, TypedArray } from "../core/dtype.js";
import { itemsize, typedArrayFor } from "../core/dtype.js";
import { sizeOf } from "../core/shape.js";

/**
 * node:fs, for the file helpers. Reached through process.getBuiltinModule rather than a static
 * import so that importing jaxts in a browser does not fail; there only bytes work.
 */
export function nodeFs(op: string): typeof import("node:fs") {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== "function")
    throw new Error(`${op}: reading and writing files needs Node.js (>= 20.16); elsewhere use the byte functions save and load.`);
  return get("node:fs") as typeof import("node:fs");
}

export const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Reverses the bytes of each `width`-byte element of `bytes` in place. */
export function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

/** The concrete array behind `x`, or an error saying that files need concrete values. */
export function concreteArray(op: string, name: string, x: unknown): ArrayImpl {
  if (x instanceof ArrayImpl) return x;
  const what = typeof x === "object" && x !== null && "aval" in x ? `a traced value (${String((x as JaxArray).aval)})` : typeof x;
  throw new TypeError(`${op}: "${name}" must be a concrete jaxts array, got ${what}. Write files outside jit and other transformations.`);
}

/** The elements of a concrete array as little-endian bytes (16-bit floats as their bit patterns). */
export function elementBytes(x: ArrayImpl): Uint8Array {
  const d = x.data;
  const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
  if (!HOST_LITTLE_ENDIAN) swapBytes(bytes, d.BYTES_PER_ELEMENT);
  return bytes;
}

/**
 * A new concrete array from element bytes (copied, so `bytes` may be unaligned), in the
 * given byte order. The byte count must be exactly size * itemsize.
 */
export function arrayFromBytes(bytes: Uint8Array, shape: readonly number[], dtype: DType, littleEndian = true): ArrayImpl {
  const n = sizeOf(shape);
  const data: TypedArray = typedArrayFor(dtype, n);
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length !== n * itemsize(dtype)) throw new Error(`arrayFromBytes: ${bytes.length} bytes for ${n} ${dtype} elements.`);
  view.set(bytes);
  if (littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(view, itemsize(dtype));
  return ArrayImpl.of(data, [...shape], dtype);
}

/**
 * 64-bit integers (which jaxts, like JAX without x64, does not have) as int32 or uint32,
 * as jnp.asarray would canonicalize them; a value that does not fit is an error, not a wrap.
 */
export function narrowInt64(
  op: string,
  name: string,
  bytes: Uint8Array,
  shape: readonly number[],
  signed: boolean,
  littleEndian = true,
): ArrayImpl {
  const n = sizeOf(shape);
  if (bytes.length !== n * 8) throw new Error(`${op}: "${name}" has ${bytes.length} bytes for ${n} 64-bit elements.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dtype: DType = signed ? "int32" : "uint32";
  const out = typedArrayFor(dtype, n);
  const [lo, hi] = signed ? [-(2n ** 31n), 2n ** 31n - 1n] : [0n, 2n ** 32n - 1n];
  for (let i = 0; i < n; i++) {
    const v = signed ? view.getBigInt64(8 * i, littleEndian) : view.getBigUint64(8 * i, littleEndian);
    if (v < lo || v > hi) {
      throw new RangeError(
        `${op}: "${name}" holds ${v} at flat index ${i}, which does not fit in ${dtype} (jaxts has no 64-bit integers).`,
      );
    }
    out[i] = Number(v);
  }
  return ArrayImpl.of(out, [...shape], dtype);
}
