// Array creation: array, zeros, ones, full, arange, linspace, eye and the *Like forms.
import { ArrayImpl, type ArrayLike, JaxArray, type NestedArray } from "../core/array.js";
import type { DType } from "../core/dtype.js";
import { checkShape } from "../core/shape.js";
import { add, convertElementType, div, eq, mul, sub } from "../primitives/elementwise.js";
import { broadcastInDim, concatenate, iota, reshape } from "../primitives/shape_ops.js";
import { asJax, castTo, dtypeArg, fromNested } from "./coerce.js";

export interface DTypeOpt {
  dtype?: DType;
}

/** jnp.array: a new array; JS numbers become float32 unless `dtype` says otherwise. */
export function array(x: ArrayLike | ArrayBufferView, opts: DTypeOpt = {}): JaxArray {
  const dt = dtypeArg("array", opts.dtype);
  if (x instanceof JaxArray) return dt ? castTo(x, dt) : x.weakType ? castTo(x, x.dtype, false) : x;
  // a bare JS number stays weakly typed, as jnp.array(2.5) is in JAX
  if (typeof x === "number") return ArrayImpl.scalar(x, dt ?? "float32", dt === undefined);
  if (typeof x === "boolean") return ArrayImpl.scalar(x ? 1 : 0, dt ?? "bool");
  if (Array.isArray(x) || ArrayBuffer.isView(x)) return fromNested(x as NestedArray, dt, "array");
  return asJax(x as ArrayLike, "array");
}
export const asarray = array;

export function full(shape: readonly number[] | number, value: ArrayLike, opts: DTypeOpt = {}): JaxArray {
  const s = checkShape("full", shape);
  const dt = dtypeArg("full", opts.dtype);
  let v = typeof value === "number" ? ArrayImpl.scalar(value, dt ?? "float32", dt === undefined) : asJax(value, "full");
  if (dt) v = castTo(v, dt);
  if (v.ndim === 0) return broadcastInDim(v, s, []);
  const lead = s.length - v.ndim;
  return broadcastInDim(
    v,
    s,
    v.shape.map((_, i) => i + lead),
  );
}
export function zeros(shape: readonly number[] | number, opts: DTypeOpt = {}): JaxArray {
  return full(shape, 0, { dtype: opts.dtype ?? "float32" });
}
export function ones(shape: readonly number[] | number, opts: DTypeOpt = {}): JaxArray {
  return full(shape, 1, { dtype: opts.dtype ?? "float32" });
}
export function empty(shape: readonly number[] | number, opts: DTypeOpt = {}): JaxArray {
  return zeros(shape, opts);
}
export function fullLike(x: ArrayLike, value: number, opts: DTypeOpt & { shape?: readonly number[] } = {}): JaxArray {
  const a = asJax(x, "fullLike");
  return full(opts.shape ?? a.shape, value, { dtype: opts.dtype ?? a.dtype });
}
export function zerosLike(x: ArrayLike, opts: DTypeOpt = {}): JaxArray {
  return fullLike(x, 0, opts);
}
export function onesLike(x: ArrayLike, opts: DTypeOpt = {}): JaxArray {
  return fullLike(x, 1, opts);
}

/** arange(stop) or arange(start, stop, step): int32 for integer arguments, as in JAX. */
export function arange(start: number, stop?: number, step?: number | DTypeOpt, opts: DTypeOpt = {}): JaxArray {
  if (typeof step === "object") {
    opts = step;
    step = undefined;
  }
  const [lo, hi, st] = stop === undefined ? [0, start, 1] : [start, stop, step ?? 1];
  if (st === 0) throw new Error("arange: step must not be zero.");
  const allInt = [lo, hi, st].every(Number.isInteger);
  const dt = dtypeArg("arange", opts.dtype) ?? (allInt ? "int32" : "float32");
  const n = Math.max(0, Math.ceil((hi - lo) / st));
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = lo + i * st;
  return fromNested(vals, dt, "arange");
}

export interface LinspaceOpts extends DTypeOpt {
  endpoint?: boolean;
}
/** linspace as JAX computes it: start*(1-t) + stop*t in the float dtype, stop exact at the end. */
export function linspace(start: number, stop: number, num = 50, opts: LinspaceOpts = {}): JaxArray {
  if (!Number.isInteger(num) || num < 0) throw new Error(`linspace: num must be a non-negative integer, got ${num}.`);
  const dt = dtypeArg("linspace", opts.dtype) ?? "float32";
  const cdt: DType = dt === "float64" ? "float64" : "float32";
  const endpoint = opts.endpoint ?? true;
  const s = ArrayImpl.scalar(start, cdt);
  const e = ArrayImpl.scalar(stop, cdt);
  if (num === 0) return zeros([0], { dtype: dt });
  if (num === 1) return castTo(reshape(s, [1]), dt);
  const div_ = endpoint ? num - 1 : num;
  const tt = div(iota(cdt, [div_]), broadcastInDim(ArrayImpl.scalar(div_, cdt), [div_], []));
  const one = broadcastInDim(ArrayImpl.scalar(1, cdt), [div_], []);
  const out = add(mul(broadcastInDim(s, [div_], []), sub(one, tt)), mul(broadcastInDim(e, [div_], []), tt));
  const full_ = endpoint ? concatenate([out, reshape(e, [1])], 0) : out;
  return castTo(full_, dt);
}

/** eye(n, m?, {k, dtype}): ones on the k-th diagonal. */
export function eye(n: number, m?: number | null, opts: DTypeOpt & { k?: number } = {}): JaxArray {
  const cols = m ?? n;
  const k = opts.k ?? 0;
  const rows = iota("int32", [n, cols], 0);
  const colsI = iota("int32", [n, cols], 1);
  const onDiag = eq(add(rows, broadcastInDim(ArrayImpl.scalar(k, "int32"), [n, cols], [])), colsI);
  return convertElementType(onDiag, dtypeArg("eye", opts.dtype) ?? "float32");
}
export function identity(n: number, opts: DTypeOpt = {}): JaxArray {
  return eye(n, null, opts);
}
