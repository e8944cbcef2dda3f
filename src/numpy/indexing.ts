// Basic indexing, the TypeScript spelling of numpy's x[...]: integers, slices written as
// strings ("1:3", "::-1", ":"), null for newaxis, "..." for the ellipsis. A string with
// commas holds several items: x.get("1:3, ::2, None").
import type { IndexItem, JaxArray } from "../core/array.js";
import { fmtShape } from "../core/shape.js";
import * as S from "../primitives/shape_ops.js";

type Item = { kind: "int"; i: number } | { kind: "slice"; start?: number; stop?: number; step?: number } | { kind: "new" } | { kind: "ellipsis" };

function parseInt_(s: string, whole: string): number | undefined {
  const t = s.trim();
  if (t === "") return undefined;
  if (!/^[+-]?\d+$/.test(t)) throw new Error(`index: cannot parse "${whole}": "${t}" is not an integer.`);
  return Number(t);
}

function parseItems(idx: IndexItem[]): Item[] {
  const out: Item[] = [];
  for (const it of idx) {
    if (it === null) out.push({ kind: "new" });
    else if (typeof it === "number") {
      if (!Number.isInteger(it)) throw new TypeError(`index: indices must be integers, got ${it}.`);
      out.push({ kind: "int", i: it });
    } else if (typeof it === "string") {
      for (const part of it.split(",")) {
        const p = part.trim();
        if (p === "...") out.push({ kind: "ellipsis" });
        else if (p === "None" || p === "newaxis") out.push({ kind: "new" });
        else if (p.includes(":")) {
          const bits = p.split(":");
          if (bits.length > 3) throw new Error(`index: cannot parse the slice "${p}".`);
          out.push({ kind: "slice", start: parseInt_(bits[0]!, p), stop: parseInt_(bits[1]!, p), step: parseInt_(bits[2] ?? "", p) });
        } else {
          const i = parseInt_(p, it);
          if (i === undefined) throw new Error(`index: empty index item in "${it}".`);
          out.push({ kind: "int", i });
        }
      }
    } else {
      throw new TypeError(
        "index: array indices (gathers and boolean masks) are not supported by x.get yet; use jnp.take or jnp.where. " +
          "Supported items: integers, slice strings like '1:3', null (newaxis) and '...'.",
      );
    }
  }
  return out;
}

/** Normalized [start, stop, step] and length of a slice over an axis of size n (Python semantics). */
function sliceRange(n: number, start: number | undefined, stop: number | undefined, step = 1): [number, number, number, number] {
  if (step === 0) throw new Error("index: slice step cannot be zero.");
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s: number;
  let e: number;
  if (step > 0) {
    s = start === undefined ? 0 : clamp(start < 0 ? start + n : start, 0, n);
    e = stop === undefined ? n : clamp(stop < 0 ? stop + n : stop, 0, n);
  } else {
    s = start === undefined ? n - 1 : clamp(start < 0 ? start + n : start, -1, n - 1);
    e = stop === undefined ? -1 : clamp(stop < 0 ? stop + n : stop, -1, n - 1);
  }
  const len = step > 0 ? Math.max(0, Math.ceil((e - s) / step)) : Math.max(0, Math.ceil((s - e) / -step));
  return [s, e, step, len];
}

export function index(x: JaxArray, idx: IndexItem[]): JaxArray {
  let items = parseItems(idx);
  const consumed = items.filter((it) => it.kind === "int" || it.kind === "slice").length;
  const ell = items.filter((it) => it.kind === "ellipsis").length;
  if (ell > 1) throw new Error("index: an index can only have a single ellipsis ('...').");
  if (consumed > x.ndim) {
    throw new Error(`index: too many indices for an array of shape ${fmtShape(x.shape)}: ${consumed} were given.`);
  }
  const fill: Item[] = Array.from({ length: x.ndim - consumed }, () => ({ kind: "slice" }) as Item);
  if (ell) {
    const k = items.findIndex((it) => it.kind === "ellipsis");
    items = [...items.slice(0, k), ...fill, ...items.slice(k + 1)];
  } else items = [...items, ...fill];

  const start: number[] = [];
  const limit: number[] = [];
  const strides: number[] = [];
  const revDims: number[] = [];
  const finalShape: number[] = [];
  let d = 0;
  for (const it of items) {
    if (it.kind === "new") {
      finalShape.push(1);
      continue;
    }
    const n = x.shape[d]!;
    if (it.kind === "int") {
      const i = it.i < 0 ? it.i + n : it.i;
      if (i < 0 || i >= n) throw new RangeError(`index: index ${it.i} is out of bounds for axis ${d} with size ${n}.`);
      start.push(i);
      limit.push(i + 1);
      strides.push(1);
    } else if (it.kind === "slice") {
      const [s, , step, len] = sliceRange(n, it.start, it.stop, it.step);
      if (step > 0) {
        start.push(s);
        limit.push(len === 0 ? s : s + (len - 1) * step + 1);
        strides.push(step);
      } else {
        // a negative step: slice the mirrored range, then reverse the axis
        const last = s + (len - 1) * step;
        start.push(len === 0 ? 0 : last);
        limit.push(len === 0 ? 0 : s + 1);
        strides.push(-step);
        revDims.push(d);
      }
      finalShape.push(len);
    }
    d++;
  }
  let y = x;
  const trivial = start.every((s, i) => s === 0 && limit[i] === x.shape[i] && strides[i] === 1);
  if (!trivial) y = S.slice(y, start, limit, strides);
  y = S.rev(y, revDims);
  return S.reshape(y, finalShape);
}
