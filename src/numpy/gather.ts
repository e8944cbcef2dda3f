// jax.numpy functions built on gather and scatter: take, takeAlongAxis, putAlongAxis,
// nonzero/argwhere/flatnonzero, select, the triangle index helpers, unravelIndex,
// ravelMultiIndex and bincount.
//
// Functions whose result SHAPE depends on array values (nonzero, bincount without length)
// need concrete inputs; under jit they take a static `size` (or `length`) instead and pad
// with `fillValue`, as in JAX.
import { ArrayImpl, type ArrayLike, type JaxArray } from "../core/array.js";
import { isInteger, resultType } from "../core/dtype.js";
import { broadcastShapes, fmtShape, normAxis, sizeOf } from "../core/shape.js";
import { Tracer } from "../core/trace.js";
import * as C from "../primitives/cumulative.js";
import { add, ge, select as laxSelect, lt, max, min, mul, ne } from "../primitives/elementwise.js";
import { type GatherMode, gather, scatterAdd } from "../primitives/gather_scatter.js";
import { reduceSum } from "../primitives/reduce.js";
import * as S from "../primitives/shape_ops.js";
import { asJax, broadcastTo, castTo } from "./coerce.js";
import { maskCoordinates } from "./indexing.js";
import { ConcretizationTypeError } from "./methods.js";
import { floorDivide, mod } from "./ufuncs.js";

/** The concrete value of `x`, or a ConcretizationTypeError naming the fix. */
function concrete(x: JaxArray, op: string, fix: string): ArrayImpl {
  const c = x instanceof ArrayImpl ? x : x instanceof Tracer ? x.concreteValue() : null;
  if (c) return c;
  throw new ConcretizationTypeError(
    `${op}: the size of the result depends on the values of a traced array (${x.aval.toString()}), which are not known ` +
      `while tracing (jit). ${fix}`,
  );
}

/** Integer indices from an array or nested JS integers (which would otherwise become float32). */
function intIndices(op: string, indices: ArrayLike): JaxArray {
  const i = asJax(indices, op);
  if (Array.isArray(indices) && i.dtype === "float32") {
    const v = concrete(i, op, "").values();
    for (let k = 0; k < v.length; k++) if (!Number.isInteger(v[k])) throw new TypeError(`${op}: indices must be integers, got ${v[k]}.`);
    return castTo(i, "int32");
  }
  if (!isInteger(i.dtype)) throw new TypeError(`${op}: indices must be integers, got dtype ${i.dtype}.`);
  return i;
}

/** i < 0 ? i + n : i, in int32. */
function wrapNegative(i: JaxArray, n: number): JaxArray {
  const i32 = castTo(i, "int32");
  return laxSelect(lt(i32, S.fullLike(i32.aval, 0)), add(i32, S.fullLike(i32.aval, n)), i32);
}

export type TakeMode = "fill" | "clip" | "wrap" | "promise_in_bounds";
export interface TakeOpts {
  /** Out-of-bounds handling: "fill" (the default, as in JAX), "clip", "wrap" or "promise_in_bounds" (clamps). */
  mode?: TakeMode;
  /** The value of out-of-bounds entries in "fill" mode; default NaN, the most negative int, the largest uint, true. */
  fillValue?: number;
}

/** Indices (int32) and the gather mode for one of take's modes (JAX's _take). */
function prepareIndices(op: string, i: JaxArray, n: number, mode: TakeMode): [JaxArray, GatherMode] {
  switch (mode) {
    case "fill":
      return [wrapNegative(i, n), "fill"];
    case "clip":
    case "promise_in_bounds":
      return [castTo(i, "int32"), "clip"];
    case "wrap":
      return [mod(castTo(i, "int32"), n), "clip"];
    default:
      throw new Error(`${op}: invalid mode ${JSON.stringify(mode)}; expected "fill", "clip", "wrap" or "promise_in_bounds".`);
  }
}

/**
 * jnp.take(a, indices, axis=null, {mode, fillValue}): a's subarrays at `indices` along
 * `axis` (of the flattened array when axis is null). Out-of-bounds indices give NaN (or
 * the dtype's fill) by default, as in JAX; negative indices count from the end.
 */
export function take(a: ArrayLike, indices: ArrayLike, axis: number | null = null, opts: TakeOpts = {}): JaxArray {
  let x = asJax(a, "take");
  const idx = intIndices("take", indices);
  if (axis === null) {
    x = S.reshape(x, [x.size]);
    axis = 0;
  }
  const ax = normAxis("take", axis, x.ndim);
  const n = x.shape[ax]!;
  const outShape = [...x.shape.slice(0, ax), ...idx.shape, ...x.shape.slice(ax + 1)];
  if (n === 0) {
    if (idx.size !== 0) throw new Error("take: cannot do a non-empty take from an empty axis.");
    return S.broadcastInDim(ArrayImpl.scalar(0, x.dtype, x.weakType), outShape, []);
  }
  const [i, mode] = prepareIndices("take", idx, n, opts.mode ?? "fill");
  // the taken axis leads; the gather gives idx.shape ++ the other axes
  const moved = S.transpose(
    x,
    [ax, ...x.shape.keys()].filter((d, k) => k === 0 || d !== ax),
  );
  const g = gather(moved, S.reshape(i, [...i.shape, 1]), { mode, fillValue: opts.fillValue ?? null });
  const ni = idx.ndim;
  const perm = [
    ...[...Array(ax).keys()].map((d) => d + ni),
    ...Array(ni).keys(),
    ...[...Array(x.ndim - 1 - ax).keys()].map((d) => d + ni + ax),
  ];
  return S.transpose(g, perm);
}

/** The index columns that pick, at every position of `outShape`, the element of `x` along `axis` at `i`. */
function alongAxisIndices(xShape: readonly number[], i: JaxArray, axis: number, outShape: readonly number[]): JaxArray {
  const cols = xShape.map((n, d) => {
    let c: JaxArray;
    if (d === axis) c = broadcastTo(i, outShape, "takeAlongAxis");
    else if (n === 1) c = S.broadcastInDim(ArrayImpl.scalar(0, "int32"), outShape, []);
    else c = S.iota("int32", outShape, d);
    return S.reshape(c, [...outShape, 1]);
  });
  return S.concatenate(cols, outShape.length);
}

/**
 * jnp.takeAlongAxis(arr, indices, axis=-1, {mode, fillValue}): out[..., j, ...] =
 * arr[..., indices[..., j, ...], ...] along `axis`; arr and indices broadcast in the other
 * axes. Out-of-bounds indices fill (NaN) by default, as in JAX.
 */
export function takeAlongAxis(arr: ArrayLike, indices: ArrayLike, axis: number | null = -1, opts: TakeOpts = {}): JaxArray {
  let x = asJax(arr, "takeAlongAxis");
  const idx = intIndices("takeAlongAxis", indices);
  if (axis === null) {
    if (idx.ndim !== 1) throw new Error(`takeAlongAxis: indices must be 1-D when axis is null, got shape ${fmtShape(idx.shape)}.`);
    x = S.reshape(x, [x.size]);
    axis = 0;
  }
  if (x.ndim !== idx.ndim) {
    throw new Error(`takeAlongAxis: indices and arr must have the same number of dimensions; ${idx.ndim} vs. ${x.ndim}.`);
  }
  const ax = normAxis("takeAlongAxis", axis, x.ndim);
  const outShape = broadcastShapes(
    "takeAlongAxis",
    idx.shape,
    x.shape.map((n, d) => (d === ax ? 1 : n)),
  );
  const n = x.shape[ax]!;
  if (n === 0) return S.broadcastInDim(ArrayImpl.scalar(0, x.dtype), outShape, []);
  const [i, mode] = prepareIndices("takeAlongAxis", idx, n, opts.mode ?? "fill");
  return gather(x, alongAxisIndices(x.shape, i, ax, outShape), { mode, fillValue: opts.fillValue ?? null });
}

export interface PutAlongAxisOpts {
  /** JAX arrays are immutable: only `false` is accepted (JAX requires passing inplace=False). */
  inplace?: boolean;
  /** Out-of-bounds handling of the updates: "drop" (default) or "clip". */
  mode?: "drop" | "clip" | "fill" | "promise_in_bounds";
}

/**
 * jnp.putAlongAxis(arr, indices, values, axis, {mode}): a copy of arr with `values` written
 * at `indices` along `axis` (the functional form of numpy.put_along_axis; JAX's
 * inplace=False). Values broadcast to the indices' shape; repeated indices: the last wins.
 */
export function putAlongAxis(
  arr: ArrayLike,
  indices: ArrayLike,
  values: ArrayLike,
  axis: number | null,
  opts: PutAlongAxisOpts = {},
): JaxArray {
  if (opts.inplace) {
    throw new Error(
      "putAlongAxis: JAX arrays are immutable and cannot be modified in place; it returns the updated array (inplace: false).",
    );
  }
  let x = asJax(arr, "putAlongAxis");
  const idx = intIndices("putAlongAxis", indices);
  const original = x.shape;
  if (axis === null) {
    if (idx.ndim !== 1) throw new Error(`putAlongAxis: indices must be 1-D when axis is null, got shape ${fmtShape(idx.shape)}.`);
    x = S.reshape(x, [x.size]);
    axis = 0;
  }
  if (x.ndim !== idx.ndim) {
    throw new Error(`putAlongAxis: indices and arr must have the same number of dimensions; ${idx.ndim} vs. ${x.ndim}.`);
  }
  const ax = normAxis("putAlongAxis", axis, x.ndim);
  // x[arange_0, ..., indices, ..., arange_{n-1}] with the aranges shaped to broadcast
  const items = x.shape.map((n, d): JaxArray => {
    if (d === ax) return idx;
    const shape = x.shape.map((_, e) => (e === d ? n : 1));
    return S.iota("int32", shape, d);
  });
  const out = x.at(...items).set(values, { mode: opts.mode ?? "drop" });
  return S.reshape(out, original);
}

export interface NonzeroOpts {
  /** The static number of results (required under jit): extra ones are dropped, missing ones filled. */
  size?: number;
  /** The index that pads missing results when `size` is larger than the count (default 0). */
  fillValue?: number | readonly number[];
}

/**
 * jnp.nonzero(a, {size, fillValue}): the indices of the nonzero elements, one int32 array
 * per axis. Without `size` the input must be concrete (not under jit).
 */
export function nonzero(a: ArrayLike, opts: NonzeroOpts = {}): JaxArray[] {
  const x = asJax(a, "nonzero");
  if (x.ndim === 0) throw new Error("nonzero: calling nonzero on 0d arrays is not allowed; use jnp.atleast1d(scalar) first.");
  const mask = x.dtype === "bool" ? x : ne(x, S.fullLike(x.aval, 0));
  const size = opts.size;
  if (size === undefined) {
    const m = concrete(mask, "nonzero", "Pass a static {size} (and optionally {fillValue}) to use nonzero under jit.");
    return maskCoordinates(m);
  }
  if (!Number.isInteger(size) || size < 0) throw new Error(`nonzero: size must be a non-negative integer, got ${size}.`);
  if (x.size === 0 || size === 0) return x.shape.map(() => ArrayImpl.zeros([size], "int32"));
  // the k-th hit's flat index = how many running counts are <= k (JAX's cumsum-of-bincount trick)
  const flatMask = castTo(S.reshape(mask, [x.size]), "int32");
  const running = C.cumsum(flatMask, 0);
  const counts = bincountLength(running, null, size);
  const flat = C.cumsum(counts, 0);
  let out = x.shape.map((n, d) => {
    const stride = sizeOf(x.shape.slice(d + 1));
    return mod(floorDivide(flat, stride), n);
  });
  if (opts.fillValue !== undefined) {
    const fills = typeof opts.fillValue === "number" ? x.shape.map(() => opts.fillValue as number) : opts.fillValue;
    if (fills.length !== x.ndim)
      throw new Error(`nonzero: fillValue must be a number or one number per axis (${x.ndim}), got ${fills.length}.`);
    const total = S.broadcastInDim(reduceSum(flatMask, [0]), [size], []);
    const missing = ge(S.iota("int32", [size]), total);
    out = out.map((o, d) => laxSelect(missing, S.fullLike(o.aval, fills[d]!), o));
  }
  return out;
}

/** jnp.flatnonzero(a, {size, fillValue}): the nonzero indices of the flattened array. */
export function flatnonzero(a: ArrayLike, opts: NonzeroOpts = {}): JaxArray {
  const x = asJax(a, "flatnonzero");
  return nonzero(S.reshape(x, [x.size]), opts)[0]!;
}

/** jnp.argwhere(a, {size, fillValue}): the nonzero indices as rows, shape [count, ndim]. */
export function argwhere(a: ArrayLike, opts: NonzeroOpts = {}): JaxArray {
  let x = asJax(a, "argwhere");
  if (x.ndim === 0) x = S.reshape(x, [1]);
  const cols = nonzero(x, opts);
  const n = cols[0]!.shape[0]!;
  return S.concatenate(
    cols.map((c) => S.reshape(c, [n, 1])),
    1,
  );
}

/**
 * jnp.select(condlist, choicelist, default=0): elementwise, the choice of the first true
 * condition, else `default`; everything broadcasts together.
 */
export function select(condlist: readonly ArrayLike[], choicelist: readonly ArrayLike[], defaultValue: ArrayLike = 0): JaxArray {
  if (condlist.length !== choicelist.length) {
    throw new Error(`select: condlist and choicelist must have the same length, got ${condlist.length} and ${choicelist.length}.`);
  }
  if (condlist.length === 0) throw new Error("select: condlist must be non-empty.");
  const conds = condlist.map((c) => asJax(c, "select"));
  for (const c of conds) if (c.dtype !== "bool") throw new TypeError(`select: conditions must be boolean arrays, got dtype ${c.dtype}.`);
  const choices = [defaultValue, ...choicelist].map((c) => asJax(c, "select"));
  const [dt, weak] = resultType(choices);
  const shape = broadcastShapes("select", ...conds.map((c) => c.shape), ...choices.map((c) => c.shape));
  const b = (x: JaxArray) => broadcastTo(x, shape, "select");
  let out = b(castTo(choices[0]!, dt, weak));
  for (let i = conds.length - 1; i >= 0; i--) out = laxSelect(b(conds[i]!), b(castTo(choices[i + 1]!, dt, weak)), out);
  return out;
}

function triangle(op: string, n: number, k: number, m: number, keep: (i: number, j: number) => boolean): [JaxArray, JaxArray] {
  for (const [name, v] of [
    ["n", n],
    ["k", k],
    ["m", m],
  ] as const) {
    if (!Number.isInteger(v)) throw new TypeError(`${op}: ${name} must be an integer, got ${v}.`);
  }
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (keep(i, j)) {
        rows.push(i);
        cols.push(j);
      }
    }
  }
  return [ArrayImpl.of(Int32Array.from(rows), [rows.length], "int32"), ArrayImpl.of(Int32Array.from(cols), [cols.length], "int32")];
}

/** jnp.trilIndices(n, k=0, m=n): row and column indices of the lower triangle (j - i <= k), row-major. */
export function trilIndices(n: number, k = 0, m: number | null = null): [JaxArray, JaxArray] {
  return triangle("trilIndices", n, k, m ?? n, (i, j) => j - i <= k);
}
/** jnp.triuIndices(n, k=0, m=n): row and column indices of the upper triangle (j - i >= k), row-major. */
export function triuIndices(n: number, k = 0, m: number | null = null): [JaxArray, JaxArray] {
  return triangle("triuIndices", n, k, m ?? n, (i, j) => j - i >= k);
}
function shape2d(op: string, arr: ArrayLike): [number, number] {
  const s = asJax(arr, op).shape;
  if (s.length !== 2) throw new Error(`${op}: the input must be 2-D, got shape ${fmtShape(s)}.`);
  return [s[0]!, s[1]!];
}
/** jnp.trilIndicesFrom(arr, k=0): trilIndices for a 2-D array's shape. */
export function trilIndicesFrom(arr: ArrayLike, k = 0): [JaxArray, JaxArray] {
  const [n, m] = shape2d("trilIndicesFrom", arr);
  return trilIndices(n, k, m);
}
/** jnp.triuIndicesFrom(arr, k=0): triuIndices for a 2-D array's shape. */
export function triuIndicesFrom(arr: ArrayLike, k = 0): [JaxArray, JaxArray] {
  const [n, m] = shape2d("triuIndicesFrom", arr);
  return triuIndices(n, k, m);
}

/**
 * jnp.unravelIndex(indices, shape): the coordinates of flat indices in an array of `shape`,
 * one int32 array per axis. As in JAX, indices are clipped to [-size, size - 1] and
 * negative ones count from the end.
 */
export function unravelIndex(indices: ArrayLike, shape: readonly number[]): JaxArray[] {
  const i = castTo(intIndices("unravelIndex", indices), "int32");
  const total = sizeOf(shape);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`unravelIndex: invalid shape ${fmtShape(shape)}.`);
  const clipped = min(max(i, S.fullLike(i.aval, -total)), S.fullLike(i.aval, Math.max(total - 1, -total)));
  return shape.map((_, d) => {
    const outer = sizeOf(shape.slice(d));
    const inner = sizeOf(shape.slice(d + 1));
    return outer === 0 ? S.fullLike(i.aval, 0) : floorDivide(mod(clipped, outer), inner);
  });
}

export interface RavelMultiIndexOpts {
  /** Out-of-range coordinates: "raise" (default; needs concrete input), "wrap" or "clip". */
  mode?: "raise" | "wrap" | "clip";
  /** Row-major "C" (default) or column-major "F". */
  order?: "C" | "F";
}

/** jnp.ravelMultiIndex(multiIndex, dims, {mode, order}): flat indices of coordinate arrays (int32). */
export function ravelMultiIndex(multiIndex: readonly ArrayLike[], dims: readonly number[], opts: RavelMultiIndexOpts = {}): JaxArray {
  if (multiIndex.length !== dims.length) {
    throw new Error(`ravelMultiIndex: got ${multiIndex.length} coordinate arrays for ${dims.length} dimensions.`);
  }
  const mode = opts.mode ?? "raise";
  const order = opts.order ?? "C";
  const coords = multiIndex.map((c) => castTo(intIndices("ravelMultiIndex", c), "int32"));
  const shape = broadcastShapes("ravelMultiIndex", ...coords.map((c) => c.shape));
  const fixed = coords.map((c, d) => {
    const n = dims[d]!;
    const b = broadcastTo(c, shape, "ravelMultiIndex");
    if (mode === "wrap") return mod(b, n);
    if (mode === "clip") return min(max(b, S.fullLike(b.aval, 0)), S.fullLike(b.aval, n - 1));
    if (mode !== "raise") throw new Error(`ravelMultiIndex: invalid mode ${JSON.stringify(mode)}; expected "raise", "wrap" or "clip".`);
    const v = concrete(b, "ravelMultiIndex", 'Pass {mode: "clip"} or {mode: "wrap"} to use it under jit.').values();
    for (let k = 0; k < v.length; k++) {
      if (v[k]! < 0 || v[k]! >= n)
        throw new RangeError(`ravelMultiIndex: invalid entry ${v[k]} in coordinates array ${d} (dimension of size ${n}).`);
    }
    return b;
  });
  const axes = order === "C" ? [...dims.keys()] : [...dims.keys()].reverse();
  let out: JaxArray = S.broadcastInDim(ArrayImpl.scalar(0, "int32"), shape, []);
  let stride = 1;
  for (let k = axes.length - 1; k >= 0; k--) {
    const d = axes[k]!;
    out = add(out, mul(fixed[d]!, S.fullLike(fixed[d]!.aval, stride)));
    stride *= dims[d]!;
  }
  return out;
}

/** counts[k] = Σ weights where x == k, for k < length (x clipped at 0; larger values dropped). */
function bincountLength(x: JaxArray, weights: JaxArray | null, length: number): JaxArray {
  const x32 = castTo(x, "int32");
  const i = max(x32, S.fullLike(x32.aval, 0));
  const w = weights ?? S.broadcastInDim(ArrayImpl.scalar(1, "int32"), x.shape, []);
  const zeros = S.broadcastInDim(ArrayImpl.scalar(0, w.dtype), [length], []);
  return scatterAdd(zeros, S.reshape(i, [...i.shape, 1]), w, { mode: "drop" });
}

export interface BincountOpts {
  /** The minimum number of bins (default 0). */
  minlength?: number;
  /** The static number of bins (required under jit); values >= length are dropped. */
  length?: number;
}

/**
 * jnp.bincount(x, weights?, {minlength, length}): counts (or summed weights) of each
 * non-negative integer in a 1-D array; negative values count as 0, as in JAX. Without
 * `length` the number of bins is max(x) + 1, which needs a concrete x.
 */
export function bincount(x: ArrayLike, weights: ArrayLike | null = null, opts: BincountOpts = {}): JaxArray {
  let a = asJax(x, "bincount");
  if (a.dtype === "bool") a = castTo(a, "int32");
  if (!isInteger(a.dtype)) throw new TypeError(`bincount: x must have an integer type, got ${a.dtype}.`);
  if (a.ndim !== 1) throw new Error(`bincount: only 1-dimensional input is supported, got shape ${fmtShape(a.shape)}.`);
  const minlength = opts.minlength ?? 0;
  let length = opts.length;
  if (length === undefined) {
    const v = concrete(a, "bincount", "Pass a static {length} to use bincount under jit.").values();
    let m = -1;
    for (let k = 0; k < v.length; k++) m = Math.max(m, v[k]!);
    length = Math.max(minlength, v.length === 0 ? 0 : Math.max(0, m) + 1);
  }
  let w: JaxArray | null = null;
  if (weights !== null) {
    w = asJax(weights, "bincount");
    if (w.ndim !== a.ndim || w.shape[0] !== a.shape[0]) {
      throw new Error(`bincount: weights of shape ${fmtShape(w.shape)} must match x of shape ${fmtShape(a.shape)}.`);
    }
    if (w.weakType) w = castTo(w, w.dtype);
  }
  return bincountLength(a, w, length);
}
