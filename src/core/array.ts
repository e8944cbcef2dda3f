// The array type users see. `JaxArray` (exported as `Array`) is abstract, like jax.Array:
// concrete arrays (ArrayImpl) and tracers (inside transformations) both are one.
// Its methods forward to jax.numpy, which installs them at import (see numpy/methods.ts),
// so this file stays free of any op and of import cycles.
import { ShapedArray } from "./aval.js";
import { type DType, isHalf, type TypedArray, typedArrayFor } from "./dtype.js";
import { formatArray } from "./format.js";
import { type Shape, sizeOf } from "./shape.js";

/** What array-taking functions accept: arrays, JS numbers and booleans (weak scalars), nested JS arrays. */
export type ArrayLike = JaxArray | number | boolean | NestedArray;
export type NestedArray = readonly (number | boolean | NestedArray)[];
export type Axis = number | readonly number[] | null | undefined;
export interface ReduceOpts {
  keepdims?: boolean;
}
/** Read-only numeric indexable (a typed array or a JS number[]). */
export interface NumericList {
  readonly length: number;
  readonly [i: number]: number;
}
/** One item of an index (see numpy/indexing.ts): an integer, a slice string, null (newaxis), "...", an integer array or a boolean mask. */
export type IndexItem = number | string | null | JaxArray | NestedArray;

/**
 * Out-of-bounds handling of x.at(...).get: "promise_in_bounds" (the default, as x.get: clamps,
 * and the gradient of an out-of-bounds read is dropped), "clip" (clamps; the gradient goes to
 * the clamped element) or "fill" (reads `fillValue`).
 */
export interface AtGetOpts {
  mode?: "clip" | "fill" | "promise_in_bounds";
  /** The value of out-of-bounds reads in "fill" mode; default NaN (floats), the most negative int, the largest uint, true. */
  fillValue?: number;
}
/** Out-of-bounds handling of the updates: "drop" (the default) skips them, "clip" clamps the indices. */
export interface AtUpdateOpts {
  mode?: "drop" | "fill" | "clip" | "promise_in_bounds";
  /** A promise that no index repeats; needed only for the gradient of multiply/divide/power in the values, as in JAX. */
  uniqueIndices?: boolean;
}
/** x.at(...idx): functional updates of the indexed elements (JAX's x.at[idx]). Each returns a new array. */
export interface IndexUpdateRef {
  get(opts?: AtGetOpts): JaxArray;
  set(values: ArrayLike, opts?: AtUpdateOpts): JaxArray;
  add(values: ArrayLike, opts?: AtUpdateOpts): JaxArray;
  subtract(values: ArrayLike, opts?: AtUpdateOpts): JaxArray;
  multiply(values: ArrayLike, opts?: AtUpdateOpts): JaxArray;
  mul(values: ArrayLike, opts?: AtUpdateOpts): JaxArray;
  divide(values: ArrayLike, opts?: AtUpdateOpts): JaxArray;
  power(values: ArrayLike, opts?: AtUpdateOpts): JaxArray;
  min(values: ArrayLike, opts?: AtUpdateOpts): JaxArray;
  max(values: ArrayLike, opts?: AtUpdateOpts): JaxArray;
}

/** The methods jax.numpy installs on every array. */
export interface ArrayMethods {
  add(x: JaxArray, y: ArrayLike): JaxArray;
  subtract(x: JaxArray, y: ArrayLike): JaxArray;
  multiply(x: JaxArray, y: ArrayLike): JaxArray;
  divide(x: JaxArray, y: ArrayLike): JaxArray;
  power(x: JaxArray, y: ArrayLike): JaxArray;
  mod(x: JaxArray, y: ArrayLike): JaxArray;
  negative(x: JaxArray): JaxArray;
  matmul(x: JaxArray, y: ArrayLike): JaxArray;
  dot(x: JaxArray, y: ArrayLike): JaxArray;
  greater(x: JaxArray, y: ArrayLike): JaxArray;
  less(x: JaxArray, y: ArrayLike): JaxArray;
  greaterEqual(x: JaxArray, y: ArrayLike): JaxArray;
  lessEqual(x: JaxArray, y: ArrayLike): JaxArray;
  equal(x: JaxArray, y: ArrayLike): JaxArray;
  notEqual(x: JaxArray, y: ArrayLike): JaxArray;
  sum(x: JaxArray, axis?: Axis, opts?: ReduceOpts): JaxArray;
  mean(x: JaxArray, axis?: Axis, opts?: ReduceOpts): JaxArray;
  max(x: JaxArray, axis?: Axis, opts?: ReduceOpts): JaxArray;
  min(x: JaxArray, axis?: Axis, opts?: ReduceOpts): JaxArray;
  prod(x: JaxArray, axis?: Axis, opts?: ReduceOpts): JaxArray;
  argmax(x: JaxArray, axis?: number | null, opts?: ReduceOpts): JaxArray;
  argmin(x: JaxArray, axis?: number | null, opts?: ReduceOpts): JaxArray;
  reshape(x: JaxArray, shape: readonly number[]): JaxArray;
  transpose(x: JaxArray, axes?: readonly number[]): JaxArray;
  squeeze(x: JaxArray, axis?: Axis): JaxArray;
  expandDims(x: JaxArray, axis: number | readonly number[]): JaxArray;
  ravel(x: JaxArray): JaxArray;
  astype(x: JaxArray, dtype: DType): JaxArray;
  abs(x: JaxArray): JaxArray;
  exp(x: JaxArray): JaxArray;
  log(x: JaxArray): JaxArray;
  sqrt(x: JaxArray): JaxArray;
  square(x: JaxArray): JaxArray;
  tanh(x: JaxArray): JaxArray;
  index(x: JaxArray, idx: IndexItem[]): JaxArray;
  at(x: JaxArray, idx: IndexItem[]): IndexUpdateRef;
  concretize(x: JaxArray, what: string): ArrayImpl;
}

let M: ArrayMethods | undefined;
export function installArrayMethods(m: ArrayMethods): void {
  M = m;
}
function ops(): ArrayMethods {
  if (!M) throw new Error("jaxts: array methods are not installed; import from 'jaxts', not from its internals.");
  return M;
}

export abstract class JaxArray {
  abstract get aval(): ShapedArray;

  get shape(): Shape {
    return this.aval.shape;
  }
  get dtype(): DType {
    return this.aval.dtype;
  }
  get weakType(): boolean {
    return this.aval.weakType;
  }
  get ndim(): number {
    return this.aval.shape.length;
  }
  get size(): number {
    return sizeOf(this.aval.shape);
  }

  add(y: ArrayLike): JaxArray {
    return ops().add(this, y);
  }
  sub(y: ArrayLike): JaxArray {
    return ops().subtract(this, y);
  }
  mul(y: ArrayLike): JaxArray {
    return ops().multiply(this, y);
  }
  div(y: ArrayLike): JaxArray {
    return ops().divide(this, y);
  }
  pow(y: ArrayLike): JaxArray {
    return ops().power(this, y);
  }
  mod(y: ArrayLike): JaxArray {
    return ops().mod(this, y);
  }
  neg(): JaxArray {
    return ops().negative(this);
  }
  matmul(y: ArrayLike): JaxArray {
    return ops().matmul(this, y);
  }
  dot(y: ArrayLike): JaxArray {
    return ops().dot(this, y);
  }
  gt(y: ArrayLike): JaxArray {
    return ops().greater(this, y);
  }
  lt(y: ArrayLike): JaxArray {
    return ops().less(this, y);
  }
  ge(y: ArrayLike): JaxArray {
    return ops().greaterEqual(this, y);
  }
  le(y: ArrayLike): JaxArray {
    return ops().lessEqual(this, y);
  }
  eq(y: ArrayLike): JaxArray {
    return ops().equal(this, y);
  }
  ne(y: ArrayLike): JaxArray {
    return ops().notEqual(this, y);
  }
  abs(): JaxArray {
    return ops().abs(this);
  }
  exp(): JaxArray {
    return ops().exp(this);
  }
  log(): JaxArray {
    return ops().log(this);
  }
  sqrt(): JaxArray {
    return ops().sqrt(this);
  }
  square(): JaxArray {
    return ops().square(this);
  }
  tanh(): JaxArray {
    return ops().tanh(this);
  }
  sum(axis?: Axis, opts?: ReduceOpts): JaxArray {
    return ops().sum(this, axis, opts);
  }
  mean(axis?: Axis, opts?: ReduceOpts): JaxArray {
    return ops().mean(this, axis, opts);
  }
  max(axis?: Axis, opts?: ReduceOpts): JaxArray {
    return ops().max(this, axis, opts);
  }
  min(axis?: Axis, opts?: ReduceOpts): JaxArray {
    return ops().min(this, axis, opts);
  }
  prod(axis?: Axis, opts?: ReduceOpts): JaxArray {
    return ops().prod(this, axis, opts);
  }
  argmax(axis?: number | null, opts?: ReduceOpts): JaxArray {
    return ops().argmax(this, axis, opts);
  }
  argmin(axis?: number | null, opts?: ReduceOpts): JaxArray {
    return ops().argmin(this, axis, opts);
  }
  reshape(shape: readonly number[]): JaxArray {
    return ops().reshape(this, shape);
  }
  transpose(axes?: readonly number[]): JaxArray {
    return ops().transpose(this, axes);
  }
  get T(): JaxArray {
    return ops().transpose(this);
  }
  /** The matrix transpose: the last two axes swapped (JAX's `x.mT`); needs at least two dimensions. */
  get mT(): JaxArray {
    const n = this.ndim;
    if (n < 2) throw new Error(`mT: the matrix transpose needs at least two dimensions, got shape [${this.shape.join(", ")}].`);
    return ops().transpose(this, [...Array.from({ length: n - 2 }, (_, i) => i), n - 1, n - 2]);
  }
  squeeze(axis?: Axis): JaxArray {
    return ops().squeeze(this, axis);
  }
  expandDims(axis: number | readonly number[]): JaxArray {
    return ops().expandDims(this, axis);
  }
  ravel(): JaxArray {
    return ops().ravel(this);
  }
  flatten(): JaxArray {
    return ops().ravel(this);
  }
  astype(dtype: DType): JaxArray {
    return ops().astype(this, dtype);
  }
  /**
   * numpy indexing, the TS spelling of `x[...]`: `x.get(0)`, `x.get("1:3")`, `x.get(":, 0")`,
   * `x.get("::-1", null)`, `x.get(idx)`, `x.get(":", [2, 0])`, `x.get(mask)`; items are
   * integers, slice strings, `null` (newaxis), "...", integer arrays (JaxArray or nested JS
   * arrays; out-of-bounds entries are clamped) and concrete boolean masks. A string with
   * commas holds several items.
   */
  get(...idx: IndexItem[]): JaxArray {
    return ops().index(this, idx);
  }
  /**
   * JAX's `x.at[...]`, with the same items as get: `x.at(0, "1:").set(5)`,
   * `x.at(idx).add(1)` (repeated indices all add; out-of-bounds updates are dropped).
   */
  at(...idx: IndexItem[]): IndexUpdateRef {
    return ops().at(this, idx);
  }

  /** Nested JS arrays (a number or boolean for 0-d). Synchronous. */
  tolist(): unknown {
    return ops().concretize(this, "tolist()").tolist();
  }
  /** The value of a one-element array as a JS number (or boolean). */
  item(): number | boolean {
    return ops().concretize(this, "item()").item();
  }
  /** A copy of the values as a typed array (16-bit floats come back as Float32Array). */
  dataSync(): TypedArray {
    return ops().concretize(this, "dataSync()").dataSync();
  }
  [Symbol.toPrimitive](hint: string): number | string | boolean {
    if (hint === "string") return this.toString();
    return ops().concretize(this, "conversion to a JS number or boolean").item();
  }
}

/** A concrete array: a contiguous row-major typed array and its aval. */
export class ArrayImpl extends JaxArray {
  constructor(
    readonly data: TypedArray,
    readonly _aval: ShapedArray,
  ) {
    super();
  }
  static of(data: TypedArray, shape: Shape, dtype: DType, weak = false): ArrayImpl {
    return new ArrayImpl(data, new ShapedArray(shape, dtype, weak));
  }
  static zeros(shape: Shape, dtype: DType, weak = false): ArrayImpl {
    return ArrayImpl.of(typedArrayFor(dtype, sizeOf(shape)), shape, dtype, weak);
  }
  static scalar(v: number, dtype: DType, weak = false): ArrayImpl {
    const d = typedArrayFor(dtype, 1);
    writeValues(d, dtype, [v]);
    return ArrayImpl.of(d, [], dtype, weak);
  }
  get aval(): ShapedArray {
    return this._aval;
  }
  /** Element values as JS numbers (16-bit floats decoded). */
  values(): NumericList {
    return isHalf(this.dtype) ? decodeHalf(this.data as Uint16Array, this.dtype) : this.data;
  }
  override tolist(): unknown {
    const vals = this.values();
    const asItem = (v: number): number | boolean => (this.dtype === "bool" ? v !== 0 : v);
    const shape = this.shape;
    if (shape.length === 0) return asItem(vals[0]!);
    let pos = 0;
    const build = (dim: number): unknown[] => {
      const n = shape[dim]!;
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = dim === shape.length - 1 ? asItem(vals[pos++]!) : build(dim + 1);
      return out;
    };
    return build(0);
  }
  override item(): number | boolean {
    if (this.size !== 1) {
      throw new TypeError(
        `item(): only arrays with one element can be converted to a JS number; this one has shape [${this.shape.join(", ")}].`,
      );
    }
    const v = this.values()[0]!;
    return this.dtype === "bool" ? v !== 0 : v;
  }
  override dataSync(): TypedArray {
    return isHalf(this.dtype) ? Float32Array.from(this.values()) : this.data.slice();
  }
  override toString(): string {
    return formatArray(this);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/plain": this.toString() };
  }
}

// ---- 16-bit floats: Node 20 has no Float16Array, so encode/decode by hand ----
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function toBf16Bits(v: number): number {
  f32[0] = v;
  const b = u32[0]!;
  if (Number.isNaN(v)) return 0x7fc0;
  // round to nearest even on the dropped 16 bits
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}
function fromBf16Bits(h: number): number {
  u32[0] = h << 16;
  return f32[0]!;
}
function toF16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  e = half >>> 10;
  return sign | half;
}
function fromF16Bits(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 0x1f) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

export function decodeHalf(bits: Uint16Array, dtype: DType): Float32Array {
  const out = new Float32Array(bits.length);
  const dec = dtype === "bfloat16" ? fromBf16Bits : fromF16Bits;
  for (let i = 0; i < bits.length; i++) out[i] = dec(bits[i]!);
  return out;
}
export function encodeHalf(vals: NumericList, dtype: DType, out: Uint16Array): void {
  const enc = dtype === "bfloat16" ? toBf16Bits : toF16Bits;
  for (let i = 0; i < vals.length; i++) out[i] = enc(vals[i]!);
}

/** Writes JS numbers into storage for `dtype` (bools as 0/1, halves encoded). */
export function writeValues(out: TypedArray, dtype: DType, vals: NumericList): void {
  if (isHalf(dtype)) encodeHalf(vals, dtype, out as Uint16Array);
  else if (dtype === "bool") for (let i = 0; i < vals.length; i++) out[i] = vals[i] ? 1 : 0;
  else for (let i = 0; i < vals.length; i++) out[i] = vals[i]!;
}
