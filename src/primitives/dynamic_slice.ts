// dynamic_slice and dynamic_update_slice: slices whose start indices are traced integer
// scalars (the slice SIZES stay static). As in XLA, each start is clamped so that the
// slice fits: start = clamp(start, 0, n - size); nothing is ever out of bounds.
//
// Under vmap with batched start indices every example has its own window, which is a
// gather (or a scatter, for the update) with one index row per element of the window.

import * as S from "../backends/ort/structural_ops.js";
import { ArrayImpl, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { isInteger, isUnsigned, typedArrayFor } from "../core/dtype.js";
import { type BatchDim, definePrimitive, type Primitive, UndefPrimal } from "../core/primitive.js";
import { fmtShape, sizeOf, stridesOf } from "../core/shape.js";
import { bind1 } from "../core/trace.js";
import { add, convertElementType, lt, max, min, select } from "./elementwise.js";
import { gather, scatter } from "./gather_scatter.js";
import { instantiate, moveBatchAxis } from "./rules.js";
import { broadcastInDim, concatenate, fullLike, iota, reshape } from "./shape_ops.js";

interface DynamicSliceParams {
  sliceSizes: readonly number[];
}

function checkStarts(op: string, operand: ShapedArray, starts: readonly ShapedArray[]): void {
  if (starts.length !== operand.ndim) {
    throw new Error(`${op}: needs one start index per axis of the operand ${fmtShape(operand.shape)}, got ${starts.length}.`);
  }
  starts.forEach((s, d) => {
    if (s.ndim !== 0 || !isInteger(s.dtype)) {
      throw new TypeError(`${op}: start index ${d} must be an integer scalar, got ${s.dtype}${fmtShape(s.shape)}.`);
    }
  });
}

/** The clamped starts of a concrete call. */
function clampedStarts(shape: readonly number[], sizes: readonly number[], starts: readonly ArrayImpl[]): number[] {
  return starts.map((s, d) => Math.min(Math.max(Number(s.data[0]), 0), shape[d]! - sizes[d]!));
}

/** Visits the flat offsets of a window of `sizes` at `starts` in an array of `shape`, in row-major order. */
function forWindow(
  shape: readonly number[],
  sizes: readonly number[],
  starts: readonly number[],
  f: (srcOff: number, i: number) => void,
): void {
  const st = stridesOf(shape);
  const n = sizeOf(sizes);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let d = 0; d < nd; d++) off += (starts[d]! + idx[d]!) * st[d]!;
    f(off, i);
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < sizes[d]!) break;
      idx[d] = 0;
    }
  }
}

/**
 * The index rows of a batched window: [B, ...sizes, K] rows addressing (batch axis first
 * when the operand is batched) starts[b] + the position inside the window.
 */
function windowIndices(
  size: number,
  operand: ShapedArray,
  sizes: readonly number[],
  starts: JaxArray[],
  startDims: BatchDim[],
  operandBatched: boolean,
): JaxArray {
  const win = [size, ...sizes];
  const cols: JaxArray[] = [];
  if (operandBatched) cols.push(iota("int32", win, 0));
  starts.forEach((s, d) => {
    // the per-example start as int32 [B], clamped so the window fits
    const s32 = convertElementType(moveBatchAxis(size, startDims[d] ?? null, 0, s), "int32");
    const hi = operand.shape[d]! - sizes[d]!;
    const clamped = min(max(s32, fullLike(s32.aval, 0)), fullLike(s32.aval, hi));
    cols.push(add(broadcastInDim(clamped, win, [0]), iota("int32", win, d + 1)));
  });
  return concatenate(
    cols.map((c) => reshape(c, [...win, 1])),
    win.length,
  );
}

export const dynamicSliceP: Primitive<DynamicSliceParams> = definePrimitive<DynamicSliceParams>({
  name: "dynamic_slice",
  abstractEval([operand, ...starts], { sliceSizes }) {
    checkStarts("dynamic_slice", operand!, starts);
    if (sliceSizes.length !== operand!.ndim || sliceSizes.some((n, d) => !Number.isInteger(n) || n < 0 || n > operand!.shape[d]!)) {
      throw new Error(
        `dynamic_slice: slice sizes ${fmtShape(sliceSizes)} must be non-negative and fit in the operand shape ${fmtShape(operand!.shape)}.`,
      );
    }
    return [new ShapedArray(sliceSizes, operand!.dtype, operand!.weakType)];
  },
  impl([operand, ...starts], { sliceSizes }) {
    const [aval] = dynamicSliceP.abstractEval([operand!.aval, ...starts.map((s) => s.aval)], { sliceSizes });
    const s = clampedStarts(operand!.shape, sliceSizes, starts);
    const data = typedArrayFor(aval!.dtype, aval!.size);
    const src = operand!.data;
    forWindow(operand!.shape, sliceSizes, s, (off, i) => {
      data[i] = src[off]!;
    });
    return [new ArrayImpl(data, aval!)];
  },
  jvp([operand, ...starts], [t], { sliceSizes }) {
    return [[sliceRaw(operand!, starts, sliceSizes)], [sliceRaw(instantiate(t!), starts, sliceSizes)]];
  },
  transpose([ct], [operand, ...starts]) {
    if (starts.some((s) => s instanceof UndefPrimal)) throw new Error("dynamic_slice: cannot transpose with respect to the start indices");
    const a = operand!.aval;
    const c = instantiate(ct!);
    const zeros = fullLike(new ShapedArray(a.shape, c.dtype, c.weakType), 0);
    return [updateRaw(zeros, c, starts as JaxArray[]), ...starts.map(() => null)];
  },
  batch(size, [operand, ...starts], [bo, ...bs], { sliceSizes }) {
    if (bs.every((d) => d === null || d === undefined)) {
      const op = moveBatchAxis(size, bo ?? null, 0, operand!);
      const zero = ArrayImpl.scalar(0, starts[0]?.dtype ?? "int32");
      return [[sliceRaw(op, [zero, ...starts], [size, ...sliceSizes])], [0]];
    }
    const batched = bo !== null && bo !== undefined;
    const op = batched ? moveBatchAxis(size, bo, 0, operand!) : operand!;
    const inner = batched ? new ShapedArray(op.shape.slice(1), op.dtype) : op.aval;
    const idx = windowIndices(size, inner, sliceSizes, starts, bs, batched);
    return [[gather(op, idx, { mode: "clip" })], [0]];
  },
  printParams: (p) => `[slice_sizes=(${p.sliceSizes.join(", ")}${p.sliceSizes.length === 1 ? "," : ""})]`,
  onnx: (g, ins, p) => S.dynamicSlice(g, ins, p),
});

export const dynamicUpdateSliceP: Primitive<Record<string, never>> = definePrimitive<Record<string, never>>({
  name: "dynamic_update_slice",
  abstractEval([operand, update, ...starts]) {
    checkStarts("dynamic_update_slice", operand!, starts);
    if (update!.ndim !== operand!.ndim || update!.shape.some((n, d) => n > operand!.shape[d]!)) {
      throw new Error(
        `dynamic_update_slice: the update of shape ${fmtShape(update!.shape)} must have the operand's rank and fit in its shape ${fmtShape(operand!.shape)}.`,
      );
    }
    if (update!.dtype !== operand!.dtype) {
      throw new TypeError(`dynamic_update_slice: the update (${update!.dtype}) must have the operand's dtype (${operand!.dtype}).`);
    }
    return [operand!];
  },
  impl([operand, update, ...starts]) {
    dynamicUpdateSliceP.abstractEval([operand!.aval, update!.aval, ...starts.map((s) => s.aval)], {});
    const s = clampedStarts(operand!.shape, update!.shape, starts);
    const data = operand!.data.slice();
    const src = update!.data;
    forWindow(operand!.shape, update!.shape, s, (off, i) => {
      data[off] = src[i]!;
    });
    return [new ArrayImpl(data, operand!.aval)];
  },
  jvp([operand, update, ...starts], [to, tu]) {
    return [[updateRaw(operand!, update!, starts)], [updateRaw(instantiate(to!), instantiate(tu!), starts)]];
  },
  transpose([ct], [operand, update, ...starts]) {
    if (starts.some((s) => s instanceof UndefPrimal))
      throw new Error("dynamic_update_slice: cannot transpose with respect to the start indices");
    const c = instantiate(ct!);
    const st = starts as JaxArray[];
    const u = update!.aval;
    const ctOperand = operand instanceof UndefPrimal ? updateRaw(c, fullLike(new ShapedArray(u.shape, c.dtype, c.weakType), 0), st) : null;
    const ctUpdate = update instanceof UndefPrimal ? sliceRaw(c, st, u.shape) : null;
    return [ctOperand, ctUpdate, ...starts.map(() => null)];
  },
  batch(size, [operand, update, ...starts], [bo, bu, ...bs]) {
    if (bs.every((d) => d === null || d === undefined)) {
      const op = moveBatchAxis(size, bo ?? null, 0, operand!);
      const up = moveBatchAxis(size, bu ?? null, 0, update!);
      const zero = ArrayImpl.scalar(0, starts[0]?.dtype ?? "int32");
      return [[updateRaw(op, up, [zero, ...starts])], [0]];
    }
    // Batched starts: a scatter of the update into each example's window.
    const op = moveBatchAxis(size, bo ?? null, 0, operand!);
    const up = moveBatchAxis(size, bu ?? null, 0, update!);
    const inner = new ShapedArray(op.shape.slice(1), op.dtype);
    const idx = windowIndices(size, inner, up.shape.slice(1), starts, bs, true);
    return [[scatter(op, idx, up, { mode: "clip" })], [0]];
  },
  onnx: (g, ins) => S.dynamicUpdateSlice(g, ins),
});

// ---- binders ----

// The rules above bind the primitives directly: their start indices are already wrapped.
const sliceRaw = (operand: JaxArray, starts: readonly JaxArray[], sliceSizes: readonly number[]): JaxArray =>
  bind1(dynamicSliceP, [operand, ...starts], { sliceSizes: [...sliceSizes] });
const updateRaw = (operand: JaxArray, update: JaxArray, starts: readonly JaxArray[]): JaxArray =>
  bind1(dynamicUpdateSliceP, [operand, update, ...starts], {});

export interface DynamicSliceOpts {
  /** Negative starts count from the end (once) before clamping, as in JAX (default true). */
  allowNegativeIndices?: boolean;
}

/**
 * lax.dynamic_slice(operand, startIndices, sliceSizes): starts are integer scalars (arrays
 * or JS numbers); negative ones count from the end, then all are clamped so the slice fits.
 */
export function dynamicSlice(
  operand: JaxArray,
  startIndices: readonly (JaxArray | number)[],
  sliceSizes: readonly number[],
  opts: DynamicSliceOpts = {},
): JaxArray {
  const starts = startIndices.map((s, d) => asIndex("dynamicSlice", s, operand.shape[d] ?? 0, opts));
  return sliceRaw(operand, starts, sliceSizes);
}

/** lax.dynamic_update_slice(operand, update, startIndices): starts as in dynamicSlice. */
export function dynamicUpdateSlice(
  operand: JaxArray,
  update: JaxArray,
  startIndices: readonly (JaxArray | number)[],
  opts: DynamicSliceOpts = {},
): JaxArray {
  const starts = startIndices.map((s, d) => asIndex("dynamicUpdateSlice", s, operand.shape[d] ?? 0, opts));
  return updateRaw(operand, update, starts);
}

/** A start index as an integer scalar, negative ones wrapped by the axis size `n`. */
function asIndex(op: string, s: JaxArray | number, n: number, opts: DynamicSliceOpts): JaxArray {
  const wrap = opts.allowNegativeIndices ?? true;
  if (typeof s === "number") {
    if (!Number.isInteger(s)) throw new TypeError(`${op}: start indices must be integers, got ${s}.`);
    return ArrayImpl.scalar(wrap && s < 0 ? s + n : s, "int32");
  }
  if (!wrap || isUnsigned(s.dtype) || !isInteger(s.dtype)) return s;
  const zero = fullLike(s.aval, 0);
  return select(lt(s, zero), add(s, fullLike(s.aval, n)), s);
}
