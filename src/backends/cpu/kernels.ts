// Eager kernels of the pure-TypeScript CPU backend: loops over contiguous row-major typed arrays.
import { ArrayImpl, decodeHalf, encodeHalf, type NumericList } from "../../core/array.js";
import type { ShapedArray } from "../../core/aval.js";
import { type DType, isHalf, type TypedArray, typedArrayFor } from "../../core/dtype.js";
import { type Shape, sizeOf, stridesOf } from "../../core/shape.js";

// ---- elementwise: one specialised loop per scalar function, generated once and cached ----

export type Scalar = (...xs: number[]) => number;
type Loop = (ins: NumericList[], out: TypedArray, n: number) => void;
/** Loops per scalar function, keyed by which inputs are broadcast scalars (a bit mask). */
const loops = new WeakMap<Scalar, Map<number, Loop>>();

// Where `new Function` is forbidden (strict CSP), loops fall back to one shared closure.
let canGenerate = true;
try {
  new Function("return 1")();
} catch {
  canGenerate = false;
}

/**
 * The loop `out[i] = f(in0[i], s1, ...)`, where inputs in `scalarMask` are rank-0 operands
 * read once. Generating a separate copy of the loop per scalar function gives each its own
 * call site, so V8 inlines `f` into it.
 */
function loopFor(f: Scalar, arity: number, scalarMask: number): Loop {
  let byMask = loops.get(f);
  if (!byMask) {
    byMask = new Map();
    loops.set(f, byMask);
  }
  let loop = byMask.get(scalarMask);
  if (loop) return loop;
  const isScalar = (k: number) => (scalarMask >> k) & 1;
  if (canGenerate) {
    const ins = Array.from({ length: arity }, (_, i) => `in${i}`);
    const body =
      `return function loop(ins, out, n) { ${ins.map((nm, i) => (isScalar(i) ? `const ${nm} = ins[${i}][0];` : `const ${nm} = ins[${i}];`)).join(" ")}\n` +
      `for (let i = 0; i < n; i++) out[i] = f(${ins.map((nm, k) => (isScalar(k) ? nm : `${nm}[i]`)).join(", ")}); }`;
    loop = new Function("f", body)(f) as Loop;
  } else {
    loop = (ins, out, n) => {
      const xs = new Array<number>(arity);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < arity; k++) xs[k] = ins[k]![isScalar(k) ? 0 : i]!;
        out[i] = f(...xs);
      }
    };
  }
  byMask.set(scalarMask, loop);
  return loop;
}

/** out = f applied elementwise; rank-0 inputs broadcast against the output shape. */
export function elementwise(f: Scalar, ins: ArrayImpl[], outAval: ShapedArray): ArrayImpl {
  const n = outAval.size;
  let mask = 0;
  if (outAval.ndim > 0) for (let k = 0; k < ins.length; k++) if (ins[k]!.ndim === 0) mask |= 1 << k;
  const loop = loopFor(f, ins.length, mask);
  const vals = ins.map((a) => (isHalf(a.dtype) ? decodeHalf(a.data as Uint16Array, a.dtype) : a.data));
  if (isHalf(outAval.dtype)) {
    const tmp = new Float32Array(n);
    loop(vals, tmp, n);
    const out = typedArrayFor(outAval.dtype, n) as Uint16Array;
    encodeHalf(tmp, outAval.dtype, out);
    return new ArrayImpl(out, outAval);
  }
  const out = typedArrayFor(outAval.dtype, n);
  loop(vals, out, n);
  return new ArrayImpl(out, outAval);
}

// ---- data movement: transpose, broadcast, slice and reverse are all one strided copy ----

/** out[i] = src[offset + Σ idx_d * srcStrides[d]] over the output's multi-index. */
export function stridedCopy(src: TypedArray, offset: number, outShape: Shape, srcStrides: readonly number[], out: TypedArray): void {
  const nd = outShape.length;
  const n = sizeOf(outShape);
  if (n === 0) return;
  if (nd === 0) {
    out[0] = src[offset]!;
    return;
  }
  const last = nd - 1;
  const lastN = outShape[last]!;
  const lastS = srcStrides[last]!;
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  let o = 0;
  while (o < n) {
    let p = base;
    for (let j = 0; j < lastN; j++, p += lastS) out[o++] = src[p]!;
    // advance the odometer over all but the last axis
    let d = last - 1;
    while (d >= 0) {
      idx[d]!++;
      base += srcStrides[d]!;
      if (idx[d]! < outShape[d]!) break;
      base -= idx[d]! * srcStrides[d]!;
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
}

export function withData(aval: ShapedArray, fill: (out: TypedArray) => void): ArrayImpl {
  const out = typedArrayFor(aval.dtype, aval.size);
  fill(out);
  return new ArrayImpl(out, aval);
}

export function transpose(x: ArrayImpl, perm: readonly number[], aval: ShapedArray): ArrayImpl {
  const st = stridesOf(x.shape);
  return withData(aval, (out) =>
    stridedCopy(
      x.data,
      0,
      aval.shape,
      perm.map((p) => st[p]!),
      out,
    ),
  );
}

export function broadcastInDim(x: ArrayImpl, aval: ShapedArray, dims: readonly number[]): ArrayImpl {
  const st = stridesOf(x.shape);
  const srcStrides = new Array<number>(aval.ndim).fill(0);
  dims.forEach((d, i) => {
    if (x.shape[i] !== 1) srcStrides[d] = st[i]!;
  });
  if (x.size === 1) return withData(aval, (out) => out.fill(x.data[0]!));
  return withData(aval, (out) => stridedCopy(x.data, 0, aval.shape, srcStrides, out));
}

export function slice(x: ArrayImpl, start: readonly number[], strides: readonly number[], aval: ShapedArray): ArrayImpl {
  const st = stridesOf(x.shape);
  let offset = 0;
  start.forEach((s, d) => {
    offset += s * st[d]!;
  });
  return withData(aval, (out) =>
    stridedCopy(
      x.data,
      offset,
      aval.shape,
      st.map((s, d) => s * strides[d]!),
      out,
    ),
  );
}

export function rev(x: ArrayImpl, dims: readonly number[]): ArrayImpl {
  const st = stridesOf(x.shape);
  let offset = 0;
  const srcStrides = st.map((s, d) => {
    if (!dims.includes(d)) return s;
    offset += (x.shape[d]! - 1) * s;
    return -s;
  });
  return withData(x.aval, (out) => stridedCopy(x.data, offset, x.shape, srcStrides, out));
}

export function pad(x: ArrayImpl, padValue: number, config: readonly (readonly [number, number, number])[], aval: ShapedArray): ArrayImpl {
  return withData(aval, (out) => {
    if (padValue !== 0) out.fill(padValue);
    const nd = x.ndim;
    const ost = stridesOf(aval.shape);
    const n = x.size;
    const idx = new Array<number>(nd).fill(0);
    for (let i = 0; i < n; i++) {
      let o = 0;
      let inside = true;
      for (let d = 0; d < nd; d++) {
        const [lo, , interior] = config[d]!;
        const p = lo + idx[d]! * (interior + 1);
        if (p < 0 || p >= aval.shape[d]!) {
          inside = false;
          break;
        }
        o += p * ost[d]!;
      }
      if (inside) out[o] = x.data[i]!;
      for (let d = nd - 1; d >= 0; d--) {
        if (++idx[d]! < x.shape[d]!) break;
        idx[d] = 0;
      }
    }
  });
}

export function concatenate(xs: ArrayImpl[], axis: number, aval: ShapedArray): ArrayImpl {
  return withData(aval, (out) => {
    const outer = sizeOf(aval.shape.slice(0, axis));
    const rowOut = sizeOf(aval.shape.slice(axis));
    let colOffset = 0;
    for (const x of xs) {
      const row = sizeOf(x.shape.slice(axis));
      for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * row, (o + 1) * row), o * rowOut + colOffset);
      colOffset += row;
    }
  });
}

// ---- reductions ----

export type ReduceKind = "sum" | "max" | "min" | "prod";

/** Offsets of every element of a sub-array spanned by `dims` of an array with `shape`. */
function offsetsOver(shape: Shape, dims: readonly number[]): Int32Array {
  const st = stridesOf(shape);
  const sub = dims.map((d) => shape[d]!);
  const n = sizeOf(sub);
  const out = new Int32Array(n);
  const idx = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let k = 0; k < dims.length; k++) off += idx[k]! * st[dims[k]!]!;
    out[i] = off;
    for (let k = dims.length - 1; k >= 0; k--) {
      if (++idx[k]! < sub[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

export function reduce(x: ArrayImpl, axes: readonly number[], kind: ReduceKind, aval: ShapedArray): ArrayImpl {
  const kept = [...Array(x.ndim).keys()].filter((d) => !axes.includes(d));
  // Reducing trailing axes (including all of them) reads contiguous blocks: no offset tables.
  const trailing = axes.every((a, i) => a === x.ndim - axes.length + i);
  const block = trailing ? sizeOf(axes.map((d) => x.shape[d]!)) : 0;
  const outOff = trailing ? null : offsetsOver(x.shape, kept);
  const redOff = trailing ? null : offsetsOver(x.shape, axes);
  if (trailing) return reduceBlocks(x, block, kind, aval);
  const src = isHalf(x.dtype) ? decodeHalf(x.data as Uint16Array, x.dtype) : x.data;
  const res = new Float64Array(outOff!.length);
  const m = redOff!.length;
  const isBool = aval.dtype === "bool";
  for (let i = 0; i < outOff!.length; i++) {
    const base = outOff![i]!;
    let acc: number;
    if (kind === "sum") {
      acc = 0;
      for (let j = 0; j < m; j++) acc += src[base + redOff![j]!]!;
    } else if (kind === "prod") {
      acc = 1;
      for (let j = 0; j < m; j++) acc *= src[base + redOff![j]!]!;
    } else if (kind === "max") {
      acc = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < m; j++) {
        const v = src[base + redOff![j]!]!;
        if (v > acc || Number.isNaN(v)) acc = v;
        if (Number.isNaN(acc)) break;
      }
    } else {
      acc = Number.POSITIVE_INFINITY;
      for (let j = 0; j < m; j++) {
        const v = src[base + redOff![j]!]!;
        if (v < acc || Number.isNaN(v)) acc = v;
        if (Number.isNaN(acc)) break;
      }
    }
    res[i] = isBool ? (acc > 0 ? 1 : 0) : acc;
  }
  return fromFloat64(res, aval);
}

function reduceBlocks(x: ArrayImpl, block: number, kind: ReduceKind, aval: ShapedArray): ArrayImpl {
  const src = isHalf(x.dtype) ? decodeHalf(x.data as Uint16Array, x.dtype) : x.data;
  const n = aval.size;
  const res = new Float64Array(n);
  const isBool = aval.dtype === "bool";
  for (let i = 0; i < n; i++) {
    const start = i * block;
    const end = start + block;
    let acc: number;
    if (kind === "sum") {
      acc = 0;
      for (let j = start; j < end; j++) acc += src[j]!;
    } else if (kind === "prod") {
      acc = 1;
      for (let j = start; j < end; j++) acc *= src[j]!;
    } else if (kind === "max") {
      acc = Number.NEGATIVE_INFINITY;
      for (let j = start; j < end; j++) {
        const v = src[j]!;
        if (v > acc || Number.isNaN(v)) acc = v;
        if (Number.isNaN(acc)) break;
      }
    } else {
      acc = Number.POSITIVE_INFINITY;
      for (let j = start; j < end; j++) {
        const v = src[j]!;
        if (v < acc || Number.isNaN(v)) acc = v;
        if (Number.isNaN(acc)) break;
      }
    }
    res[i] = isBool ? (acc > 0 ? 1 : 0) : acc;
  }
  return fromFloat64(res, aval);
}

/** Index of the first max (or min) along one axis; NaN counts as the extreme, as in numpy. */
export function argReduce(x: ArrayImpl, axis: number, isMax: boolean, aval: ShapedArray): ArrayImpl {
  const kept = [...Array(x.ndim).keys()].filter((d) => d !== axis);
  const outOff = offsetsOver(x.shape, kept);
  const stride = stridesOf(x.shape)[axis]!;
  const m = x.shape[axis]!;
  const src = isHalf(x.dtype) ? decodeHalf(x.data as Uint16Array, x.dtype) : x.data;
  const out = typedArrayFor(aval.dtype, outOff.length);
  for (let i = 0; i < outOff.length; i++) {
    let best = src[outOff[i]!]!;
    let bi = 0;
    if (!Number.isNaN(best)) {
      for (let j = 1; j < m; j++) {
        const v = src[outOff[i]! + j * stride]!;
        if (Number.isNaN(v)) {
          bi = j;
          break;
        }
        if (isMax ? v > best : v < best) {
          best = v;
          bi = j;
        }
      }
    }
    out[i] = bi;
  }
  return new ArrayImpl(out, aval);
}

export function fromFloat64(vals: Float64Array, aval: ShapedArray): ArrayImpl {
  if (isHalf(aval.dtype)) {
    const out = typedArrayFor(aval.dtype, vals.length) as Uint16Array;
    encodeHalf(vals, aval.dtype, out);
    return new ArrayImpl(out, aval);
  }
  if (aval.dtype === "float64") return new ArrayImpl(vals, aval);
  const out = typedArrayFor(aval.dtype, vals.length);
  out.set(vals);
  return new ArrayImpl(out, aval);
}

// ---- dot_general: batch dims first, then free dims, contracting in the middle ----

/**
 * Computes out[b, m, n] = Σ_k a[b, m, k] * b[b, k, n] where the operands have been
 * permuted (by a strided copy) to [batch..., free..., contract...] and [batch..., contract..., free...].
 */
export function batchedMatmul(a: NumericList, b: NumericList, B: number, M: number, K: number, N: number, out: TypedArray): void {
  const acc = new Float64Array(N);
  for (let bb = 0; bb < B; bb++) {
    const aOff = bb * M * K;
    const bOff = bb * K * N;
    const oOff = bb * M * N;
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      const aRow = aOff + i * K;
      for (let k = 0; k < K; k++) {
        const av = a[aRow + k]!;
        const bRow = bOff + k * N;
        for (let j = 0; j < N; j++) acc[j] = acc[j]! + av * b[bRow + j]!;
      }
      for (let j = 0; j < N; j++) out[oOff + i * N + j] = acc[j]!;
    }
  }
}

export function permuted(x: ArrayImpl, perm: readonly number[]): NumericList {
  const isId = perm.every((p, i) => p === i);
  const data = isHalf(x.dtype) ? decodeHalf(x.data as Uint16Array, x.dtype) : x.data;
  if (isId) return data;
  const st = stridesOf(x.shape);
  const out = new Float64Array(x.size);
  stridedCopy(
    data as TypedArray,
    0,
    perm.map((p) => x.shape[p]!),
    perm.map((p) => st[p]!),
    out,
  );
  return out;
}

export function iota(aval: ShapedArray, dimension: number): ArrayImpl {
  const st = stridesOf(aval.shape);
  const n = aval.size;
  const len = aval.shape[dimension]!;
  const s = st[dimension]!;
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = Math.floor(i / s) % len;
  return fromFloat64(vals, aval);
}

export function convert(x: ArrayImpl, aval: ShapedArray): ArrayImpl {
  const src = x.values();
  const n = x.size;
  const dt: DType = aval.dtype;
  if (isHalf(dt)) {
    const out = typedArrayFor(dt, n) as Uint16Array;
    encodeHalf(src, dt, out);
    return new ArrayImpl(out, aval);
  }
  const out = typedArrayFor(dt, n);
  // NaN is truthy as a bool, as in numpy and JAX
  if (dt === "bool") for (let i = 0; i < n; i++) out[i] = src[i] !== 0 ? 1 : 0;
  else if (dt === "float32" || dt === "float64") for (let i = 0; i < n; i++) out[i] = src[i]!;
  else {
    // float -> int truncates toward zero; NaN -> 0 (typed-array conversion semantics)
    for (let i = 0; i < n; i++) out[i] = Math.trunc(src[i]!);
  }
  return new ArrayImpl(out, aval);
}

export function bitcast(x: ArrayImpl, aval: ShapedArray): ArrayImpl {
  const out = typedArrayFor(aval.dtype, aval.size);
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
  return new ArrayImpl(out, aval);
}
