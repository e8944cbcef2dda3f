// sort: a stable sort of several same-shaped operands along one axis, ordered
// lexicographically by the first `numKeys` of them (lax.sort). Floating-point keys use
// JAX's total order: -0.0 and 0.0 compare equal and NaNs go last, so sorting is stable and
// deterministic. The other operands travel with the keys (argsort sorts (x, iota)).

import * as S from "../backends/ort/structural_ops.js";
import { ArrayImpl, type JaxArray, type NumericList } from "../core/array.js";
import { isFloat, typedArrayFor } from "../core/dtype.js";
import { definePrimitive, type Primitive, type Tangent, Zero } from "../core/primitive.js";
import { fmtShape, shapeEq, sizeOf, stridesOf } from "../core/shape.js";
import { bind } from "../core/trace.js";
import { takeAlongAxisInBounds } from "./gather_scatter.js";
import { moveBatchAxis } from "./rules.js";
import { iota, rev, slice } from "./shape_ops.js";

export interface SortParams {
  dimension: number;
  isStable: boolean;
  numKeys: number;
}

type Cmp = (a: number, b: number) => number;
const numericCmp: Cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
/** NaN after everything, and -0 == 0 (the comparison operators already treat them equal). */
const floatCmp: Cmp = (a, b) => {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
};

function sortImpl(xs: ArrayImpl[], { dimension, numKeys }: SortParams): ArrayImpl[] {
  const shape = xs[0]!.shape;
  const n = shape[dimension]!;
  const stride = stridesOf(shape)[dimension]!;
  const lanes = n === 0 ? 0 : sizeOf(shape) / n;
  const keys: NumericList[] = xs.slice(0, numKeys).map((x) => x.values());
  const cmps = xs.slice(0, numKeys).map((x) => (isFloat(x.dtype) ? floatCmp : numericCmp));
  const outs = xs.map((x) => typedArrayFor(x.dtype, x.size));
  const perm = new Array<number>(n);
  for (let lane = 0; lane < lanes; lane++) {
    // the flat offset of this lane's first element: lanes run over all axes but `dimension`
    const outer = Math.floor(lane / stride);
    const base = outer * n * stride + (lane % stride);
    for (let j = 0; j < n; j++) perm[j] = j;
    perm.sort((a, b) => {
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k]!;
        const c = cmps[k]!(key[base + a * stride]!, key[base + b * stride]!);
        if (c !== 0) return c;
      }
      return 0;
    });
    xs.forEach((x, i) => {
      const src = x.data;
      const dst = outs[i]!;
      for (let j = 0; j < n; j++) dst[base + j * stride] = src[base + perm[j]! * stride]!;
    });
  }
  return xs.map((x, i) => new ArrayImpl(outs[i]!, x.aval));
}

export const sortP: Primitive<SortParams> = definePrimitive<SortParams>({
  name: "sort",
  abstractEval(avals, { dimension, numKeys }) {
    const a = avals[0];
    if (!a) throw new Error("sort: needs at least one operand.");
    if (!Number.isInteger(dimension) || dimension < 0 || dimension >= a.ndim) {
      throw new RangeError(`sort: dimension ${dimension} is out of bounds for operands of shape ${fmtShape(a.shape)}.`);
    }
    if (!Number.isInteger(numKeys) || numKeys < 1 || numKeys > avals.length) {
      throw new Error(`sort: numKeys must be between 1 and the number of operands (${avals.length}), got ${numKeys}.`);
    }
    for (const b of avals) {
      if (!shapeEq(a.shape, b.shape)) {
        throw new Error(`sort: all operands must have the same shape, got ${avals.map((x) => fmtShape(x.shape)).join(", ")}.`);
      }
    }
    return avals;
  },
  impl: (xs, p) => sortImpl(xs, p),
  jvp(primals, tangents, p) {
    // Sort an iota along with the operands; it is the permutation that moves the tangents.
    const perm = iota("int32", primals[0]!.shape, p.dimension);
    const outs = sortMany([...primals, perm], p);
    const order = outs.pop()!;
    const touts: Tangent[] = tangents.map((t, i) =>
      t instanceof Zero ? new Zero(outs[i]!.aval) : takeAlongAxisInBounds(t, order, p.dimension),
    );
    return [outs, touts];
  },
  transpose: null,
  batch(size, xs, dims, p) {
    const moved = xs.map((x, i) => moveBatchAxis(size, dims[i] ?? null, 0, x));
    const outs = sortMany(moved, { ...p, dimension: p.dimension + 1 });
    return [outs, outs.map(() => 0)];
  },
  printParams: (p) => `[dimension=${p.dimension} is_stable=${p.isStable ? "True" : "False"} num_keys=${p.numKeys}]`,
  onnx: (g, xs, p) => S.sort(g, xs, p),
});

// ---- binders ----

export interface SortOpts {
  /** The axis to sort along (default -1). */
  dimension?: number;
  /** Accepted for JAX compatibility: the sort is always stable. */
  isStable?: boolean;
  /** How many leading operands are keys (default 1). */
  numKeys?: number;
}

/** Binds sort on a list of operands with a normalized dimension (used by the rules above). */
function sortMany(operands: readonly JaxArray[], p: SortParams): JaxArray[] {
  return bind(sortP, [...operands], p);
}

/**
 * lax.sort(operand or operands, {dimension = -1, numKeys = 1}): a sorted copy of one array,
 * or sorted copies of several same-shaped arrays ordered lexicographically by the first
 * `numKeys` of them (the others move along). Stable; NaNs last; -0 == 0.
 */
export function sort(operand: JaxArray, opts?: SortOpts): JaxArray;
export function sort(operands: readonly JaxArray[], opts?: SortOpts): JaxArray[];
export function sort(operands: JaxArray | readonly JaxArray[], opts: SortOpts = {}): JaxArray | JaxArray[] {
  const list = Array.isArray(operands) ? (operands as readonly JaxArray[]) : [operands as JaxArray];
  const nd = list[0]?.ndim ?? 0;
  const d = opts.dimension ?? -1;
  const dimension = d < 0 ? d + nd : d;
  const outs = sortMany(list, { dimension, isStable: true, numKeys: opts.numKeys ?? 1 });
  return Array.isArray(operands) ? outs : outs[0]!;
}

/** lax.sort_key_val(keys, values, dimension = -1): sorts `keys`, moving `values` with them. */
export function sortKeyVal(keys: JaxArray, values: JaxArray, dimension = -1): [JaxArray, JaxArray] {
  const [k, v] = sort([keys, values], { dimension });
  return [k!, v!];
}

/**
 * lax.top_k: the k largest entries along the last axis and their indices, largest first;
 * ties keep the lower index first and NaNs count as the largest. Differentiable in x.
 */
export function topK(x: JaxArray, k: number): [JaxArray, JaxArray] {
  if (x.ndim === 0) throw new Error("topK: the operand must have at least one axis.");
  const last = x.ndim - 1;
  const n = x.shape[last]!;
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`topK: k must be an integer between 0 and the last axis size ${n}, got ${k}.`);
  }
  // A stable descending sort: sort the reversed row ascending, then reverse back.
  const idx = iota("int32", x.shape, last);
  const [v, i] = sort([rev(x, [last]), rev(idx, [last])], { dimension: last, numKeys: 1 });
  const start = x.shape.map(() => 0);
  const limit = x.shape.map((s, d) => (d === last ? k : s));
  return [slice(rev(v!, [last]), start, limit), slice(rev(i!, [last]), start, limit)];
}
