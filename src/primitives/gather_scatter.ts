// Data-dependent indexing primitives: gather and the scatter family (scatter, scatter-add,
// scatter-mul, scatter-min, scatter-max).
//
// A simpler parameterization than XLA's GatherDimensionNumbers, enough for numpy's
// advanced indexing, take, takeAlongAxis and the x.at[...] updates: the index array has
// shape [...batch, K] and each of its rows addresses the K LEADING axes of the operand;
// the slice taken (or updated) at that position is the whole of the remaining axes.
//
//   gather(operand, indices)[b..., r...]          = operand[indices[b..., :], r...]
//   scatter(operand, indices, updates)[i[b], r...] ⊕= updates[b..., r...]
//
// so gather's output (and scatter's updates) has shape batch ++ operand.shape[K:].
// Callers move the axes they index to the front (jnp's indexing does). This is XLA's
// gather with collapsed_slice_dims = start_index_map = (0..K-1) and full trailing slices.
//
// Out-of-bounds indices, as in JAX: gather mode "clip" clamps each index into range; mode
// "promise_in_bounds" (the default of x[idx]) clamps too, but its gradient, like JAX's, drops
// the cotangents of out-of-bounds rows instead of adding them to the clamped ones; mode
// "fill" returns `fillValue` for the whole slice (jnp.take's default). Scatter mode "drop"
// skips out-of-bounds updates (the default of x.at[]), scatter mode "clip" clamps them.
// Duplicate indices all apply, in row-major order of the batch (so for scatter the last
// update wins, deterministically).

import * as S from "../backends/ort/structural_ops.js";
import { ArrayImpl, decodeHalf, encodeHalf, type JaxArray, writeValues } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { type DType, isFloat, isHalf, isInteger, isUnsigned, typedArrayFor } from "../core/dtype.js";
import { type BatchDim, definePrimitive, type Primitive, type Tangent, UndefPrimal, Zero } from "../core/primitive.js";
import { fmtShape, sizeOf, stridesOf } from "../core/shape.js";
import { bind1 } from "../core/trace.js";
import { add, convertElementType, div, eq, mul, select, sub } from "./elementwise.js";
import { instantiate, moveBatchAxis } from "./rules.js";
import { broadcastInDim, concatenate, fullLike, iota, reshape } from "./shape_ops.js";

export type GatherMode = "clip" | "fill" | "promise_in_bounds";
export type ScatterMode = "clip" | "drop";

export interface GatherParams {
  mode: GatherMode;
  /** The value of out-of-bounds slices in "fill" mode; null: NaN, the most negative int, the largest uint, true. */
  fillValue: number | null;
}
export interface ScatterParams {
  mode: ScatterMode;
  /** A promise that no two index rows are equal (only scatter-mul's gradient needs it, as in JAX). */
  uniqueIndices: boolean;
}

const avalOf = (x: JaxArray | UndefPrimal): ShapedArray => x.aval;

/** The batch shape and index depth K of an index array, validated against the operand. */
function indexLayout(op: string, operand: ShapedArray, indices: ShapedArray): { batch: number[]; k: number } {
  if (!isInteger(indices.dtype)) {
    throw new TypeError(`${op}: indices must have an integer dtype, got ${indices.dtype}. Cast them with .astype("int32").`);
  }
  if (indices.ndim === 0) {
    throw new Error(`${op}: indices must have shape [...batch, K] (at least one axis), got a scalar.`);
  }
  const k = indices.shape[indices.ndim - 1]!;
  if (k > operand.ndim) {
    throw new Error(
      `${op}: index rows have ${k} entries (indices shape ${fmtShape(indices.shape)}) but the operand of shape ` +
        `${fmtShape(operand.shape)} has only ${operand.ndim} axes.`,
    );
  }
  return { batch: indices.shape.slice(0, -1), k };
}

function gatherAval(operand: ShapedArray, indices: ShapedArray, mode: GatherMode): ShapedArray {
  const { batch, k } = indexLayout("gather", operand, indices);
  if (mode !== "fill" && sizeOf(batch) > 0) {
    for (let d = 0; d < k; d++) {
      if (operand.shape[d] === 0) {
        throw new Error(`gather: cannot take a non-empty gather from axis ${d} of size 0 (operand shape ${fmtShape(operand.shape)}).`);
      }
    }
  }
  return new ShapedArray([...batch, ...operand.shape.slice(k)], operand.dtype, operand.weakType);
}

/** The default fill of out-of-bounds gathers, as in JAX. */
export function defaultFill(dtype: DType): number {
  if (isFloat(dtype)) return Number.NaN;
  if (dtype === "bool") return 1;
  if (isUnsigned(dtype)) return dtype === "uint8" ? 0xff : dtype === "uint16" ? 0xffff : 0xffffffff;
  return dtype === "int8" ? -0x80 : dtype === "int16" ? -0x8000 : -0x80000000;
}

/**
 * The flat element offset of the slice each index row addresses (its batch-major order),
 * or -1 where the row is out of bounds and `clamp` is false.
 */
function sliceOffsets(operandShape: readonly number[], indices: ArrayImpl, clamp: boolean): Float64Array {
  const k = indices.shape[indices.ndim - 1]!;
  const n = k === 0 ? sizeOf(indices.shape.slice(0, -1)) : indices.size / k;
  const st = stridesOf(operandShape);
  const idx = indices.data;
  const out = new Float64Array(n);
  for (let b = 0; b < n; b++) {
    let off = 0;
    for (let d = 0; d < k; d++) {
      let i = idx[b * k + d]!;
      const size = operandShape[d]!;
      if (i < 0 || i >= size) {
        if (!clamp) {
          off = -1;
          break;
        }
        i = i < 0 ? 0 : size - 1;
      }
      off += i * st[d]!;
    }
    out[b] = off;
  }
  return out;
}

function gatherImpl(operand: ArrayImpl, indices: ArrayImpl, p: GatherParams): ArrayImpl {
  const aval = gatherAval(operand.aval, indices.aval, p.mode);
  const k = indices.shape[indices.ndim - 1]!;
  const sliceSize = sizeOf(operand.shape.slice(k));
  const offsets = sliceOffsets(operand.shape, indices, p.mode !== "fill");
  const out = typedArrayFor(aval.dtype, aval.size);
  const src = operand.data;
  let fill = 0;
  if (p.mode === "fill") {
    const one = typedArrayFor(aval.dtype, 1);
    writeValues(one, aval.dtype, [p.fillValue ?? defaultFill(aval.dtype)]);
    fill = one[0]!;
  }
  for (let b = 0; b < offsets.length; b++) {
    const off = offsets[b]!;
    const o = b * sliceSize;
    if (off < 0) out.fill(fill, o, o + sliceSize);
    else if (sliceSize === 1) out[o] = src[off]!;
    else out.set(src.subarray(off, off + sliceSize), o);
  }
  return new ArrayImpl(out, aval);
}

/** Appends an index column that addresses a leading batch axis: [B, ..., K] -> [B, ..., K+1] (the new column first). */
function withBatchColumn(indices: JaxArray): JaxArray {
  const shape = [...indices.shape];
  shape[shape.length - 1] = 1;
  const col = convertElementType(iota("int32", shape, 0), indices.dtype);
  return concatenate([col, indices], indices.ndim - 1);
}

export const gatherP: Primitive<GatherParams> = definePrimitive<GatherParams>({
  name: "gather",
  abstractEval: ([operand, indices], p) => [gatherAval(operand!, indices!, p.mode)],
  impl: ([operand, indices], p) => [gatherImpl(operand!, indices!, p)],
  jvp([operand, indices], [t], p) {
    const out = gather(operand!, indices!, p);
    return [[out], [gather(instantiate(t!), indices!, { mode: p.mode, fillValue: 0 })]];
  },
  transpose([ct], [operand, indices], p) {
    if (indices instanceof UndefPrimal) throw new Error("gather: cannot transpose with respect to the indices");
    const a = avalOf(operand!);
    const c = instantiate(ct!);
    const zeros = fullLike(new ShapedArray(a.shape, c.dtype, c.weakType), 0);
    return [scatterAdd(zeros, indices!, c, { mode: p.mode === "clip" ? "clip" : "drop", uniqueIndices: false }), null];
  },
  batch(size, [operand, indices], [bo, bi], p) {
    if (bi === null) {
      // The batch axis joins the slice, right after the indexed axes.
      const k = indices!.shape[indices!.ndim - 1]!;
      const op = moveBatchAxis(size, bo ?? null, k, operand!);
      return [[gather(op, indices!, p)], [indices!.ndim - 1]];
    }
    const idx = moveBatchAxis(size, bi ?? null, 0, indices!);
    if (bo === null || bo === undefined) return [[gather(operand!, idx, p)], [0]];
    const op = moveBatchAxis(size, bo, 0, operand!);
    return [[gather(op, withBatchColumn(idx), p)], [0]];
  },
  printParams: (p) => `[fill_value=${p.fillValue ?? "None"} mode=${p.mode}]`,
  onnx: (g, ins, { mode, fillValue }, outs) => S.gather(g, ins, mode, fillValue ?? defaultFill(outs[0]!.dtype), outs),
});

// ---- the scatter family ----

type Combine = (old: number, upd: number) => number;
type Kind = "set" | "add" | "mul" | "min" | "max";

function combineFor(kind: Kind, dtype: DType): Combine {
  const isBool = dtype === "bool";
  switch (kind) {
    case "set":
      return (_o, u) => u;
    case "add":
      return isBool ? (o, u) => o | u : (o, u) => o + u;
    case "mul":
      return isBool ? (o, u) => o & u : isInteger(dtype) ? Math.imul : (o, u) => o * u;
    case "min":
      return (o, u) => (Number.isNaN(o) || Number.isNaN(u) ? Number.NaN : u < o ? u : o);
    case "max":
      return (o, u) => (Number.isNaN(o) || Number.isNaN(u) ? Number.NaN : u > o ? u : o);
  }
}

function scatterAval(name: string, operand: ShapedArray, indices: ShapedArray, updates: ShapedArray): ShapedArray {
  const { batch, k } = indexLayout(name, operand, indices);
  const want = [...batch, ...operand.shape.slice(k)];
  if (updates.ndim !== want.length || updates.shape.some((n, d) => n !== want[d])) {
    throw new Error(
      `${name}: updates must have shape ${fmtShape(want)} (the index batch shape ${fmtShape(batch)} followed by the ` +
        `operand's trailing axes ${fmtShape(operand.shape.slice(k))}), got ${fmtShape(updates.shape)}.`,
    );
  }
  if (updates.dtype !== operand.dtype) {
    throw new TypeError(`${name}: updates (${updates.dtype}) must have the operand's dtype (${operand.dtype}).`);
  }
  return operand;
}

function scatterImpl(kind: Kind, operand: ArrayImpl, indices: ArrayImpl, updates: ArrayImpl, p: ScatterParams): ArrayImpl {
  const dtype = operand.dtype;
  const k = indices.shape[indices.ndim - 1]!;
  const sliceSize = sizeOf(operand.shape.slice(k));
  const offsets = sliceOffsets(operand.shape, indices, p.mode === "clip");
  const half = isHalf(dtype);
  // 16-bit floats are combined in float32 and encoded once at the end.
  const out = half ? decodeHalf(operand.data as Uint16Array, dtype) : operand.data.slice();
  const upd = half ? decodeHalf(updates.data as Uint16Array, dtype) : updates.data;
  const f = combineFor(kind, dtype);
  for (let b = 0; b < offsets.length; b++) {
    const off = offsets[b]!;
    if (off < 0) continue;
    const u0 = b * sliceSize;
    for (let j = 0; j < sliceSize; j++) out[off + j] = f(out[off + j]!, upd[u0 + j]!);
  }
  if (!half) return new ArrayImpl(out, operand.aval);
  const bits = typedArrayFor(dtype, out.length) as Uint16Array;
  encodeHalf(out, dtype, bits);
  return new ArrayImpl(bits, operand.aval);
}

function scatterBatch(prim: () => Primitive<ScatterParams>) {
  return (size: number, [operand, indices, updates]: JaxArray[], [bo, bi, bu]: BatchDim[], p: ScatterParams): [JaxArray[], BatchDim[]] => {
    if (bi === null) {
      // The batch axis joins the updated slice, right after the indexed axes.
      const k = indices!.shape[indices!.ndim - 1]!;
      const op = moveBatchAxis(size, bo ?? null, k, operand!);
      const up = moveBatchAxis(size, bu ?? null, indices!.ndim - 1, updates!);
      return [[bind1(prim(), [op, indices!, up], p)], [k]];
    }
    const op = moveBatchAxis(size, bo ?? null, 0, operand!);
    const idx = withBatchColumn(moveBatchAxis(size, bi ?? null, 0, indices!));
    const up = moveBatchAxis(size, bu ?? null, 0, updates!);
    return [[bind1(prim(), [op, idx, up], p)], [0]];
  };
}

function scatterPrimitive(
  name: string,
  kind: Kind,
  jvp: Primitive<ScatterParams>["jvp"],
  transpose: Primitive<ScatterParams>["transpose"],
): Primitive<ScatterParams> {
  const prim: Primitive<ScatterParams> = definePrimitive<ScatterParams>({
    name,
    abstractEval: ([operand, indices, updates]) => [scatterAval(name, operand!, indices!, updates!)],
    impl([operand, indices, updates], p) {
      scatterAval(name, operand!.aval, indices!.aval, updates!.aval);
      return [scatterImpl(kind, operand!, indices!, updates!, p)];
    },
    jvp,
    transpose,
    batch: scatterBatch(() => prim),
    printParams: (p) => `[mode=${p.mode} unique_indices=${p.uniqueIndices ? "True" : "False"}]`,
    onnx: S.scatter(kind === "set" ? "none" : kind),
  });
  return prim;
}

/** The gather that reads back, for every update, the operand slice it lands on. */
function gatherBack(x: JaxArray, indices: JaxArray, p: ScatterParams, fillValue = 0): JaxArray {
  return gather(x, indices, { mode: p.mode === "clip" ? "clip" : "fill", fillValue });
}

export const scatterAddP: Primitive<ScatterParams> = scatterPrimitive(
  "scatter-add",
  "add",
  ([operand, indices, updates], [to, , tu], p) => {
    const out = scatterAdd(operand!, indices!, updates!, p);
    return [[out], [scatterAdd(instantiate(to!), indices!, instantiate(tu!), p)]];
  },
  ([ct], [operand, indices, updates], p) => {
    if (indices instanceof UndefPrimal) throw new Error("scatter-add: cannot transpose with respect to the indices");
    if (ct instanceof Zero || ct === undefined) return [null, null, null];
    const c = ct;
    return [operand instanceof UndefPrimal ? c : null, null, updates instanceof UndefPrimal ? gatherBack(c, indices!, p) : null];
  },
);

/**
 * scatter (set) JVP, as JAX does it for possibly repeated indices: tag every update with an
 * id, scatter the ids to learn which update won each position, and express the tangent as
 * a masked scatter-add (linear, with a transpose) of the winning tangents.
 */
export const scatterP: Primitive<ScatterParams> = scatterPrimitive(
  "scatter",
  "set",
  ([operand, indices, updates], [to, , tu], p) => {
    const out = scatter(operand!, indices!, updates!, p);
    const u = updates!.aval;
    const nb = indices!.ndim - 1;
    const batch = u.shape.slice(0, nb);
    const ids = add(reshape(iota("int32", [sizeOf(batch)]), batch), fullLike(new ShapedArray(batch, "int32"), 1));
    const updIds = broadcastInDim(ids, u.shape, [...batch.keys()]);
    const zerosIds = fullLike(new ShapedArray(operand!.shape, "int32"), 0);
    const scatteredIds = scatter(zerosIds, indices!, updIds, p);
    const won = eq(gatherBack(scatteredIds, indices!, p, 0), updIds);
    const kept = eq(scatteredIds, zerosIds);
    const tOp = instantiate(to!);
    const tUp = instantiate(tu!);
    const maskedOp = select(kept, tOp, fullLike(tOp.aval, 0));
    const maskedUp = select(won, tUp, fullLike(tUp.aval, 0));
    return [[out], [scatterAdd(maskedOp, indices!, maskedUp, p)]];
  },
  null,
);

/** scatter-mul is linear in the operand; its derivative in the updates needs unique indices (as in JAX). */
export const scatterMulP: Primitive<ScatterParams> = scatterPrimitive(
  "scatter-mul",
  "mul",
  ([operand, indices, updates], [to, , tu], p) => {
    const out = scatterMul(operand!, indices!, updates!, p);
    let t: Tangent = to instanceof Zero || to === undefined ? new Zero(out.aval) : scatterMul(to, indices!, updates!, p);
    if (!(tu instanceof Zero) && tu !== undefined) {
      if (!p.uniqueIndices) {
        throw new Error(
          "scatter-mul: the derivative with respect to the updates is only implemented for unique indices, as in JAX. " +
            "If no index repeats, pass {uniqueIndices: true} (e.g. x.at(idx).multiply(v, {uniqueIndices: true})).",
        );
      }
      const zeros = fullLike(operand!.aval, 0);
      const tUp = mul(operand!, scatterAdd(zeros, indices!, tu, p));
      t = t instanceof Zero ? tUp : add(t, tUp);
    }
    return [[out], [t]];
  },
  ([ct], [operand, indices, updates], p) => {
    if (updates instanceof UndefPrimal || indices instanceof UndefPrimal) {
      throw new Error("scatter-mul: can only transpose with respect to the operand");
    }
    if (ct instanceof Zero || ct === undefined) return [null, null, null];
    return [operand instanceof UndefPrimal ? scatterMul(ct, indices!, updates!, p) : null, null, null];
  },
);

/**
 * scatter-min/max JVP (JAX's rule): where several values tie for the extreme (updates
 * and possibly the kept operand value), the tangent is their average.
 */
function extremalJvp(self: () => Primitive<ScatterParams>): Primitive<ScatterParams>["jvp"] {
  return ([operand, indices, updates], [to, , tu], p) => {
    const out = bind1(self(), [operand!, indices!, updates!], p);
    const tOp = instantiate(to!);
    const tUp = instantiate(tu!);
    const dt = operand!.aval;
    const zerosOp = fullLike(dt, 0);
    const onesUp = fullLike(updates!.aval, 1);
    const zerosUp = fullLike(updates!.aval, 0);
    const initial = gatherBack(operand!, indices!, p);
    const target = gatherBack(out, indices!, p);
    const successful = eq(updates!, target);
    const retained = eq(initial, target);
    const numUpdates = gatherBack(scatterAdd(zerosOp, indices!, select(successful, onesUp, zerosUp), p), indices!, p);
    const numRefs = gatherBack(scatterAdd(zerosOp, indices!, onesUp, p), indices!, p);
    const inv = (x: JaxArray) => div(onesUp, x);
    const updNorm = select(retained, inv(add(numUpdates, onesUp)), inv(numUpdates));
    const updCoef = select(successful, updNorm, zerosUp);
    const opNorm = select(retained, inv(add(numUpdates, onesUp)), zerosUp);
    const opCoef = div(sub(opNorm, onesUp), numRefs);
    const tangentUpdates = add(mul(gatherBack(tOp, indices!, p), opCoef), mul(tUp, updCoef));
    return [[out], [scatterAdd(tOp, indices!, tangentUpdates, p)]];
  };
}
export const scatterMinP: Primitive<ScatterParams> = scatterPrimitive(
  "scatter-min",
  "min",
  extremalJvp(() => scatterMinP),
  null,
);
export const scatterMaxP: Primitive<ScatterParams> = scatterPrimitive(
  "scatter-max",
  "max",
  extremalJvp(() => scatterMaxP),
  null,
);

// ---- binders ----
const GATHER_DEFAULTS: GatherParams = { mode: "clip", fillValue: null };
const SCATTER_DEFAULTS: ScatterParams = { mode: "drop", uniqueIndices: false };

/** lax-level gather along the leading axes (see the top of this file). */
export function gather(operand: JaxArray, indices: JaxArray, p: Partial<GatherParams> = {}): JaxArray {
  return bind1(gatherP, [operand, indices], { ...GATHER_DEFAULTS, ...p });
}
const scatterBinder =
  (prim: Primitive<ScatterParams>) =>
  (operand: JaxArray, indices: JaxArray, updates: JaxArray, p: Partial<ScatterParams> = {}): JaxArray =>
    bind1(prim, [operand, indices, updates], { ...SCATTER_DEFAULTS, ...p });
export const scatter = scatterBinder(scatterP);
export const scatterAdd = scatterBinder(scatterAddP);
export const scatterMul = scatterBinder(scatterMulP);
export const scatterMin = scatterBinder(scatterMinP);
export const scatterMax = scatterBinder(scatterMaxP);

/**
 * out[..., i, ...] = x[..., indices[..., i, ...], ...] along `axis`, for `indices` of x's
 * shape but for that axis (in range: they are clamped). The lax-level form of
 * take_along_axis, used by sort's JVP: one gather over every axis, with iota rows elsewhere.
 */
export function takeAlongAxisInBounds(x: JaxArray, indices: JaxArray, axis: number): JaxArray {
  const shape = indices.shape;
  const cols = x.shape.map((_, d) => {
    const c = d === axis ? convertElementType(indices, "int32") : iota("int32", shape, d);
    return reshape(c, [...shape, 1]);
  });
  return gather(x, concatenate(cols, shape.length), { mode: "clip" });
}
