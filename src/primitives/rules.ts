// Helpers shared by the rules of many primitives (tangent arithmetic, batching moves).
import type { ArrayImpl, JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { type BatchDim, type Tangent, Zero } from "../core/primitive.js";
import { add, mul, neg } from "./elementwise.js";
import { broadcastInDim, fullLike, transpose } from "./shape_ops.js";

export function isZero(t: Tangent | null | undefined): t is Zero {
  return t instanceof Zero;
}

/** Sum of tangents that may be symbolic zeros. */
export function addTangents(a: Tangent, b: Tangent): Tangent {
  if (a instanceof Zero) return b;
  if (b instanceof Zero) return a;
  return add(a, b);
}

export function instantiate(t: Tangent): JaxArray {
  return t instanceof Zero ? fullLike(t.aval, 0) : t;
}

export function scaleTangent(t: Tangent, by: JaxArray): Tangent {
  return t instanceof Zero ? t : mul(t, by);
}

export function negTangent(t: Tangent): Tangent {
  return t instanceof Zero ? t : neg(t);
}

export function zeroLike(x: { aval: ShapedArray }): Zero {
  return new Zero(x.aval);
}

/** The same aval with another dtype (weak type kept). */
export function withDtype(a: ShapedArray, dtype: ShapedArray["dtype"], weak = a.weakType): ShapedArray {
  return new ShapedArray(a.shape, dtype, weak);
}

/** Moves the batch axis of `x` from `from` to `to` (null: broadcast a new axis of `size`). */
export function moveBatchAxis(size: number, from: BatchDim, to: number, x: JaxArray): JaxArray {
  if (from === null) {
    const shape = [...x.shape];
    shape.splice(to, 0, size);
    const dims = [...Array(x.ndim).keys()].map((d) => (d < to ? d : d + 1));
    return broadcastInDim(x, shape, dims);
  }
  if (from === to) return x;
  const perm = [...Array(x.ndim).keys()].filter((d) => d !== from);
  perm.splice(to, 0, from);
  return transpose(x, perm);
}

/**
 * The batching rule of any elementwise primitive: operands batched along axis 0. Unbatched
 * rank-0 operands stay scalars (they broadcast by themselves); a batched rank-0 operand
 * becomes [batch] and is broadcast to the full batched shape.
 */
export function batchElementwise<P>(bindFn: (args: JaxArray[], params: P) => JaxArray[]) {
  return (size: number, args: JaxArray[], dims: BatchDim[], params: P): [JaxArray[], BatchDim[]] => {
    const logical = args.map((x, i) => (dims[i] === null || dims[i] === undefined ? x.shape : x.shape.filter((_, d) => d !== dims[i])));
    const outShape = logical.reduce((s, l) => (l.length > s.length ? l : s), [] as readonly number[]);
    const moved = args.map((x, i) => {
      const d = dims[i] ?? null;
      if (d === null && x.ndim === 0) return x;
      const m = moveBatchAxis(size, d, 0, x);
      return logical[i]!.length === 0 && outShape.length > 0 ? broadcastInDim(m, [size, ...outShape], [0]) : m;
    });
    const outs = bindFn(moved, params);
    return [outs, outs.map(() => 0)];
  };
}

export type ImplFn<P> = (args: ArrayImpl[], params: P) => ArrayImpl[];
