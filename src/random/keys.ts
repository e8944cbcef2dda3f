// PRNG keys: creation from a seed, splitting and folding in data, bit-for-bit as JAX's
// default threefry2x32 implementation with jax_threefry_partitionable (the default since
// JAX 0.5). Keys are raw uint32 arrays of shape [2], like JAX's legacy PRNGKey, so they
// are ordinary arrays to jit, vmap and pytrees.
import { ArrayImpl, JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { isInteger } from "../core/dtype.js";
import { checkShape, fmtShape, type Shape } from "../core/shape.js";
import { convertElementType } from "../primitives/elementwise.js";
import { broadcastInDim, concatenate, fullLike, iota, reshape, slice } from "../primitives/shape_ops.js";
import { threefry2x32 } from "../primitives/threefry.js";

const TWO_32 = 2 ** 32;

/**
 * A PRNG key from an integer seed: JAX's `key_data(jax.random.key(seed))`. With JAX's default
 * 32-bit mode the seed is reduced mod 2^32 (negative seeds wrap), giving [0, seed mod 2^32].
 * A traced integer scalar is accepted too, so keys can be made inside jit and vmap.
 */
export function key(seed: number | JaxArray): JaxArray {
  if (seed instanceof JaxArray) {
    if (!isInteger(seed.dtype) || seed.ndim !== 0) {
      throw new TypeError(`random.key: a seed array must be an integer scalar, got ${seed.dtype}${fmtShape(seed.shape)}.`);
    }
    const lo = reshape(convertElementType(seed, "uint32"), [1]);
    return concatenate([fullLike(new ShapedArray([1], "uint32"), 0), lo], 0);
  }
  if (!Number.isInteger(seed)) throw new TypeError(`random.key: the seed must be an integer, got ${seed}.`);
  if (Math.abs(seed) >= 2 ** 63) throw new RangeError(`random.key: the seed ${seed} does not fit in 64 bits.`);
  const lo = ((seed % TWO_32) + TWO_32) % TWO_32;
  return ArrayImpl.of(Uint32Array.of(0, lo), [2], "uint32");
}

/** Alias of `key` (JAX's legacy name; keys here are raw uint32 arrays either way). */
export const PRNGKey = key;

/** Checks that `k` is one key (uint32, shape [2]) and returns its two words as scalars. */
export function keyWords(op: string, k: unknown): [JaxArray, JaxArray] {
  if (!(k instanceof JaxArray) || k.dtype !== "uint32" || k.ndim !== 1 || k.shape[0] !== 2) {
    const what = k instanceof JaxArray ? `${k.dtype}${fmtShape(k.shape)}` : typeof k;
    const hint =
      k instanceof JaxArray && k.dtype === "uint32" && k.shape[k.ndim - 1] === 2
        ? " For a batch of keys, map over them with vmap."
        : " Make one with random.key(seed) or random.split(key).";
    throw new TypeError(`random.${op}: expected a single PRNG key (a uint32 array of shape [2]), got ${what}.${hint}`);
  }
  return [reshape(slice(k, [0], [1]), []), reshape(slice(k, [1], [2]), [])];
}

/**
 * The counters of a block of `shape`: the row-major index of each element as a 64-bit
 * integer split into (high, low) uint32 words. Arrays here never reach 2^32 elements, so
 * the high word is zero: a scalar, which threefry2x32 shares across the block.
 */
export function iota2x32(shape: Shape): [JaxArray, JaxArray] {
  const n = shape.reduce((a, b) => a * b, 1);
  return [ArrayImpl.scalar(0, "uint32"), reshape(iota("uint32", [n]), shape)];
}

/** The two threefry output words for each element of `shape` (JAX's partitionable scheme). */
export function blockBits(op: string, k: JaxArray, shape: Shape): [JaxArray, JaxArray] {
  const [k0, k1] = keyWords(op, k);
  const [c0, c1] = iota2x32(shape);
  return threefry2x32(k0, k1, c0, c1);
}

/** Stacks two equal-shape word arrays into keys of shape [...shape, 2]. */
function stackWords(a: JaxArray, b: JaxArray): JaxArray {
  const s = [...a.shape, 1];
  const dims = a.shape.map((_, i) => i);
  return concatenate([broadcastInDim(a, s, dims), broadcastInDim(b, s, dims)], a.ndim);
}

/** Splits a key into `num` new keys (shape [num, 2]), or into an array of keys of shape [...num, 2]. */
export function split(k: JaxArray, num: number | readonly number[] = 2): JaxArray {
  const shape = checkShape("random.split", num);
  const [b0, b1] = blockBits("split", k, shape);
  return stackWords(b0, b1);
}

/** A new key that is a deterministic function of `k` and the 32-bit integer `data`. */
export function foldIn(k: JaxArray, data: number | JaxArray): JaxArray {
  const [k0, k1] = keyWords("foldIn", k);
  let d: JaxArray;
  if (data instanceof JaxArray) {
    if (data.ndim !== 0 || !isInteger(data.dtype)) {
      throw new TypeError(
        `random.foldIn: data must be an integer scalar, got ${data.dtype}${fmtShape(data.shape)}. Use vmap for arrays of data.`,
      );
    }
    d = convertElementType(data, "uint32");
  } else {
    if (!Number.isInteger(data) || data < 0 || data >= TWO_32) {
      throw new RangeError(`random.foldIn: data must be an integer in [0, 2^32), got ${data}.`);
    }
    d = ArrayImpl.scalar(data, "uint32");
  }
  // JAX hashes the counter pair (0, data): the seed that `data` itself would make.
  const [a, b] = threefry2x32(k0, k1, fullLike(new ShapedArray([], "uint32"), 0), d);
  return stackWords(a, b);
}
