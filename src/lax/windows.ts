// Windowed operations: reduceWindow (pooling) and convGeneralDilated, composed from pad,
// window_patches, reductions and dot_general — so grad, vmap and jit come with them.
import { ArrayImpl, type JaxArray } from "../core/array.js";
import { fmtShape } from "../core/shape.js";
import { asJax } from "../numpy/coerce.js";
import { dotGeneral } from "../primitives/dot_general.js";
import { add, max, min } from "../primitives/elementwise.js";
import { reduceMax, reduceMin, reduceSum } from "../primitives/reduce.js";
import { fullLike, pad, reshape, transpose } from "../primitives/shape_ops.js";
import { windowPatches } from "../primitives/window_patches.js";

export type Padding = "SAME" | "VALID" | "SAME_LOWER" | readonly (readonly [number, number])[];

/** JAX's padtype_to_pads: explicit (lo, hi) pairs for SAME/VALID given the (dilated) window. */
export function padtypeToPads(
  inShape: readonly number[],
  window: readonly number[],
  strides: readonly number[],
  padding: Padding,
): [number, number][] {
  if (typeof padding !== "string") return padding.map(([lo, hi]) => [lo, hi]);
  if (padding === "VALID") return inShape.map(() => [0, 0]);
  return inShape.map((n, d) => {
    const out = Math.ceil(n / strides[d]!);
    const total = Math.max((out - 1) * strides[d]! + window[d]! - n, 0);
    const lo = padding === "SAME" ? Math.floor(total / 2) : Math.ceil(total / 2);
    return [lo, total - lo];
  });
}

const dilateShape = (shape: readonly number[], dil: readonly number[]) => shape.map((n, d) => (n === 0 ? 0 : 1 + dil[d]! * (n - 1)));

type Computation = "sum" | "max" | "min" | typeof add | typeof max | typeof min;

export interface ReduceWindowOpts {
  baseDilation?: readonly number[];
  windowDilation?: readonly number[];
}

/** lax.reduceWindow(x, init, computation, windowDimensions, windowStrides, padding). */
export function reduceWindow(
  operand: JaxArray,
  initValue: number,
  computation: Computation,
  windowDimensions: readonly number[],
  windowStrides: readonly number[],
  padding: Padding,
  opts: ReduceWindowOpts = {},
): JaxArray {
  const x = asJax(operand, "reduceWindow");
  const nd = x.ndim;
  if (windowDimensions.length !== nd || windowStrides.length !== nd) {
    throw new Error(`reduceWindow: windowDimensions and windowStrides need ${nd} entries for an operand of shape ${fmtShape(x.shape)}.`);
  }
  const kind =
    computation === "sum" || computation === add
      ? "sum"
      : computation === "max" || computation === max
        ? "max"
        : computation === "min" || computation === min
          ? "min"
          : null;
  if (kind === null) throw new Error("reduceWindow: computation must be lax.add, lax.max or lax.min (or 'sum', 'max', 'min').");
  const baseDil = opts.baseDilation ?? x.shape.map(() => 1);
  const winDil = opts.windowDilation ?? x.shape.map(() => 1);
  const pads = padtypeToPads(dilateShape(x.shape, baseDil), dilateShape(windowDimensions, winDil), windowStrides, padding);
  const init = ArrayImpl.scalar(initValue, x.dtype);
  const padded = pad(
    x,
    init,
    pads.map(([lo, hi], d) => [lo, hi, baseDil[d]! - 1] as const),
  );
  const patches = windowPatches(padded, { windowDims: windowDimensions, strides: windowStrides, dilation: winDil });
  const axes = windowDimensions.map((_, i) => nd + i);
  const red = kind === "sum" ? reduceSum(patches, axes) : kind === "max" ? reduceMax(patches, axes) : reduceMin(patches, axes);
  // the init value joins every window once (it is the identity for the usual choices)
  if (kind === "sum" && initValue !== 0) return add(red, fullLike(red.aval, initValue));
  return red;
}

export interface ConvDimensionNumbers {
  /** e.g. "NCHW", "NHWC" (batch N, feature C, spatial others) */
  lhs: string;
  /** e.g. "OIHW", "HWIO" */
  rhs: string;
  out: string;
}

export interface ConvOpts {
  lhsDilation?: readonly number[];
  rhsDilation?: readonly number[];
  dimensionNumbers?: ConvDimensionNumbers | [string, string, string];
  featureGroupCount?: number;
  batchGroupCount?: number;
}

function specPerm(spec: string, batch: string, feature: string, op: string, nd: number): number[] {
  if (spec.length !== nd) throw new Error(`${op}: the dimension spec "${spec}" has ${spec.length} letters for a rank-${nd} operand.`);
  const b = spec.indexOf(batch);
  const f = spec.indexOf(feature);
  if (b < 0 || f < 0) throw new Error(`${op}: the dimension spec "${spec}" must contain "${batch}" and "${feature}".`);
  const spatial = [...spec].map((_, i) => i).filter((i) => i !== b && i !== f);
  return [b, f, ...spatial];
}

/**
 * lax.convGeneralDilated(lhs, rhs, windowStrides, padding, {lhsDilation, rhsDilation,
 * dimensionNumbers, featureGroupCount}). Default layouts: lhs NC…, rhs OI…, out NC….
 */
export function convGeneralDilated(
  lhs: JaxArray,
  rhs: JaxArray,
  windowStrides: readonly number[],
  padding: Padding,
  opts: ConvOpts = {},
): JaxArray {
  const op = "convGeneralDilated";
  const nd = lhs.ndim;
  const ns = nd - 2;
  if (rhs.ndim !== nd || ns < 0)
    throw new Error(`${op}: lhs ${fmtShape(lhs.shape)} and rhs ${fmtShape(rhs.shape)} must have the same rank ≥ 2.`);
  if (lhs.dtype !== rhs.dtype)
    throw new TypeError(`${op}: operand dtypes differ (${lhs.dtype} and ${rhs.dtype}); cast one with .astype().`);
  if ((opts.batchGroupCount ?? 1) !== 1) throw new Error(`${op}: batchGroupCount > 1 is not supported.`);
  const dn = opts.dimensionNumbers;
  const [ls, rs, os] = dn === undefined ? [null, null, null] : Array.isArray(dn) ? dn : [dn.lhs, dn.rhs, dn.out];
  const lp = ls ? specPerm(ls, "N", "C", op, nd) : [...Array(nd).keys()];
  const rp = rs ? specPerm(rs, "O", "I", op, nd) : [...Array(nd).keys()];
  const op_ = os ? specPerm(os, "N", "C", op, nd) : [...Array(nd).keys()];
  const x = transpose(lhs, lp); // [N, C, S...]
  const w = transpose(rhs, rp); // [O, I, K...]
  const [N, C] = [x.shape[0]!, x.shape[1]!];
  const [O, I] = [w.shape[0]!, w.shape[1]!];
  const G = opts.featureGroupCount ?? 1;
  if (C !== I * G || O % G !== 0) {
    throw new Error(
      `${op}: lhs has ${C} features and rhs expects ${I} per group with featureGroupCount ${G} (and ${O} outputs must divide by it).`,
    );
  }
  const lhsDil = opts.lhsDilation ?? new Array(ns).fill(1);
  const rhsDil = opts.rhsDilation ?? new Array(ns).fill(1);
  const kernel = w.shape.slice(2);
  const pads = padtypeToPads(dilateShape(x.shape.slice(2), lhsDil), dilateShape(kernel, rhsDil), windowStrides, padding);
  const zero = ArrayImpl.scalar(0, x.dtype);
  const xp = pad(x, zero, [[0, 0, 0], [0, 0, 0], ...pads.map(([lo, hi], d) => [lo, hi, lhsDil[d]! - 1] as const)]);
  // patches over spatial axes: [N, C, out..., K...]
  const patches = windowPatches(xp, { windowDims: [N, C, ...kernel], strides: [1, 1, ...windowStrides], dilation: [1, 1, ...rhsDil] });
  // drop the (size-1) N and C output axes and the full-size N, C window axes into place
  const outS = patches.shape.slice(2, 2 + ns);
  const pr = reshape(patches, [...outS, N, G, I, ...kernel]); // [out..., N, G, I, K...]
  const wr = reshape(w, [G, O / G, I, ...kernel]); // [G, Og, I, K...]
  const kAxes = kernel.map((_, i) => i);
  const res = dotGeneral(pr, wr, {
    lhsContracting: [ns + 2, ...kAxes.map((k) => ns + 3 + k)],
    rhsContracting: [2, ...kAxes.map((k) => 3 + k)],
    lhsBatch: [ns + 1],
    rhsBatch: [0],
  }); // [G, out..., N, Og]
  const t = transpose(res, [ns + 1, 0, ns + 2, ...outS.map((_, i) => 1 + i)]); // [N, G, Og, out...]
  const y = reshape(t, [N, O, ...outS]);
  const inv = new Array<number>(nd);
  op_.forEach((p, i) => {
    inv[p] = i;
  });
  return transpose(y, inv);
}
