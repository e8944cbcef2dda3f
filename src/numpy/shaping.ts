// Shape functions beyond manipulation.ts: axis moves, splitting, tiling and repeating,
// flips, rolls and rotations, padding (all of numpy's static modes), the atleast/stack
// family, and static insert/delete/resize. Everything is static slicing, concatenation,
// broadcasting and reshaping (no gathers), so grad, vmap and jit go straight through.
import { type ArrayLike, JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { type DType, isFloat, isInteger } from "../core/dtype.js";
import { fmtShape, normAxes, normAxis, sizeOf } from "../core/shape.js";
import { dynamicSlice } from "../primitives/dynamic_slice.js";
import * as lax from "../primitives/elementwise.js";
import * as S from "../primitives/shape_ops.js";
import { asJax, castTo, dtypeArg } from "./coerce.js";
import { concatenate } from "./manipulation.js";
import { max as amax, mean as amean, min as amin } from "./reductions.js";
import { median as amedian } from "./sorting.js";

/** x[..., start:stop, ...] along one axis (static, step 1). */
function sliceAxis(x: JaxArray, axis: number, start: number, stop: number): JaxArray {
  return S.slice(
    x,
    x.shape.map((_, d) => (d === axis ? start : 0)),
    x.shape.map((n, d) => (d === axis ? stop : n)),
  );
}
const setAt = (shape: readonly number[], axis: number, n: number) => shape.map((m, d) => (d === axis ? n : m));

// ---------------------------------------------------------------------------
// axis permutations

export function swapaxes(a: ArrayLike, axis1: number, axis2: number): JaxArray {
  const x = asJax(a, "swapaxes");
  const i = normAxis("swapaxes", axis1, x.ndim);
  const j = normAxis("swapaxes", axis2, x.ndim);
  const perm = [...Array(x.ndim).keys()];
  perm[i] = j;
  perm[j] = i;
  return S.transpose(x, perm);
}

/** Moves axes `source` to positions `destination`, keeping the others in order. */
export function moveaxis(a: ArrayLike, source: number | readonly number[], destination: number | readonly number[]): JaxArray {
  const x = asJax(a, "moveaxis");
  const src = normAxes("moveaxis", source, x.ndim);
  const dst = normAxes("moveaxis", destination, x.ndim);
  if (src.length !== dst.length) {
    throw new Error(`moveaxis: source and destination need the same number of axes, got ${src.length} and ${dst.length}.`);
  }
  const perm = [...Array(x.ndim).keys()].filter((d) => !src.includes(d));
  const pairs = dst.map((d, i) => [d, src[i]!] as const).sort((p, q) => p[0] - q[0]);
  for (const [d, s] of pairs) perm.splice(d, 0, s);
  return S.transpose(x, perm);
}

/** Rolls `axis` backwards until it lies before position `start` (numpy.rollaxis). */
export function rollaxis(a: ArrayLike, axis: number, start = 0): JaxArray {
  const x = asJax(a, "rollaxis");
  const ax = normAxis("rollaxis", axis, x.ndim);
  if (!Number.isInteger(start) || start < -x.ndim || start > x.ndim) {
    throw new RangeError(`rollaxis: start=${start} must satisfy ${-x.ndim} <= start <= ${x.ndim}.`);
  }
  let s = start < 0 ? start + x.ndim : start;
  if (s > ax) s -= 1;
  return moveaxis(x, ax, s);
}

// ---------------------------------------------------------------------------
// splitting

function splitBy(op: string, ary: ArrayLike, spec: number | readonly number[], axis: number, uneven: boolean): JaxArray[] {
  const x = asJax(ary, op);
  const ax = normAxis(op, axis, x.ndim);
  const n = x.shape[ax]!;
  let sizes: number[];
  if (typeof spec === "number") {
    if (!Number.isInteger(spec) || spec <= 0) throw new Error(`${op}: the number of sections must be a positive integer, got ${spec}.`);
    const part = Math.floor(n / spec);
    const r = n % spec;
    if (r !== 0 && !uneven) {
      throw new Error(`${op}: an axis of size ${n} does not split into ${spec} equal sections; use arraySplit for unequal sections.`);
    }
    sizes = [...Array(spec).keys()].map((i) => (i < r ? part + 1 : part));
  } else {
    // as in JAX: the split points are used as given, so they must be non-decreasing and within the axis
    const points = [0, ...spec, n];
    sizes = points.slice(1).map((p, i) => p - points[i]!);
    if (sizes.some((m) => !Number.isInteger(m) || m < 0)) {
      throw new Error(`${op}: split indices ${JSON.stringify(spec)} must be non-decreasing integers in [0, ${n}] (the axis length).`);
    }
  }
  let off = 0;
  return sizes.map((m) => {
    off += m;
    return sliceAxis(x, ax, off - m, off);
  });
}

/** Splits into `sections` equal parts, or at the given indices, along `axis`. */
export function split(ary: ArrayLike, indicesOrSections: number | readonly number[], axis = 0): JaxArray[] {
  return splitBy("split", ary, indicesOrSections, axis, false);
}
/** Like split, but `sections` need not divide the axis (the first parts are one longer). */
export function arraySplit(ary: ArrayLike, indicesOrSections: number | readonly number[], axis = 0): JaxArray[] {
  return splitBy("arraySplit", ary, indicesOrSections, axis, true);
}
/** split along axis 1 (axis 0 for 1-D arrays). */
export function hsplit(ary: ArrayLike, indicesOrSections: number | readonly number[]): JaxArray[] {
  const x = asJax(ary, "hsplit");
  if (x.ndim === 0) throw new Error("hsplit: the input must be at least 1-D.");
  return splitBy("hsplit", x, indicesOrSections, x.ndim === 1 ? 0 : 1, false);
}
/** split along axis 0 (the input must be at least 2-D). */
export function vsplit(ary: ArrayLike, indicesOrSections: number | readonly number[]): JaxArray[] {
  const x = asJax(ary, "vsplit");
  if (x.ndim < 2) throw new Error(`vsplit: the input must be at least 2-D, got shape ${fmtShape(x.shape)}.`);
  return splitBy("vsplit", x, indicesOrSections, 0, false);
}
/** split along axis 2 (the input must be at least 3-D). */
export function dsplit(ary: ArrayLike, indicesOrSections: number | readonly number[]): JaxArray[] {
  const x = asJax(ary, "dsplit");
  if (x.ndim < 3) throw new Error(`dsplit: the input must be at least 3-D, got shape ${fmtShape(x.shape)}.`);
  return splitBy("dsplit", x, indicesOrSections, 2, false);
}

/** The slices along `axis`, each without that axis. */
export function unstack(x: ArrayLike, opts: { axis?: number } = {}): JaxArray[] {
  const a = asJax(x, "unstack");
  if (a.ndim === 0) throw new Error("unstack: the input must be at least 1-D.");
  const ax = normAxis("unstack", opts.axis ?? 0, a.ndim);
  const rest = a.shape.filter((_, d) => d !== ax);
  return [...Array(a.shape[ax]!).keys()].map((i) => S.reshape(sliceAxis(a, ax, i, i + 1), rest));
}

// ---------------------------------------------------------------------------
// tiling and repeating

/** Repeats the whole array `reps` times along each axis (reps aligned to the trailing axes). */
export function tile(A: ArrayLike, reps: number | readonly number[]): JaxArray {
  let a = asJax(A, "tile");
  const r0 = typeof reps === "number" ? [reps] : [...reps];
  if (r0.some((r) => !Number.isInteger(r) || r < 0))
    throw new Error(`tile: reps must be non-negative integers, got ${JSON.stringify(reps)}.`);
  const r = [...Array(Math.max(0, a.ndim - r0.length)).fill(1), ...r0];
  if (r.length > a.ndim) a = S.reshape(a, [...Array(r.length - a.ndim).fill(1), ...a.shape]);
  // broadcast to (r0, d0, r1, d1, ...) and merge each pair
  const wide = r.flatMap((n, i) => [n, a.shape[i]!]);
  const b = S.broadcastInDim(
    a,
    wide,
    a.shape.map((_, i) => 2 * i + 1),
  );
  return S.reshape(
    b,
    r.map((n, i) => n * a.shape[i]!),
  );
}

export interface RepeatOpts {
  /** The output length along the axis: truncates, or pads by repeating the last element. */
  totalRepeatLength?: number;
}
/** Repeats each element `repeats` times (a count, or one count per element) along `axis` (flattened if null). */
export function repeat(a: ArrayLike, repeats: number | readonly number[], axis?: number | null, opts: RepeatOpts = {}): JaxArray {
  let x = asJax(a, "repeat");
  if (axis === undefined || axis === null) {
    x = S.reshape(x, [x.size]);
    axis = 0;
  }
  if (x.ndim === 0) throw new Error("repeat: a 0-d array needs axis=null (it is flattened first).");
  const ax = normAxis("repeat", axis, x.ndim);
  const n = x.shape[ax]!;
  const counts =
    typeof repeats === "number" ? Array<number>(n).fill(repeats) : repeats.length === 1 ? Array<number>(n).fill(repeats[0]!) : [...repeats];
  if (counts.length !== n)
    throw new Error(`repeat: got ${counts.length} repeat counts for an axis of size ${n}; give one count, or one per element.`);
  if (counts.some((c) => !Number.isInteger(c) || c < 0))
    throw new Error(`repeat: repeat counts must be non-negative integers, got ${JSON.stringify(repeats)}.`);
  const total = opts.totalRepeatLength;
  const natural = counts.reduce((s, c) => s + c, 0);
  if (total === undefined && counts.every((c) => c === counts[0]) && n > 0) {
    // one count: broadcast along a new axis after `ax`, then merge the two
    const c = counts[0]!;
    const wide = [...x.shape.slice(0, ax + 1), c, ...x.shape.slice(ax + 1)];
    const b = S.broadcastInDim(
      x,
      wide,
      x.shape.map((_, d) => (d <= ax ? d : d + 1)),
    );
    return S.reshape(b, setAt(x.shape, ax, n * c));
  }
  // per-element counts: the source index of every output position, then runs of equal indices
  const src: number[] = [];
  counts.forEach((c, i) => {
    for (let j = 0; j < c; j++) src.push(i);
  });
  const len = total ?? natural;
  if (!Number.isInteger(len) || len < 0) throw new Error(`repeat: totalRepeatLength must be a non-negative integer, got ${total}.`);
  if (len === 0 || n === 0) return S.reshape(sliceAxis(x, ax, 0, 0), setAt(x.shape, ax, n === 0 ? 0 : len));
  while (src.length < len) src.push(src.length === 0 ? 0 : src[src.length - 1]!);
  src.length = len;
  const pieces: JaxArray[] = [];
  for (let i = 0; i < len; ) {
    let j = i;
    while (j < len && src[j] === src[i]) j++;
    const row = sliceAxis(x, ax, src[i]!, src[i]! + 1);
    pieces.push(S.broadcastInDim(row, setAt(x.shape, ax, j - i), [...x.shape.keys()]));
    i = j;
  }
  return S.concatenate(pieces, ax);
}

// ---------------------------------------------------------------------------
// flips, rolls, rotations

/** Reverses the order of elements along `axis` (all axes by default). */
export function flip(m: ArrayLike, axis?: number | readonly number[] | null): JaxArray {
  const x = asJax(m, "flip");
  return S.rev(x, normAxes("flip", axis, x.ndim));
}
export function fliplr(m: ArrayLike): JaxArray {
  const x = asJax(m, "fliplr");
  if (x.ndim < 2) throw new Error(`fliplr: the input must be at least 2-D, got shape ${fmtShape(x.shape)}.`);
  return S.rev(x, [1]);
}
export function flipud(m: ArrayLike): JaxArray {
  const x = asJax(m, "flipud");
  if (x.ndim < 1) throw new Error("flipud: the input must be at least 1-D.");
  return S.rev(x, [0]);
}

/**
 * Rolls elements by `shift` along `axis` (the flattened array if axis is null). A static
 * shift is two slices and a concatenation; an array shift (possibly traced) is a
 * dynamic slice of the axis doubled.
 */
export function roll(a: ArrayLike, shift: number | readonly number[] | JaxArray, axis?: number | readonly number[] | null): JaxArray {
  const x = asJax(a, "roll");
  if (axis === undefined || axis === null) {
    const single = shift instanceof JaxArray ? shift.size === 1 : typeof shift === "number" || shift.length === 1;
    if (!single) throw new Error("roll: with axis=null, shift must be a single number.");
    return S.reshape(roll(S.reshape(x, [x.size]), shift, 0), x.shape);
  }
  const axes = (typeof axis === "number" ? [axis] : [...axis]).map((d) => normAxis("roll", d, x.ndim));
  if (shift instanceof JaxArray) return rollDynamic(x, shift, axes);
  const shifts = typeof shift === "number" ? [shift] : [...shift];
  // numpy broadcasts shift against axis
  const count = Math.max(axes.length, shifts.length);
  if ((axes.length !== count && axes.length !== 1) || (shifts.length !== count && shifts.length !== 1)) {
    throw new Error(
      `roll: shift (${shifts.length} values) and axis (${axes.length} values) must have equal lengths or one of them length 1.`,
    );
  }
  let out = x;
  for (let i = 0; i < count; i++) {
    const ax = axes[axes.length === 1 ? 0 : i]!;
    const s = shifts[shifts.length === 1 ? 0 : i]!;
    if (!Number.isInteger(s)) throw new TypeError(`roll: shifts must be integers, got ${s}.`);
    const n = out.shape[ax]!;
    if (n === 0) continue;
    const cut = ((-s % n) + n) % n;
    if (cut === 0) continue;
    out = S.concatenate([sliceAxis(out, ax, cut, n), sliceAxis(out, ax, 0, cut)], ax);
  }
  return out;
}

function rollDynamic(x: JaxArray, shift: JaxArray, axes: number[]): JaxArray {
  if (shift.ndim > 1 || isFloat(shift.dtype))
    throw new TypeError(`roll: an array shift must be an integer scalar or 1-D array, got ${shift.dtype}${fmtShape(shift.shape)}.`);
  const m = shift.ndim === 0 ? 1 : shift.shape[0]!;
  const count = Math.max(m, axes.length);
  if ((m !== count && m !== 1) || (axes.length !== count && axes.length !== 1)) {
    throw new Error(`roll: shift (${m} values) and axis (${axes.length} values) must have equal lengths or one of them length 1.`);
  }
  const s32 = castTo(shift, "int32");
  let out = x;
  for (let i = 0; i < count; i++) {
    const ax = axes[axes.length === 1 ? 0 : i]!;
    const si = s32.ndim === 0 ? s32 : S.reshape(S.slice(s32, [m === 1 ? 0 : i], [m === 1 ? 1 : i + 1]), []);
    const n = out.shape[ax]!;
    if (n === 0) continue;
    // start = n - (shift mod n), in [1, n]: the window of the doubled axis that begins there
    const nn = S.fullLike(si.aval, n);
    const r = lax.rem(lax.add(lax.rem(si, nn), nn), nn);
    const start = lax.sub(nn, r);
    const doubled = S.concatenate([out, out], ax);
    out = dynamicSlice(
      doubled,
      out.shape.map((_, d) => (d === ax ? start : 0)),
      out.shape,
    );
  }
  return out;
}

/** Rotates by 90° k times in the plane of `axes` (from the first axis toward the second). */
export function rot90(m: ArrayLike, k = 1, opts: { axes?: readonly [number, number] } = {}): JaxArray {
  const x = asJax(m, "rot90");
  if (x.ndim < 2) throw new Error(`rot90: the input must be at least 2-D, got shape ${fmtShape(x.shape)}.`);
  const [a1, a2] = opts.axes ?? [0, 1];
  const ax1 = normAxis("rot90", a1, x.ndim);
  const ax2 = normAxis("rot90", a2, x.ndim);
  if (ax1 === ax2) throw new Error("rot90: the two axes must be different.");
  const kk = ((k % 4) + 4) % 4;
  if (kk === 0) return x;
  if (kk === 2) return S.rev(x, [ax1, ax2]);
  const perm = [...Array(x.ndim).keys()];
  perm[ax1] = ax2;
  perm[ax2] = ax1;
  return kk === 1 ? S.transpose(S.rev(x, [ax2]), perm) : S.rev(S.transpose(x, perm), [ax2]);
}

// ---------------------------------------------------------------------------
// padding

export type PadMode =
  | "constant"
  | "edge"
  | "wrap"
  | "reflect"
  | "symmetric"
  | "linear_ramp"
  | "maximum"
  | "minimum"
  | "mean"
  | "median"
  | "empty";
type PairSpec<T> = T | readonly T[] | readonly (readonly T[])[];
export interface PadOpts {
  mode?: PadMode;
  /** mode "constant": the fill, a scalar or [before, after] (per axis: [[b0, a0], [b1, a1], ...]). */
  constantValues?: PairSpec<number>;
  /** mode "reflect"/"symmetric": "even" (default) mirrors, "odd" reflects through the edge value. */
  reflectType?: "even" | "odd";
  /** mode "linear_ramp": the values the ramps start from, shaped like constantValues. */
  endValues?: PairSpec<number>;
  /** modes "maximum"/"minimum"/"mean"/"median": how many edge elements the statistic covers (default all). */
  statLength?: PairSpec<number> | null;
}

/** numpy's broadcasting of pad widths (and friends) to one [before, after] pair per axis. */
function toPairs(op: string, v: PairSpec<number>, nd: number, name: string): [number, number][] {
  const bad = () =>
    new Error(
      `${op}: ${name} must be a number, [before, after], [[before, after]] or one [before, after] per axis (${nd}); got ${JSON.stringify(v)}.`,
    );
  if (typeof v === "number") return Array.from({ length: nd }, () => [v, v]);
  if (!Array.isArray(v)) throw bad();
  if (v.every((e) => typeof e === "number")) {
    const flat = v as readonly number[];
    if (flat.length === 1) return Array.from({ length: nd }, () => [flat[0]!, flat[0]!]);
    if (flat.length === 2) return Array.from({ length: nd }, () => [flat[0]!, flat[1]!]);
    throw bad();
  }
  const rows = v as readonly (readonly number[])[];
  if (!rows.every((r) => Array.isArray(r) && r.length === 2 && r.every((e) => typeof e === "number"))) throw bad();
  if (rows.length === 1) return Array.from({ length: nd }, () => [rows[0]![0]!, rows[0]![1]!]);
  if (rows.length === nd) return rows.map((r) => [r[0]!, r[1]!]);
  throw bad();
}

const isPadOpts = (v: unknown): v is PadOpts => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Pads with numpy's modes: pad(x, padWidth, mode?, opts?) or pad(x, padWidth, {mode, ...}).
 * padWidth is a number, [before, after], or one [before, after] per axis.
 */
export function pad(array: ArrayLike, padWidth: PairSpec<number>, mode?: PadMode | PadOpts, opts: PadOpts = {}): JaxArray {
  const o: PadOpts = isPadOpts(mode) ? mode : { ...opts, mode: mode ?? opts.mode };
  const md = o.mode ?? "constant";
  let x = asJax(array, "pad");
  const nd = x.ndim;
  if (nd === 0) return x;
  const widths = toPairs("pad", padWidth, nd, "padWidth");
  if (widths.some(([b, a]) => !Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0)) {
    throw new Error(`pad: pad widths must be non-negative integers, got ${JSON.stringify(padWidth)}.`);
  }
  const noPadOnEmpty = (d: number) => {
    if (widths[d]![0] > 0 || widths[d]![1] > 0) throw new Error(`pad: cannot apply '${md}' padding to the empty axis ${d}.`);
  };
  switch (md) {
    case "constant": {
      const vals = toPairs("pad", o.constantValues ?? 0, nd, "constantValues");
      const uniform = vals.every(([b, a]) => b === vals[0]![0] && a === vals[0]![0]);
      const scalarOf = (v: number) => scalarLike(v, x);
      if (uniform)
        return S.pad(
          x,
          scalarOf(vals[0]![0]),
          widths.map(([b, a]) => [b, a, 0] as const),
        );
      for (let d = 0; d < nd; d++) {
        const [b, a] = widths[d]!;
        const cfg = (lo: number, hi: number) => x.shape.map((_, e) => (e === d ? ([lo, hi, 0] as const) : ([0, 0, 0] as const)));
        if (b) x = S.pad(x, scalarOf(vals[d]![0]), cfg(b, 0));
        if (a) x = S.pad(x, scalarOf(vals[d]![1]), cfg(0, a));
      }
      return x;
    }
    case "empty":
      return S.pad(
        x,
        scalarLike(0, x),
        widths.map(([b, a]) => [b, a, 0] as const),
      );
    case "edge":
      for (let d = 0; d < nd; d++) {
        const n = x.shape[d]!;
        if (n === 0) {
          noPadOnEmpty(d);
          continue;
        }
        const [b, a] = widths[d]!;
        const before = S.broadcastInDim(sliceAxis(x, d, 0, 1), setAt(x.shape, d, b), [...x.shape.keys()]);
        const after = S.broadcastInDim(sliceAxis(x, d, n - 1, n), setAt(x.shape, d, a), [...x.shape.keys()]);
        x = S.concatenate([before, x, after], d);
      }
      return x;
    case "wrap":
      for (let d = 0; d < nd; d++) {
        const n = x.shape[d]!;
        if (n === 0) {
          noPadOnEmpty(d);
          continue;
        }
        const [b, a] = widths[d]!;
        const parts: JaxArray[] = [];
        if (b % n) parts.push(sliceAxis(x, d, n - (b % n), n));
        for (let i = 0; i < Math.floor(b / n) + Math.floor(a / n) + 1; i++) parts.push(x);
        if (a % n) parts.push(sliceAxis(x, d, 0, a % n));
        x = S.concatenate(parts, d);
      }
      return x;
    case "reflect":
    case "symmetric":
      for (let d = 0; d < nd; d++) {
        if (x.shape[d] === 0) {
          noPadOnEmpty(d);
          continue;
        }
        x = reflectPad(x, d, widths[d]!, md, o.reflectType ?? "even");
      }
      return x;
    case "linear_ramp": {
      const ends = toPairs("pad", o.endValues ?? 0, nd, "endValues");
      for (let d = 0; d < nd; d++) {
        const n = x.shape[d]!;
        const [b, a] = widths[d]!;
        const before = ramp(x, d, ends[d]![0], sliceAxis(x, d, 0, 1), b);
        const after = S.rev(ramp(x, d, ends[d]![1], sliceAxis(x, d, n - 1, n), a), [d]);
        x = S.concatenate([before, x, after], d);
      }
      return x;
    }
    case "maximum":
    case "minimum":
    case "mean":
    case "median": {
      const stat = md === "maximum" ? amax : md === "minimum" ? amin : md === "mean" ? amean : amedian;
      const lengths = o.statLength === undefined || o.statLength === null ? null : toPairs("pad", o.statLength, nd, "statLength");
      for (let d = 0; d < nd; d++) {
        const n = x.shape[d]!;
        const [b, a] = widths[d]!;
        let lb = n;
        let la = n;
        if (lengths) {
          if (lengths[d]![0] === 0 || lengths[d]![1] === 0) throw new Error("pad: a statLength of 0 yields no value for padding.");
          lb = Math.min(lengths[d]![0], n);
          la = Math.min(lengths[d]![1], n);
        }
        const statOf = (part: JaxArray) => {
          let s = stat(part, d, { keepdims: true });
          if (isInteger(x.dtype)) s = lax.round(castTo(s, "float32"));
          return castTo(s, x.dtype, x.weakType);
        };
        const before = S.broadcastInDim(statOf(sliceAxis(x, d, 0, lb)), setAt(x.shape, d, b), [...x.shape.keys()]);
        const after = S.broadcastInDim(statOf(sliceAxis(x, d, n - la, n)), setAt(x.shape, d, a), [...x.shape.keys()]);
        x = S.concatenate([before, x, after], d);
      }
      return x;
    }
    default:
      throw new Error(
        `pad: unknown mode ${JSON.stringify(md)}; expected one of constant, edge, wrap, reflect, symmetric, linear_ramp, maximum, minimum, mean, median, empty.`,
      );
  }
}

/** A scalar fill value in x's dtype (and weak type), as lax.pad needs it. */
function scalarLike(v: number, like: JaxArray): JaxArray {
  return S.fullLike(new ShapedArray([], like.dtype, like.weakType), v);
}

/** numpy's reflect/symmetric padding of one axis, in chunks when the pad exceeds the axis length. */
function reflectPad(
  x: JaxArray,
  d: number,
  [before, after]: [number, number],
  mode: "reflect" | "symmetric",
  type: "even" | "odd",
): JaxArray {
  const size = x.shape[d]!;
  const offset = mode === "reflect" && size > 1 ? 1 : 0;
  const build = (arr: JaxArray, padding: number, atStart: boolean): JaxArray => {
    const lenNow = () => arr.shape[d]!;
    let edge = atStart ? sliceAxis(arr, d, 0, 1) : sliceAxis(arr, d, lenNow() - 1, lenNow());
    while (padding > 0) {
      const cur = Math.min(padding, size - offset);
      padding -= cur;
      const n = lenNow();
      let piece: JaxArray;
      if (atStart) piece = sliceAxis(arr, d, offset, offset + cur);
      else {
        const stop = mode === "symmetric" || size === 1 ? n : n - 1;
        piece = sliceAxis(arr, d, n - (cur + offset), stop);
      }
      piece = S.rev(piece, [d]);
      if (type === "odd") {
        const e = S.broadcastInDim(edge, piece.shape, [...piece.shape.keys()]);
        piece = lax.sub(lax.add(e, e), piece);
        if (size > 1) edge = atStart ? sliceAxis(piece, d, 0, 1) : sliceAxis(piece, d, piece.shape[d]! - 1, piece.shape[d]!);
      }
      arr = atStart ? S.concatenate([piece, arr], d) : S.concatenate([arr, piece], d);
    }
    return arr;
  };
  return build(build(x, before, true), after, false);
}

/** `count` values from `start` toward `edge` (exclusive), as jnp.linspace(start, edge, count, endpoint=False). */
function ramp(x: JaxArray, d: number, start: number, edge: JaxArray, count: number): JaxArray {
  const shape = setAt(x.shape, d, count);
  if (count === 0) return S.reshape(sliceAxis(x, d, 0, 0), shape);
  const cdt: DType = isInteger(x.dtype) || x.dtype === "bool" ? "float32" : x.dtype;
  const e = S.broadcastInDim(castTo(edge, cdt), shape, [...shape.keys()]);
  const s = S.fullLike(e.aval, start);
  const step = lax.div(S.iota(cdt, shape, d), S.fullLike(e.aval, count));
  let out = lax.add(lax.mul(s, lax.sub(S.fullLike(e.aval, 1), step)), lax.mul(e, step));
  if (cdt !== x.dtype) out = lax.floor(out);
  return castTo(out, x.dtype, x.weakType);
}

// ---------------------------------------------------------------------------
// at-least-n-d and the stacking family

function atleast(nd: number, x: JaxArray): JaxArray {
  if (x.ndim >= nd) return x;
  if (nd === 3) {
    if (x.ndim === 0) return S.reshape(x, [1, 1, 1]);
    if (x.ndim === 1) return S.reshape(x, [1, x.shape[0]!, 1]);
    return S.reshape(x, [...x.shape, 1]);
  }
  return S.reshape(x, [...Array(nd - x.ndim).fill(1), ...x.shape]);
}
function atleastN(op: string, nd: number, arys: ArrayLike[]): JaxArray | JaxArray[] {
  const outs = arys.map((a) => atleast(nd, asJax(a, op)));
  return outs.length === 1 ? outs[0]! : outs;
}
/** Arrays with at least one dimension (one array in, one out; several in, a list out). */
export function atleast1d(x: ArrayLike): JaxArray;
export function atleast1d(x: ArrayLike, y: ArrayLike, ...more: ArrayLike[]): JaxArray[];
export function atleast1d(...arys: ArrayLike[]): JaxArray | JaxArray[] {
  return atleastN("atleast1d", 1, arys);
}
/** Arrays with at least two dimensions (leading 1s added). */
export function atleast2d(x: ArrayLike): JaxArray;
export function atleast2d(x: ArrayLike, y: ArrayLike, ...more: ArrayLike[]): JaxArray[];
export function atleast2d(...arys: ArrayLike[]): JaxArray | JaxArray[] {
  return atleastN("atleast2d", 2, arys);
}
/** Arrays with at least three dimensions: (n,) -> (1, n, 1), (m, n) -> (m, n, 1). */
export function atleast3d(x: ArrayLike): JaxArray;
export function atleast3d(x: ArrayLike, y: ArrayLike, ...more: ArrayLike[]): JaxArray[];
export function atleast3d(...arys: ArrayLike[]): JaxArray | JaxArray[] {
  return atleastN("atleast3d", 3, arys);
}

type Tup = readonly ArrayLike[] | JaxArray;
/** An array argument stands for the list of its slices along axis 0 (as in JAX). */
function items(op: string, tup: Tup): JaxArray[] {
  if (tup instanceof JaxArray) return unstack(tup);
  if (tup.length === 0) throw new Error(`${op}: need at least one array.`);
  return tup.map((t) => asJax(t, op));
}
function withDtype(xs: JaxArray[], dtype: DType | undefined): JaxArray[] {
  return dtype ? xs.map((x) => castTo(x, dtype)) : xs;
}

/** Concatenates along axis 0 after making every input at least 2-D (rows). */
export function vstack(tup: Tup, opts: { dtype?: DType } = {}): JaxArray {
  return concatenate(
    withDtype(
      items("vstack", tup).map((x) => atleast(2, x)),
      dtypeArg("vstack", opts.dtype),
    ),
    0,
  );
}
/** Concatenates along axis 1 (axis 0 for 1-D inputs). */
export function hstack(tup: Tup, opts: { dtype?: DType } = {}): JaxArray {
  const xs = items("hstack", tup).map((x) => atleast(1, x));
  return concatenate(withDtype(xs, dtypeArg("hstack", opts.dtype)), xs[0]!.ndim === 1 ? 0 : 1);
}
/** Concatenates along axis 2 after making every input at least 3-D. */
export function dstack(tup: Tup, opts: { dtype?: DType } = {}): JaxArray {
  return concatenate(
    withDtype(
      items("dstack", tup).map((x) => atleast(3, x)),
      dtypeArg("dstack", opts.dtype),
    ),
    2,
  );
}
/** Stacks 1-D arrays as columns (2-D arrays are taken as they are) into a 2-D array. */
export function columnStack(tup: Tup): JaxArray {
  const xs = items("columnStack", tup).map((x) => (x.ndim < 2 ? S.transpose(atleast(2, x), [1, 0]) : x));
  return concatenate(xs, 1);
}
/** The array-API name of concatenate. */
export const concat = concatenate;

/** Assembles an array from nested lists of blocks (the innermost lists concatenate along the last axis). */
export function block(arrays: ArrayLike | readonly unknown[]): JaxArray {
  const rec = (xs: unknown): [JaxArray, number] => {
    if (!Array.isArray(xs) || xs.every((e) => typeof e === "number" || typeof e === "boolean")) {
      return [asJax(xs as ArrayLike, "block"), 1];
    }
    if (xs.length === 0) throw new Error("block: empty lists are not allowed.");
    const parts = xs.map(rec);
    const depth = parts[0]![1];
    if (parts.some(([, d]) => d !== depth)) throw new Error("block: mismatched list depths.");
    const rank = Math.max(depth, ...parts.map(([p]) => p.ndim));
    return [
      concatenate(
        parts.map(([p]) => atleast(rank, p)),
        -depth,
      ),
      depth + 1,
    ];
  };
  return rec(arrays)[0];
}

/** Appends `values` along `axis` (both flattened when axis is null). */
export function append(arr: ArrayLike, values: ArrayLike, axis?: number | null): JaxArray {
  if (axis === undefined || axis === null) {
    const a = asJax(arr, "append");
    const v = asJax(values, "append");
    return concatenate([S.reshape(a, [a.size]), S.reshape(v, [v.size])], 0);
  }
  return concatenate([arr, values], axis);
}

/** The flattened array repeated (or cut) to fill `newShape`; zeros if either side is empty. */
export function resize(a: ArrayLike, newShape: number | readonly number[]): JaxArray {
  const x = asJax(a, "resize");
  const shape = typeof newShape === "number" ? [newShape] : [...newShape];
  if (shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new Error(`resize: new shape must hold non-negative integers, got ${fmtShape(shape)}.`);
  const n = sizeOf(shape);
  const flat = S.reshape(x, [x.size]);
  if (x.size === 0 || n === 0) return S.fullLike(new ShapedArray(shape, x.dtype), 0);
  const reps = Math.ceil(n / x.size);
  return S.reshape(sliceAxis(tile(flat, reps), 0, 0, n), shape);
}

// ---------------------------------------------------------------------------
// static insert and delete

type StaticIndex = number | readonly number[] | readonly boolean[] | string;

/** The positions a static index (int, list, boolean mask, or slice string like "1:5:2") selects along an axis of size n. */
function staticPositions(op: string, obj: StaticIndex, n: number): number[] {
  if (typeof obj === "number") {
    if (!Number.isInteger(obj) || obj < -n || obj >= n)
      throw new RangeError(`${op}: index ${obj} is out of bounds for an axis of size ${n}.`);
    return [obj < 0 ? obj + n : obj];
  }
  if (typeof obj === "string") {
    const bits = obj.split(":").map((b) => b.trim());
    if (bits.length < 2 || bits.length > 3) throw new Error(`${op}: cannot parse the slice ${JSON.stringify(obj)}.`);
    const num = (t: string | undefined) => (t === undefined || t === "" ? undefined : Number(t));
    const step = num(bits[2]) ?? 1;
    if (!Number.isInteger(step) || step === 0) throw new Error(`${op}: bad slice step in ${JSON.stringify(obj)}.`);
    const norm = (v: number | undefined, dflt: number, lo: number, hi: number) =>
      v === undefined ? dflt : Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    const start = norm(num(bits[0]), step > 0 ? 0 : n - 1, step > 0 ? 0 : -1, step > 0 ? n : n - 1);
    const stop = norm(num(bits[1]), step > 0 ? n : -1, step > 0 ? 0 : -1, step > 0 ? n : n - 1);
    const out: number[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
    return out;
  }
  if (obj.length > 0 && typeof obj[0] === "boolean") {
    if (obj.length !== n) throw new Error(`${op}: a boolean mask needs one entry per element of the axis (${n}), got ${obj.length}.`);
    return (obj as readonly boolean[]).flatMap((b, i) => (b ? [i] : []));
  }
  return (obj as readonly number[]).map((i) => staticPositions(op, i, n)[0]!);
}

/** Concatenation of single rows picked from several sources, merging runs of consecutive rows. */
function gatherRows(rows: [JaxArray, number][], axis: number, template: JaxArray): JaxArray {
  const pieces: JaxArray[] = [];
  for (let i = 0; i < rows.length; ) {
    const [src, start] = rows[i]!;
    let j = i + 1;
    while (j < rows.length && rows[j]![0] === src && rows[j]![1] === start + (j - i)) j++;
    pieces.push(sliceAxis(src, axis, start, start + (j - i)));
    i = j;
  }
  if (pieces.length === 0) return sliceAxis(template, axis, 0, 0);
  return S.concatenate(pieces, axis);
}

/** Removes the entries at static positions (int, list, boolean mask or slice string) along `axis` (flattened if null). */
export function delete_(arr: ArrayLike, obj: StaticIndex, axis?: number | null): JaxArray {
  let x = asJax(arr, "delete");
  if (axis === undefined || axis === null) {
    x = S.reshape(x, [x.size]);
    axis = 0;
  }
  const ax = normAxis("delete", axis, x.ndim);
  const n = x.shape[ax]!;
  const gone = new Set(staticPositions("delete", obj, n));
  const kept: [JaxArray, number][] = [...Array(n).keys()].filter((i) => !gone.has(i)).map((i) => [x, i]);
  return gatherRows(kept, ax, x);
}

/** Inserts `values` before the given static indices along `axis` (flattened if null), as numpy.insert. */
export function insert(arr: ArrayLike, obj: number | readonly number[] | string, values: ArrayLike, axis?: number | null): JaxArray {
  let x = asJax(arr, "insert");
  if (axis === undefined || axis === null) {
    x = S.reshape(x, [x.size]);
    axis = 0;
  }
  const ax = normAxis("insert", axis, x.ndim);
  const n = x.shape[ax]!;
  let idx: number[];
  const scalarIndex = typeof obj === "number";
  if (typeof obj === "string") idx = staticPositions("insert", obj, n);
  else {
    const raw = typeof obj === "number" ? [obj] : [...obj];
    if (raw.some((i) => !Number.isInteger(i))) throw new TypeError(`insert: indices must be integers, got ${JSON.stringify(obj)}.`);
    idx = raw.map((i) => Math.min(Math.max(i < 0 ? i + n : i, 0), n));
  }
  let v = castTo(asJax(values, "insert"), x.dtype, x.weakType);
  if (v.ndim < x.ndim) v = S.reshape(v, [...Array(x.ndim - v.ndim).fill(1), ...v.shape]);
  if (scalarIndex) v = moveaxis(v, 0, ax);
  if (scalarIndex) idx = Array<number>(v.shape[ax]!).fill(idx[0]!);
  const nInsert = idx.length === 1 ? v.shape[ax]! : idx.length;
  if (idx.length === 1) idx = Array<number>(nInsert).fill(idx[0]!);
  if (v.shape[ax] !== nInsert && v.shape[ax] !== 1) {
    throw new Error(`insert: ${nInsert} insertion positions but values have ${v.shape[ax]} entries along axis ${ax}.`);
  }
  v = S.broadcastInDim(
    v,
    setAt(x.shape, ax, nInsert),
    [...v.shape.keys()].map((d) => d),
  );
  // stable order of insertion points: the k-th (by position) inserted value lands at idx + k
  const order = [...idx.keys()].sort((p, q) => idx[p]! - idx[q]! || p - q);
  const slotOf = new Map<number, number>();
  order.forEach((p, r) => slotOf.set(idx[p]! + r, p));
  const rows: [JaxArray, number][] = [];
  let j = 0;
  for (let pos = 0; pos < n + nInsert; pos++) {
    const p = slotOf.get(pos);
    if (p !== undefined) rows.push([v, p]);
    else rows.push([x, j++]);
  }
  return gatherRows(rows, ax, x);
}
