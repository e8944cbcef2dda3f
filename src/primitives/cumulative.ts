// Cumulative reductions along one axis: cumsum, cumprod, cummax, cummin (lax.cumsum and
// friends), optionally from the end (`reverse`).
//
// cumsum is linear: its transpose is the cumsum running the other way. The others are
// differentiated, as in JAX, through a parallel prefix scan (associativeScan below) built
// from slices, pads and the elementwise primitive's own JVP, so ties in cummax/cummin
// share the tangent exactly as JAX's max/min do.

import * as S from "../backends/ort/structural_ops.js";
import { ArrayImpl, decodeHalf, encodeHalf, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { isHalf, isInteger, typedArrayFor } from "../core/dtype.js";
import { definePrimitive, type Primitive, type Tangent, Zero } from "../core/primitive.js";
import { fmtShape, stridesOf } from "../core/shape.js";
import { bind1 } from "../core/trace.js";
import { add, maxP, minP, mulP } from "./elementwise.js";
import { instantiate, moveBatchAxis } from "./rules.js";
import { concatenate, fullLike, pad, rev, slice } from "./shape_ops.js";

export interface CumulativeParams {
  axis: number;
  reverse: boolean;
}

type Step = (acc: number, x: number) => number;

function checkAval(name: string, x: ShapedArray, axis: number): ShapedArray {
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.ndim) {
    throw new RangeError(`${name}: axis ${axis} is out of bounds for an array of shape ${fmtShape(x.shape)}.`);
  }
  if (x.dtype === "bool") throw new TypeError(`${name} does not accept dtype bool; cast to an integer dtype first (jnp.${name} does).`);
  return x;
}

function cumulativeImpl(x: ArrayImpl, { axis, reverse }: CumulativeParams, step: Step): ArrayImpl {
  const n = x.shape[axis]!;
  const stride = stridesOf(x.shape)[axis]!;
  const lanes = n === 0 ? 0 : x.size / n;
  const half = isHalf(x.dtype);
  // Accumulate in the dtype itself (float32 rounding, integer wrap-around) by writing every
  // partial result into the output; 16-bit floats accumulate in float32.
  const src = half ? decodeHalf(x.data as Uint16Array, x.dtype) : x.data;
  const out = half ? new Float32Array(x.size) : typedArrayFor(x.dtype, x.size);
  for (let lane = 0; lane < lanes; lane++) {
    const base = Math.floor(lane / stride) * n * stride + (lane % stride);
    let prev = -1;
    for (let j = 0; j < n; j++) {
      const o = base + (reverse ? n - 1 - j : j) * stride;
      out[o] = prev < 0 ? src[o]! : step(out[prev]!, src[o]!);
      prev = o;
    }
  }
  if (!half) return new ArrayImpl(out, x.aval);
  const bits = typedArrayFor(x.dtype, x.size) as Uint16Array;
  encodeHalf(out, x.dtype, bits);
  return new ArrayImpl(bits, x.aval);
}

function cumulative(
  name: string,
  step: (x: ShapedArray) => Step,
  jvp: Primitive<CumulativeParams>["jvp"],
  transpose: Primitive<CumulativeParams>["transpose"],
) {
  const prim: Primitive<CumulativeParams> = definePrimitive<CumulativeParams>({
    name,
    abstractEval: ([x], { axis }) => [checkAval(name, x!, axis)],
    impl: ([x], p) => [cumulativeImpl(x!, p, step(checkAval(name, x!.aval, p.axis)))],
    jvp,
    transpose,
    batch: (size, [x], [bd], p) => [[bind1(prim, [moveBatchAxis(size, bd ?? null, 0, x!)], { ...p, axis: p.axis + 1 })], [0]],
    printParams: (p) => `[axis=${p.axis} reverse=${p.reverse ? "True" : "False"}]`,
    onnx: S.cumulative(name.slice(3) as "sum" | "prod" | "max" | "min"),
  });
  return prim;
}

const nanMax: Step = (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a > b ? a : b);
const nanMin: Step = (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a < b ? a : b);

export const cumsumP: Primitive<CumulativeParams> = cumulative(
  "cumsum",
  () => (a, b) => a + b,
  ([x], [t], p) => [[cumsum(x!, p.axis, p.reverse)], [cumsum(instantiate(t!), p.axis, p.reverse)]],
  ([ct], _x, p) => [cumsum(instantiate(ct!), p.axis, !p.reverse)],
);

/** JVP through the prefix scan of (value, tangent) pairs, combined by `prim`'s own JVP rule. */
function scanJvp(prim: Primitive): Primitive<CumulativeParams>["jvp"] {
  return ([x], [t], { axis, reverse }) => {
    const combine: Combine = ([a, ta], [b, tb]) => {
      if (ta instanceof Zero && tb instanceof Zero) {
        const out = bind1(prim, [a, b], {});
        return [out, new Zero(out.aval)];
      }
      const [[out], [tout]] = prim.jvp([a, b], [ta, tb], {});
      return [out!, tout!];
    };
    const [y, ty] = associativeScan(combine, [x!, t!], axis, reverse);
    return [[y], [ty]];
  };
}

export const cumprodP: Primitive<CumulativeParams> = cumulative(
  "cumprod",
  (x) => (isInteger(x.dtype) ? Math.imul : (a, b) => a * b),
  scanJvp(mulP),
  null,
);
export const cummaxP: Primitive<CumulativeParams> = cumulative("cummax", () => nanMax, scanJvp(maxP), null);
export const cumminP: Primitive<CumulativeParams> = cumulative("cummin", () => nanMin, scanJvp(minP), null);

// ---- the parallel prefix scan ----

type Pair = [JaxArray, Tangent];
type Combine = (a: Pair, b: Pair) => Pair;

const sliceAxis = (x: JaxArray, axis: number, start: number, stop: number, stride = 1): JaxArray => {
  const lo = x.shape.map((_, d) => (d === axis ? start : 0));
  const hi = x.shape.map((n, d) => (d === axis ? Math.max(start, stop) : n));
  const st = x.shape.map((_, d) => (d === axis ? stride : 1));
  return slice(x, lo, hi, st);
};
const mapPair = (p: Pair, f: (x: JaxArray) => JaxArray): Pair => [f(p[0]), p[1] instanceof Zero ? zeroOf(f(p[0])) : f(p[1])];
const zeroOf = (x: JaxArray): Zero => new Zero(x.aval);

/**
 * The inclusive scan of `combine` along `axis` in log-depth (Blelloch's odd/even recursion):
 * combine adjacent pairs, scan those, then fill in the even positions. The same recursion as
 * jax.lax.associative_scan, so the order of combinations (which decides how ties in max/min
 * split their tangents) is the same.
 */
function associativeScan(combine: Combine, elems: Pair, axis: number, reverse: boolean): Pair {
  const flip = (p: Pair): Pair => mapPair(p, (x) => rev(x, [axis]));
  const scan = (e: Pair): Pair => {
    const n = e[0].shape[axis]!;
    if (n < 2) return e;
    const reduced = combine(
      mapPair(e, (x) => sliceAxis(x, axis, 0, n - 1, 2)),
      mapPair(e, (x) => sliceAxis(x, axis, 1, n, 2)),
    );
    const odd = scan(reduced);
    const m = odd[0].shape[axis]!;
    const evenTail = combine(
      n % 2 === 0 ? mapPair(odd, (x) => sliceAxis(x, axis, 0, m - 1)) : odd,
      mapPair(e, (x) => sliceAxis(x, axis, 2, n, 2)),
    );
    const even = catPair(
      mapPair(e, (x) => sliceAxis(x, axis, 0, 1)),
      evenTail,
      axis,
    );
    return interleavePair(even, odd, axis);
  };
  const out = scan(reverse ? flip(elems) : elems);
  return reverse ? flip(out) : out;
}

function catPair(a: Pair, b: Pair, axis: number): Pair {
  const v = concatenate([a[0], b[0]], axis);
  if (a[1] instanceof Zero && b[1] instanceof Zero) return [v, zeroOf(v)];
  return [v, concatenate([instantiate(a[1]), instantiate(b[1])], axis)];
}

/** out[2i] = a[i], out[2i+1] = b[i]; a has as many entries as b or one more. */
function interleave(a: JaxArray, b: JaxArray, axis: number): JaxArray {
  const extra = a.shape[axis]! - b.shape[axis]!;
  const cfg = (lo: number, hi: number) => a.shape.map((_, d) => (d === axis ? ([lo, hi, 1] as const) : ([0, 0, 0] as const)));
  const zero = (x: JaxArray) => fullLike(new ShapedArray([], x.dtype, x.weakType), 0);
  return add(pad(a, zero(a), cfg(0, extra === 0 ? 1 : 0)), pad(b, zero(b), cfg(1, extra === 0 ? 0 : 1)));
}

function interleavePair(a: Pair, b: Pair, axis: number): Pair {
  const v = interleave(a[0], b[0], axis);
  if (a[1] instanceof Zero && b[1] instanceof Zero) return [v, zeroOf(v)];
  return [v, interleave(instantiate(a[1]), instantiate(b[1]), axis)];
}

// ---- binders ----
const binder =
  (p: Primitive<CumulativeParams>) =>
  (x: JaxArray, axis = 0, reverse = false): JaxArray => {
    const a = axis < 0 ? axis + x.ndim : axis;
    return bind1(p, [x], { axis: a, reverse });
  };
/** lax.cumsum(x, axis, reverse). */
export const cumsum = binder(cumsumP);
/** lax.cumprod(x, axis, reverse). */
export const cumprod = binder(cumprodP);
/** lax.cummax(x, axis, reverse). */
export const cummax = binder(cummaxP);
/** lax.cummin(x, axis, reverse). */
export const cummin = binder(cumminP);
