// Shape manipulation: reshape, transpose, expand/squeeze, concatenate, stack, broadcasting.
import type { ArrayLike, Axis, JaxArray } from "../core/array.js";
import { resultType } from "../core/dtype.js";
import { broadcastShapes, fmtShape, normAxes, normAxis, type Shape } from "../core/shape.js";
import * as S from "../primitives/shape_ops.js";
import { asJax, broadcastTo as bcast, castTo } from "./coerce.js";

/** reshape with numpy's single -1 wildcard. */
export function reshape(x: ArrayLike, shape: Shape | number): JaxArray {
  const a = asJax(x, "reshape");
  const s = typeof shape === "number" ? [shape] : [...shape];
  const wild = s.filter((d) => d === -1).length;
  if (wild > 1) throw new Error(`reshape: only one dimension can be -1, got ${fmtShape(s)}.`);
  if (s.some((d) => !Number.isInteger(d) || d < -1)) throw new Error(`reshape: invalid shape ${fmtShape(s)}.`);
  if (wild === 1) {
    const known = s.reduce((p, d) => (d === -1 ? p : p * d), 1);
    if (known === 0 || a.size % known !== 0) {
      throw new Error(`reshape: cannot reshape an array of shape ${fmtShape(a.shape)} (size ${a.size}) into shape ${fmtShape(s)}.`);
    }
    s[s.indexOf(-1)] = a.size / known;
  }
  return S.reshape(a, s);
}

export function transpose(x: ArrayLike, axes?: readonly number[]): JaxArray {
  const a = asJax(x, "transpose");
  const perm = axes ? axes.map((d) => normAxis("transpose", d, a.ndim)) : [...Array(a.ndim).keys()].reverse();
  return S.transpose(a, perm);
}
export const permuteDims = transpose;

export function ravel(x: ArrayLike): JaxArray {
  const a = asJax(x, "ravel");
  return S.reshape(a, [a.size]);
}

export function expandDims(x: ArrayLike, axis: number | readonly number[]): JaxArray {
  const a = asJax(x, "expandDims");
  const list = typeof axis === "number" ? [axis] : [...axis];
  const nd = a.ndim + list.length;
  const axes = normAxes("expandDims", list, nd).sort((p, q) => p - q);
  const shape: number[] = [];
  let k = 0;
  for (let d = 0; d < nd; d++) shape.push(axes.includes(d) ? 1 : a.shape[k++]!);
  return S.reshape(a, shape);
}

export function squeeze(x: ArrayLike, axis?: Axis): JaxArray {
  const a = asJax(x, "squeeze");
  const axes = axis === undefined || axis === null ? a.shape.flatMap((n, d) => (n === 1 ? [d] : [])) : normAxes("squeeze", axis, a.ndim);
  for (const d of axes) {
    if (a.shape[d] !== 1)
      throw new Error(
        `squeeze: cannot select an axis to squeeze out which has size not equal to one (axis ${d} of shape ${fmtShape(a.shape)}).`,
      );
  }
  return S.reshape(
    a,
    a.shape.filter((_, d) => !axes.includes(d)),
  );
}

export function broadcastTo(x: ArrayLike, shape: Shape): JaxArray {
  return bcast(asJax(x, "broadcastTo"), shape);
}

export function broadcastArrays(...xs: ArrayLike[]): JaxArray[] {
  const arrs = xs.map((x) => asJax(x, "broadcastArrays"));
  const shape = broadcastShapes("broadcastArrays", ...arrs.map((a) => a.shape));
  return arrs.map((a) => bcast(a, shape, "broadcastArrays"));
}

export function concatenate(xs: readonly ArrayLike[], axis: number | null = 0): JaxArray {
  if (xs.length === 0) throw new Error("concatenate: need at least one array to concatenate.");
  let arrs = xs.map((x) => asJax(x, "concatenate"));
  if (axis === null) {
    arrs = arrs.map((a) => S.reshape(a, [a.size]));
    axis = 0;
  }
  const nd = arrs[0]!.ndim;
  if (nd === 0) throw new Error("concatenate: zero-dimensional arrays cannot be concatenated; use stack.");
  const ax = normAxis("concatenate", axis, nd);
  for (const a of arrs) {
    if (a.ndim !== nd || a.shape.some((n, d) => d !== ax && n !== arrs[0]!.shape[d])) {
      throw new Error(
        `concatenate: all arrays must have the same shape except along axis ${ax}; got ${arrs.map((b) => fmtShape(b.shape)).join(", ")}.`,
      );
    }
  }
  const promoted = promoteDtypes(arrs);
  return S.concatenate(promoted, ax);
}

export function stack(xs: readonly ArrayLike[], axis = 0): JaxArray {
  if (xs.length === 0) throw new Error("stack: need at least one array to stack.");
  const arrs = xs.map((x) => asJax(x, "stack"));
  const s0 = arrs[0]!.shape;
  for (const a of arrs) {
    if (a.ndim !== s0.length || a.shape.some((n, d) => n !== s0[d])) {
      throw new Error(`stack: all input arrays must have the same shape; got ${arrs.map((b) => fmtShape(b.shape)).join(", ")}.`);
    }
  }
  const ax = normAxis("stack", axis, s0.length + 1);
  return S.concatenate(
    promoteDtypes(arrs).map((a) => expandDims(a, ax)),
    ax,
  );
}

/** Promotes dtypes only (no broadcasting). */
function promoteDtypes(arrs: JaxArray[]): JaxArray[] {
  const [dt, weak] = resultType(arrs);
  return arrs.map((a) => castTo(a, dt, weak));
}
