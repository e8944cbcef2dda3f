// Array creation beyond creation.ts: log- and geometric spacing, grids (meshgrid, indices,
// fromfunction), triangular and diagonal matrices, Vandermonde matrices and the static
// diagonal indices (diagIndices, diagIndicesFrom).
import { type ArrayLike, JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { type DType, isFloat, isInteger, resultType, toInexact } from "../core/dtype.js";
import { broadcastShapes, checkShape, fmtShape, normAxis } from "../core/shape.js";
import * as lax from "../primitives/elementwise.js";
import * as S from "../primitives/shape_ops.js";
import { vmap } from "../transforms/vmap.js";
import { asJax, broadcastTo, castTo, dtypeArg } from "./coerce.js";
import { diagonal } from "./contractions.js";
import { log10 } from "./math.js";
import { moveaxis } from "./shaping.js";
import { divide, multiply, power, sign } from "./ufuncs.js";

export interface SpaceOpts {
  endpoint?: boolean;
  dtype?: DType;
  /** Where the new axis goes when start/stop are arrays. */
  axis?: number;
}

/** JAX's linspace on array endpoints: start*(1-t) + stop*t along a new `axis`, stop exact at the end. */
function linspaceArrays(op: string, start: ArrayLike, stop: ArrayLike, num: number, opts: SpaceOpts): JaxArray {
  if (!Number.isInteger(num) || num < 0) throw new Error(`${op}: num must be a non-negative integer, got ${num}.`);
  const s0 = asJax(start, op);
  const e0 = asJax(stop, op);
  const dt = dtypeArg(op, opts.dtype) ?? toInexact(resultType([s0, e0])[0]);
  const cdt = toInexact(dt);
  const bshape = broadcastShapes(op, s0.shape, e0.shape);
  const s = broadcastTo(castTo(s0, cdt), bshape, op);
  const e = broadcastTo(castTo(e0, cdt), bshape, op);
  const ax0 = opts.axis ?? 0;
  const axis = ax0 < 0 ? bshape.length + ax0 + 1 : ax0;
  if (axis < 0 || axis > bshape.length)
    throw new RangeError(`${op}: axis ${ax0} is out of bounds for a result of rank ${bshape.length + 1}.`);
  const withAxis = (n: number) => [...bshape.slice(0, axis), n, ...bshape.slice(axis)];
  const expand = (x: JaxArray, n: number) =>
    S.broadcastInDim(
      x,
      withAxis(n),
      bshape.map((_, i) => (i < axis ? i : i + 1)),
    );
  let out: JaxArray;
  if (num === 0) out = S.fullLike(new ShapedArray(withAxis(0), cdt), 0);
  else if (num === 1) out = expand(s, 1);
  else {
    const endpoint = opts.endpoint ?? true;
    const div = endpoint ? num - 1 : num;
    const shape = withAxis(div);
    const t = lax.div(S.iota(cdt, shape, axis), S.fullLike(new ShapedArray(shape, cdt), div));
    const one = S.fullLike(t.aval, 1);
    out = lax.add(lax.mul(expand(s, div), lax.sub(one, t)), lax.mul(expand(e, div), t));
    if (endpoint) out = S.concatenate([out, expand(e, 1)], axis);
  }
  if (isInteger(dt) && isFloat(out.dtype)) out = lax.floor(out);
  return castTo(out, dt);
}

/** base ** linspace(start, stop, num): num points evenly spaced on a log scale. */
export function logspace(start: ArrayLike, stop: ArrayLike, num = 50, opts: SpaceOpts & { base?: ArrayLike } = {}): JaxArray {
  const s0 = asJax(start, "logspace");
  const e0 = asJax(stop, "logspace");
  const dt = dtypeArg("logspace", opts.dtype) ?? toInexact(resultType([s0, e0])[0]);
  const cdt = toInexact(dt);
  const lin = linspaceArrays("logspace", castTo(s0, cdt), castTo(e0, cdt), num, { endpoint: opts.endpoint, axis: opts.axis });
  return castTo(power(opts.base ?? 10, lin), dt);
}

/** num points from start to stop evenly spaced on a log scale (a geometric progression). */
export function geomspace(start: ArrayLike, stop: ArrayLike, num = 50, opts: SpaceOpts = {}): JaxArray {
  const s0 = asJax(start, "geomspace");
  const e0 = asJax(stop, "geomspace");
  const dt = dtypeArg("geomspace", opts.dtype) ?? toInexact(resultType([s0, e0])[0]);
  const cdt = toInexact(dt);
  const s = castTo(s0, cdt);
  const e = castTo(e0, cdt);
  const sg = sign(s);
  const res = multiply(sg, logspace(log10(divide(s, sg)), log10(divide(e, sg)), num, { endpoint: opts.endpoint, dtype: cdt, axis: 0 }));
  const axis = normAxis("geomspace", opts.axis ?? 0, res.ndim);
  return castTo(axis === 0 ? res : moveaxis(res, 0, axis), dt);
}

export interface MeshgridOpts {
  /** "xy" (default, Cartesian: the first two outputs vary along axes 1 and 0) or "ij" (matrix). */
  indexing?: "xy" | "ij";
  /** Keep size-1 axes instead of broadcasting every output to the full grid. */
  sparse?: boolean;
}
/** Coordinate grids from 1-D coordinate vectors; a trailing options object may follow the vectors. */
export function meshgrid(...args: (ArrayLike | MeshgridOpts)[]): JaxArray[] {
  const last = args[args.length - 1];
  const hasOpts =
    typeof last === "object" && last !== null && !Array.isArray(last) && !(last instanceof JaxArray) && !ArrayBuffer.isView(last);
  const opts = (hasOpts ? last : {}) as MeshgridOpts;
  const xs = (hasOpts ? args.slice(0, -1) : args).map((x) => asJax(x as ArrayLike, "meshgrid"));
  const indexing = opts.indexing ?? "xy";
  if (indexing !== "xy" && indexing !== "ij") throw new Error(`meshgrid: indexing must be "xy" or "ij", got ${JSON.stringify(indexing)}.`);
  for (const x of xs)
    if (x.ndim !== 1) throw new Error(`meshgrid: every input must be 1-D, got shapes ${xs.map((a) => fmtShape(a.shape)).join(", ")}.`);
  const swap = indexing === "xy" && xs.length >= 2;
  const order = swap ? [xs[1]!, xs[0]!, ...xs.slice(2)] : xs;
  const full = order.map((x) => x.shape[0]!);
  const outs = order.map((x, i) => {
    const shape = opts.sparse ? full.map((n, j) => (j === i ? n : 1)) : full;
    return S.broadcastInDim(x, shape, [i]);
  });
  if (swap) [outs[0], outs[1]] = [outs[1]!, outs[0]!];
  return outs;
}

/** Index grids: out[i] holds the i-th coordinate of every position of an array of shape `dimensions`. */
export function indices(dimensions: readonly number[], opts?: { dtype?: DType; sparse?: false }): JaxArray;
export function indices(dimensions: readonly number[], opts: { dtype?: DType; sparse: true }): JaxArray[];
export function indices(dimensions: readonly number[], opts: { dtype?: DType; sparse?: boolean } = {}): JaxArray | JaxArray[] {
  const dims = checkShape("indices", dimensions);
  const dt = dtypeArg("indices", opts.dtype) ?? "int32";
  const outs = dims.map((n, i) => {
    const shape = opts.sparse ? dims.map((m, j) => (j === i ? m : 1)) : dims;
    return S.broadcastInDim(S.iota(dt, [n]), shape, [i]);
  });
  if (opts.sparse) return outs;
  if (outs.length === 0) return S.fullLike(new ShapedArray([0], dt), 0);
  return S.concatenate(
    outs.map((o) => S.reshape(o, [1, ...dims])),
    0,
  );
}

/**
 * Calls `fn` once per position of `shape` (vectorized with vmap, as JAX does) with the
 * coordinates as scalars of `dtype` (float32 by default); `fn` may return a pytree.
 */
export function fromfunction(fn: (...coords: JaxArray[]) => unknown, shape: readonly number[], opts: { dtype?: DType } = {}): any {
  const dims = checkShape("fromfunction", shape);
  const dt = dtypeArg("fromfunction", opts.dtype) ?? "float32";
  let f: (...args: JaxArray[]) => unknown = fn;
  // innermost vmap over the last coordinate, so the outermost maps the first (output axis 0)
  for (let i = dims.length - 1; i >= 0; i--) {
    const inAxes = dims.map((_, j) => (j === i ? 0 : null));
    f = vmap(f, { inAxes });
  }
  return f(...dims.map((n) => S.iota(dt, [n])));
}

/** 1 on and below the k-th diagonal of an N x M matrix, 0 above (float32 by default). */
export function tri(N: number, M?: number | null, k = 0, opts: { dtype?: DType } = {}): JaxArray {
  const m = M ?? N;
  checkShape("tri", [N, m]);
  if (!Number.isInteger(k)) throw new TypeError(`tri: k must be an integer, got ${k}.`);
  return castTo(triMask(N, m, k), dtypeArg("tri", opts.dtype) ?? "float32");
}
function triMask(n: number, m: number, k: number): JaxArray {
  const rows = S.iota("int32", [n, m], 0);
  const cols = S.iota("int32", [n, m], 1);
  return lax.ge(lax.add(rows, S.fullLike(rows.aval, k)), cols);
}
function triangle(op: string, m: ArrayLike, k: number, lower: boolean): JaxArray {
  const x = asJax(m, op);
  if (x.ndim < 2) throw new Error(`${op}: the input must be at least 2-D, got shape ${fmtShape(x.shape)}.`);
  if (!Number.isInteger(k)) throw new TypeError(`${op}: k must be an integer, got ${k}.`);
  const n = x.shape[x.ndim - 2]!;
  const c = x.shape[x.ndim - 1]!;
  const mask = S.broadcastInDim(triMask(n, c, lower ? k : k - 1), x.shape, [x.ndim - 2, x.ndim - 1]);
  const zero = S.fullLike(x.aval, 0);
  return lower ? lax.select(mask, x, zero) : lax.select(mask, zero, x);
}
/** The lower triangle (on and below the k-th diagonal) of the last two axes; zeros elsewhere. */
export function tril(m: ArrayLike, k = 0): JaxArray {
  return triangle("tril", m, k, true);
}
/** The upper triangle (on and above the k-th diagonal) of the last two axes; zeros elsewhere. */
export function triu(m: ArrayLike, k = 0): JaxArray {
  return triangle("triu", m, k, false);
}

/** A 1-D v becomes the k-th diagonal of a square matrix; a 2-D v gives back its k-th diagonal. */
export function diag(v: ArrayLike, k = 0): JaxArray {
  const x = asJax(v, "diag");
  if (!Number.isInteger(k)) throw new TypeError(`diag: k must be an integer, got ${k}.`);
  if (x.ndim === 2) return diagonal(x, k);
  if (x.ndim !== 1) throw new Error(`diag: the input must be 1-D or 2-D, got shape ${fmtShape(x.shape)}.`);
  const n = x.shape[0]! + Math.abs(k);
  const zero = S.fullLike(new ShapedArray([], x.dtype, x.weakType), 0);
  const padded = S.pad(x, zero, [[Math.max(0, -k), Math.max(0, k), 0]]);
  const rows = S.iota("int32", [n, n], 0);
  const onDiag = lax.eq(lax.add(rows, S.fullLike(rows.aval, k)), S.iota("int32", [n, n], 1));
  return lax.select(onDiag, S.broadcastInDim(padded, [n, n], [0]), S.fullLike(new ShapedArray([n, n], x.dtype, x.weakType), 0));
}
/** The flattened input on the k-th diagonal of a square matrix. */
export function diagflat(v: ArrayLike, k = 0): JaxArray {
  const x = asJax(v, "diagflat");
  return diag(S.reshape(x, [x.size]), k);
}

/** An uninitialized array like x: jaxts fills it with zeros (as jnp.empty_like does). */
export function emptyLike(x: ArrayLike, opts: { dtype?: DType; shape?: readonly number[] } = {}): JaxArray {
  const a = asJax(x, "emptyLike");
  const shape = opts.shape ? checkShape("emptyLike", opts.shape) : a.shape;
  return S.fullLike(new ShapedArray(shape, dtypeArg("emptyLike", opts.dtype) ?? a.dtype), 0);
}

/** Vandermonde matrix: columns x**(N-1), ..., x**0 (or increasing powers). */
export function vander(x: ArrayLike, N?: number | null, opts: { increasing?: boolean } = {}): JaxArray {
  const a = asJax(x, "vander");
  if (a.ndim !== 1) throw new Error(`vander: x must be 1-D, got shape ${fmtShape(a.shape)}.`);
  const n = N ?? a.shape[0]!;
  if (!Number.isInteger(n) || n < 0) throw new Error(`vander: N must be a non-negative integer, got ${N}.`);
  let p = S.iota(a.dtype, [n]);
  if (!opts.increasing) p = lax.sub(S.fullLike(p.aval, n - 1), p);
  return power(S.reshape(a, [a.shape[0]!, 1]), S.reshape(p, [1, n]));
}

// ---------------------------------------------------------------------------
// static diagonal indices (values depend only on shapes)

/** ndim copies of arange(n): the indices of the main diagonal of an n x ... x n array. */
export function diagIndices(n: number, ndim = 2): JaxArray[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`diagIndices: n must be a non-negative integer, got ${n}.`);
  if (!Number.isInteger(ndim) || ndim < 0) throw new Error(`diagIndices: ndim must be a non-negative integer, got ${ndim}.`);
  return Array.from({ length: ndim }, () => S.iota("int32", [n]));
}
/** diagIndices for a square array (every axis the same length, at least 2-D). */
export function diagIndicesFrom(arr: ArrayLike): JaxArray[] {
  const a = asJax(arr, "diagIndicesFrom");
  if (a.ndim < 2) throw new Error("diagIndicesFrom: the input must be at least 2-D.");
  if (a.shape.some((n) => n !== a.shape[0]))
    throw new Error(`diagIndicesFrom: all dimensions must be equal, got shape ${fmtShape(a.shape)}.`);
  return diagIndices(a.shape[0]!, a.ndim);
}
