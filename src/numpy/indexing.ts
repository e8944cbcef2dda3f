// numpy indexing, the TypeScript spelling of x[...]: x.get(...items) reads, x.at(...items)
// updates (see at.ts). One grammar for both:
//
//   JAX / numpy                 jaxts
//   x[0]                        x.get(0)
//   x[1:3], x[::-1], x[:, 0]    x.get("1:3"), x.get("::-1"), x.get(":, 0")
//   x[None], x[..., 0]          x.get(null), x.get("..., 0")       ("None" also parses)
//   x[idx]  (int array)         x.get(idx)  or x.get([2, 0, 2])   (JaxArray or nested JS ints)
//   x[:, idx]                   x.get(":", idx)
//   x[i, j]  (arrays)           x.get(i, j)                      (broadcast together)
//   x[mask] (bool array)        x.get(mask)                      (concrete masks only)
//   x.at[idx].set(v)            x.at(idx).set(v)   (.add .multiply/.mul .divide .power .min .max)
//   x.at[idx].get(mode="fill")  x.at(idx).get({mode: "fill", fillValue})
//
// Items are integers, slice strings ("start:stop:step"; commas separate several items in
// one string), null (newaxis), "..." (ellipsis), integer arrays and boolean masks.
//
// Semantics are numpy's advanced indexing with JAX's out-of-bounds rules:
//  * integer arrays (and integers that appear together with arrays) are advanced indices:
//    they broadcast together, and the broadcast dims replace the indexed axes — in place
//    when the advanced items are adjacent, otherwise at the front of the result;
//  * negative indices count from the end (once); out-of-bounds array indices are clamped
//    by get (JAX's "promise_in_bounds": the gradient of an out-of-bounds read is dropped;
//    at(...).get({mode: "clip"}) sends it to the clamped element, {mode: "fill"} fills) and
//    dropped by the updates; a static integer out of range is an error in get, as in numpy;
//  * a boolean mask selects its true positions (its nonzero()); the result's size depends
//    on the mask's values, so the mask must be concrete: under jit use jnp.where(mask, x, y)
//    or jnp.nonzero(mask, {size}) instead.
import { ArrayImpl, type IndexItem, JaxArray, type NestedArray } from "../core/array.js";
import { isInteger } from "../core/dtype.js";
import { broadcastShapes, fmtShape, sizeOf } from "../core/shape.js";
import { Tracer } from "../core/trace.js";
import { add, convertElementType, lt, mul, select } from "../primitives/elementwise.js";
import { type GatherMode, gather } from "../primitives/gather_scatter.js";
import * as S from "../primitives/shape_ops.js";
import { fromNested } from "./coerce.js";
import { ConcretizationTypeError } from "./methods.js";

type SliceItem = { kind: "slice"; start?: number; stop?: number; step?: number };
type Item =
  | { kind: "int"; i: number }
  | SliceItem
  | { kind: "new" }
  | { kind: "ellipsis" }
  | { kind: "array"; a: JaxArray }
  | { kind: "mask"; m: JaxArray };

function parseInt_(s: string, whole: string): number | undefined {
  const t = s.trim();
  if (t === "") return undefined;
  if (!/^[+-]?\d+$/.test(t)) throw new Error(`index: cannot parse "${whole}": "${t}" is not an integer.`);
  return Number(t);
}

/** A nested JS array index: booleans make a mask, integers an int32 index array. */
function nestedIndex(x: NestedArray): JaxArray {
  const a = fromNested(x, undefined, "index");
  if (a.dtype === "bool") return a;
  const vals = a.values();
  for (let i = 0; i < vals.length; i++) {
    if (!Number.isInteger(vals[i])) throw new TypeError(`index: array indices must be integers, got ${vals[i]}.`);
  }
  return fromNested(x, "int32", "index");
}

function parseItems(idx: readonly IndexItem[]): Item[] {
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
      const a = it instanceof JaxArray ? it : Array.isArray(it) ? nestedIndex(it) : null;
      if (a === null) {
        throw new TypeError(
          `index: unsupported index item ${String(it)}. Items are integers, slice strings like "1:3", null (newaxis), "...", ` +
            "integer arrays and boolean masks.",
        );
      }
      if (a.dtype === "bool") {
        if (a.ndim === 0) throw new TypeError("index: a scalar boolean index is not supported; use jnp.where or an integer index.");
        out.push({ kind: "mask", m: a });
      } else if (isInteger(a.dtype)) out.push({ kind: "array", a });
      else throw new TypeError(`index: array indices must be integers or booleans, got dtype ${a.dtype}. Cast with .astype("int32").`);
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

/** The concrete value of a mask, or a clear error under tracing. */
function concreteMask(m: JaxArray): ArrayImpl {
  const c = m instanceof ArrayImpl ? m : m instanceof Tracer ? m.concreteValue() : null;
  if (c) return c;
  throw new ConcretizationTypeError(
    `index: boolean mask indexing needs a concrete mask, but got a traced one (${m.aval.toString()}): the number of ` +
      "selected elements decides the result's shape, which must be known while tracing (jit). Use jnp.where(mask, x, 0) " +
      "to keep the shape, or jnp.nonzero(mask, {size}) (static size) to get integer indices.",
  );
}

/** The coordinates of the true entries of a concrete mask, one int32 array per axis (numpy's nonzero). */
export function maskCoordinates(mask: ArrayImpl): ArrayImpl[] {
  const vals = mask.values();
  const hits: number[] = [];
  for (let i = 0; i < vals.length; i++) if (vals[i]) hits.push(i);
  const shape = mask.shape;
  return shape.map((n, d) => {
    const inner = sizeOf(shape.slice(d + 1));
    const out = new Int32Array(hits.length);
    hits.forEach((h, j) => {
      out[j] = Math.floor(h / inner) % n;
    });
    return ArrayImpl.of(out, [hits.length], "int32");
  });
}

// ---- the resolved index: one entry per consumed axis, plus new axes ----

/** A resolved index item. `adv` items are integers and integer arrays (numpy's advanced indices). */
type SliceToken = { kind: "slice"; axis: number; start: number; step: number; len: number };
type AdvToken = { kind: "adv"; axis: number; index: JaxArray | number };
export type Token = { kind: "new" } | SliceToken | AdvToken;

/** Resolves items against a shape: ellipsis filled, masks expanded to coordinates, negative integers wrapped. */
export function resolve(op: string, shape: readonly number[], idx: readonly IndexItem[]): Token[] {
  let items = parseItems(idx);
  const width = (it: Item) => (it.kind === "int" || it.kind === "slice" || it.kind === "array" ? 1 : it.kind === "mask" ? it.m.ndim : 0);
  const consumed = items.reduce((s, it) => s + width(it), 0);
  if (items.filter((it) => it.kind === "ellipsis").length > 1) throw new Error(`${op}: an index can only have a single ellipsis ('...').`);
  if (consumed > shape.length) {
    throw new Error(`${op}: too many indices for an array of shape ${fmtShape(shape)}: ${consumed} were given.`);
  }
  const fill: Item[] = Array.from({ length: shape.length - consumed }, () => ({ kind: "slice" }) as Item);
  const k = items.findIndex((it) => it.kind === "ellipsis");
  items = k >= 0 ? [...items.slice(0, k), ...fill, ...items.slice(k + 1)] : [...items, ...fill];

  const tokens: Token[] = [];
  let axis = 0;
  for (const it of items) {
    if (it.kind === "new") {
      tokens.push({ kind: "new" });
      continue;
    }
    if (it.kind === "mask") {
      // a mask of rank k stands for k integer arrays: the coordinates of its true entries
      const want = shape.slice(axis, axis + it.m.ndim);
      if (want.some((n, d) => n !== it.m.shape[d])) {
        throw new Error(
          `${op}: a boolean mask of shape ${fmtShape(it.m.shape)} does not match the axes ${fmtShape(want)} it indexes ` +
            `(array shape ${fmtShape(shape)}).`,
        );
      }
      for (const c of maskCoordinates(concreteMask(it.m))) tokens.push({ kind: "adv", axis: axis++, index: c });
      continue;
    }
    const n = shape[axis]!;
    if (it.kind === "slice") {
      const [s, , step, len] = sliceRange(n, it.start, it.stop, it.step);
      tokens.push({ kind: "slice", axis, start: s, step, len });
    } else if (it.kind === "int") {
      tokens.push({ kind: "adv", axis, index: it.i < 0 ? it.i + n : it.i });
    } else if (it.kind === "array") {
      tokens.push({ kind: "adv", axis, index: wrapNegative(it.a, n) });
    }
    axis++;
  }
  return tokens;
}

/** index < 0 ? index + n : index, elementwise, as int32. */
function wrapNegative(a: JaxArray, n: number): JaxArray {
  const i = convertElementType(a, "int32");
  const zero = S.fullLike(i.aval, 0);
  return select(lt(i, zero), add(i, S.fullLike(i.aval, n)), i);
}

// ---- the plan: one gather (or scatter) over transposed axes ----

export interface Plan {
  /** x is transposed by `perm` (indexed axes first) before the gather/scatter. */
  perm: number[];
  /** [...batch, K] int32 index rows (K = 0 when nothing is indexed: one row, the whole array). */
  indices: JaxArray;
  /** The gather's output shape (batch ++ the full-slice axes). */
  gatherShape: number[];
  /** The gather's output is transposed by `outPerm` and reshaped to `shape` (numpy's result). */
  outPerm: number[];
  shape: number[];
}

/**
 * Plans x[tokens] as a gather along leading axes. Advanced items become index columns over
 * their broadcast shape; slices that do not cover their axis entirely become index columns
 * over an axis of their own (iota * step + start); full slices stay in the gathered slice.
 */
export function plan(op: string, shape: readonly number[], tokens: readonly Token[]): Plan {
  const adv = tokens.flatMap((t, pos) => (t.kind === "adv" ? [{ t, pos }] : []));
  const advShape = broadcastShapes(op, ...adv.map(({ t }) => (typeof t.index === "number" ? [] : t.index.shape)));
  const contiguous = adv.every(({ pos }, j) => j === 0 || pos === adv[j - 1]!.pos + 1);
  const slices = tokens.filter((t): t is SliceToken => t.kind === "slice");
  const partial = slices.filter((t) => !(t.start === 0 && t.step === 1 && t.len === shape[t.axis]));
  const full = slices.filter((t) => !partial.includes(t));
  const batch = [...advShape, ...partial.map((t) => t.len)];
  const nb = batch.length;

  // index columns, in token order of the indexed axes
  const indexed = tokens.filter((t): t is AdvToken | SliceToken => t.kind === "adv" || (t.kind === "slice" && partial.includes(t)));
  const cols = indexed.map((t) => {
    if (t.kind === "adv") {
      if (typeof t.index === "number") return S.broadcastInDim(ArrayImpl.scalar(t.index, "int32"), [...batch, 1], []);
      const lead = advShape.length - t.index.ndim;
      const dims = t.index.shape.map((_, d) => d + lead);
      return S.reshape(S.broadcastInDim(S.broadcastInDim(t.index, advShape, dims), batch, [...advShape.keys()]), [...batch, 1]);
    }
    const steps = S.iota("int32", batch, advShape.length + partial.indexOf(t));
    const scaled = t.step === 1 ? steps : mul(steps, S.fullLike(steps.aval, t.step));
    return S.reshape(t.start === 0 ? scaled : add(scaled, S.fullLike(scaled.aval, t.start)), [...batch, 1]);
  });
  const perm = [...indexed.map((t) => t.axis), ...full.map((t) => t.axis)];
  const indices = cols.length === 0 ? ArrayImpl.zeros([...batch, 0], "int32") : S.concatenate(cols, nb);
  const gatherShape = [...batch, ...full.map((t) => t.len)];

  // gather output dims: advShape, then partial slices, then full slices; numpy order puts the
  // advanced block where the first advanced item is (when adjacent) or in front.
  const slot = (t: SliceToken): number => {
    const p = partial.indexOf(t);
    return p >= 0 ? advShape.length + p : nb + full.indexOf(t);
  };
  const advDims = [...advShape.keys()];
  const outPerm: number[] = contiguous ? [] : [...advDims];
  const outShape: number[] = contiguous ? [] : [...advShape];
  tokens.forEach((t, pos) => {
    if (t.kind === "new") outShape.push(1);
    else if (t.kind === "slice") {
      outPerm.push(slot(t));
      outShape.push(t.len);
    } else if (contiguous && pos === adv[0]!.pos) {
      outPerm.push(...advDims);
      outShape.push(...advShape);
    }
  });
  return { perm, indices, gatherShape, outPerm, shape: outShape };
}

/** x[tokens] through a plan: transpose, gather, transpose, reshape. */
export function gatherPlan(x: JaxArray, p: Plan, mode: GatherMode, fillValue: number | null): JaxArray {
  const y = gather(S.transpose(x, p.perm), p.indices, { mode, fillValue });
  return S.reshape(S.transpose(y, p.outPerm), p.shape);
}

// ---- x.get(...) ----

export function index(x: JaxArray, idx: IndexItem[]): JaxArray {
  // Out-of-bounds integers clamp to the nearest element, as JAX's indexing does
  // (x[10] of a size-5 axis reads x[4]); only an empty axis has nothing to read.
  const tokens = resolve("index", x.shape, idx).map((t) => {
    if (t.kind !== "adv" || typeof t.index !== "number") return t;
    const n = x.shape[t.axis]!;
    if (n === 0) throw new RangeError(`index: index ${t.index} is out of bounds for axis ${t.axis} with size 0.`);
    return { ...t, index: Math.min(Math.max(t.index, 0), n - 1) };
  });
  if (tokens.some((t) => t.kind === "adv" && typeof t.index !== "number")) return advancedIndex(x, tokens);
  return basicIndex(x, tokens);
}

/** Integers, slices and new axes only: static slicing (slice, rev, reshape), no gather. */
function basicIndex(x: JaxArray, tokens: readonly Token[]): JaxArray {
  const start: number[] = [];
  const limit: number[] = [];
  const strides: number[] = [];
  const revDims: number[] = [];
  const finalShape: number[] = [];
  for (const t of tokens) {
    if (t.kind === "new") {
      finalShape.push(1);
      continue;
    }
    if (t.kind === "adv") {
      const i = t.index as number;
      start.push(i);
      limit.push(i + 1);
      strides.push(1);
      continue;
    }
    const { start: s, step, len } = t;
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
      revDims.push(t.axis);
    }
    finalShape.push(len);
  }
  let y = x;
  const trivial = start.every((s, i) => s === 0 && limit[i] === x.shape[i] && strides[i] === 1);
  if (!trivial) y = S.slice(y, start, limit, strides);
  y = S.rev(y, revDims);
  return S.reshape(y, finalShape);
}

/**
 * With integer arrays: apply the slices statically first, so that the gather only needs
 * index columns for the advanced items (integers and arrays).
 */
export function advancedIndex(
  x: JaxArray,
  tokens: readonly Token[],
  mode: GatherMode = "promise_in_bounds",
  fillValue: number | null = null,
): JaxArray {
  const full = (axis: number): Token => ({ kind: "slice", axis, start: 0, step: 1, len: x.shape[axis]! });
  const sliced = basicIndex(
    x,
    tokens.filter((t) => t.kind !== "new").map((t) => (t.kind === "adv" ? full(t.axis) : t)),
  );
  let axis = 0;
  const rest = tokens.map((t): Token => {
    if (t.kind === "new") return t;
    const a = axis++;
    return t.kind === "slice" ? { kind: "slice", axis: a, start: 0, step: 1, len: t.len } : { ...t, axis: a };
  });
  return gatherPlan(sliced, plan("index", sliced.shape, rest), mode, fillValue);
}
