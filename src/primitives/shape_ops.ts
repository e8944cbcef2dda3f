// Primitives that move data without arithmetic: broadcast, reshape, transpose, slicing,
// padding, concatenation, reversal, iota.

import * as K from "../backends/cpu/kernels.js";
import * as S from "../backends/ort/structural_ops.js";
import { ArrayImpl, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import type { DType } from "../core/dtype.js";
import { definePrimitive, type Primitive, UndefPrimal, Zero } from "../core/primitive.js";
import { fmtShape, type Shape, shapeEq, sizeOf } from "../core/shape.js";
import { bind1 } from "../core/trace.js";
import { select, sub } from "./elementwise.js";
import { reduceSum } from "./reduce.js";
import { instantiate, moveBatchAxis } from "./rules.js";

const avalOf = (x: JaxArray | UndefPrimal): ShapedArray => x.aval;

// ---- broadcast_in_dim ----
interface BroadcastParams {
  shape: readonly number[];
  broadcastDimensions: readonly number[];
}
// Eager evaluation skips abstractEval, so every impl below computes its output aval with
// the same checks (a bad reshape must not reinterpret a buffer of the wrong size).
function broadcastAval(x: ShapedArray, { shape, broadcastDimensions: dims }: BroadcastParams): ShapedArray {
  const ok =
    dims.length === x.ndim &&
    dims.every((d, i) => d >= 0 && d < shape.length && (x.shape[i] === 1 || x.shape[i] === shape[d]) && (i === 0 || d > dims[i - 1]!));
  if (!ok) {
    throw new Error(
      `broadcast_in_dim: cannot broadcast an operand of shape ${fmtShape(x.shape)} to ${fmtShape(shape)} ` +
        `with broadcast_dimensions ${fmtShape(dims)}.`,
    );
  }
  return new ShapedArray(shape, x.dtype, x.weakType);
}
export const broadcastInDimP = definePrimitive<BroadcastParams>({
  name: "broadcast_in_dim",
  abstractEval: ([x], p) => [broadcastAval(x!, p)],
  impl: ([x], p) => [K.broadcastInDim(x!, broadcastAval(x!.aval, p), p.broadcastDimensions)],
  jvp([x], [t], p) {
    return [[broadcastInDim(x!, p.shape, p.broadcastDimensions)], [broadcastInDim(instantiate(t!), p.shape, p.broadcastDimensions)]];
  },
  transpose([ct], [x], { shape, broadcastDimensions: dims }) {
    const a = avalOf(x!);
    const c = instantiate(ct!);
    const sumDims = [...Array(shape.length).keys()].filter((d) => !dims.includes(d));
    // dims where the operand had size 1 but the output did not were broadcast too
    const expanded = dims.filter((d, i) => a.shape[i] === 1 && shape[d] !== 1);
    const summed = reduceSum(
      c,
      [...sumDims, ...expanded].sort((p, q) => p - q),
    );
    return [reshape(summed, a.shape)];
  },
  batch(size, [x], [bd], { shape, broadcastDimensions: dims }) {
    const xm = moveBatchAxis(size, bd!, 0, x!);
    return [[broadcastInDim(xm, [size, ...shape], [0, ...dims.map((d) => d + 1)])], [0]];
  },
  printParams: (p) => `[broadcast_dimensions=${tuple(p.broadcastDimensions)} shape=${tuple(p.shape)}]`,
  onnx: (g, [x], { shape, broadcastDimensions }) => [S.broadcastInDim(g, x!, shape, broadcastDimensions)],
});

// ---- reshape ----
function reshapeAval(x: ShapedArray, newSizes: readonly number[]): ShapedArray {
  if (sizeOf(newSizes) !== x.size) {
    throw new Error(`reshape: cannot reshape an array of shape ${fmtShape(x.shape)} (size ${x.size}) into shape ${fmtShape(newSizes)}.`);
  }
  return new ShapedArray(newSizes, x.dtype, x.weakType);
}
export const reshapeP = definePrimitive<{ newSizes: readonly number[] }>({
  name: "reshape",
  abstractEval: ([x], { newSizes }) => [reshapeAval(x!, newSizes)],
  impl: ([x], { newSizes }) => [new ArrayImpl(x!.data, reshapeAval(x!.aval, newSizes))],
  jvp: ([x], [t], { newSizes }) => [[reshape(x!, newSizes)], [reshape(instantiate(t!), newSizes)]],
  transpose: ([ct], [x]) => [reshape(instantiate(ct!), avalOf(x!).shape)],
  batch(size, [x], [bd], { newSizes }) {
    return [[reshape(moveBatchAxis(size, bd!, 0, x!), [size, ...newSizes])], [0]];
  },
  printParams: (p) => `[dimensions=None new_sizes=${tuple(p.newSizes)}]`,
  onnx: (g, [x], { newSizes }) => [S.scalarLike(x!, newSizes) ?? g.reshape(g.full(x!), newSizes)],
});

// ---- transpose ----
function transposeAval(x: ShapedArray, permutation: readonly number[]): ShapedArray {
  const sorted = [...permutation].sort((a, b) => a - b);
  if (permutation.length !== x.ndim || !sorted.every((p, i) => p === i)) {
    throw new Error(`transpose: ${fmtShape(permutation)} is not a permutation of the axes of an array of shape ${fmtShape(x.shape)}.`);
  }
  return new ShapedArray(
    permutation.map((p) => x.shape[p]!),
    x.dtype,
    x.weakType,
  );
}
export const transposeP = definePrimitive<{ permutation: readonly number[] }>({
  name: "transpose",
  abstractEval: ([x], { permutation }) => [transposeAval(x!, permutation)],
  impl: ([x], { permutation }) => [K.transpose(x!, permutation, transposeAval(x!.aval, permutation))],
  jvp: ([x], [t], { permutation }) => [[transpose(x!, permutation)], [transpose(instantiate(t!), permutation)]],
  transpose([ct], _x, { permutation }) {
    const inv = new Array<number>(permutation.length);
    permutation.forEach((p, i) => {
      inv[p] = i;
    });
    return [transpose(instantiate(ct!), inv)];
  },
  batch: (size, [x], [bd], { permutation }) => [[transpose(moveBatchAxis(size, bd!, 0, x!), [0, ...permutation.map((p) => p + 1)])], [0]],
  printParams: (p) => `[permutation=${tuple(p.permutation)}]`,
  onnx: (g, [x], { permutation }, [out]) => [S.scalarLike(x!, out!.shape) ?? g.transpose(g.full(x!), permutation)],
});

// ---- slice (static start/limit/strides) ----
interface SliceParams {
  startIndices: readonly number[];
  limitIndices: readonly number[];
  strides: readonly number[];
}
function sliceShape(x: ShapedArray, p: SliceParams): number[] {
  if (p.startIndices.length !== x.ndim || p.limitIndices.length !== x.ndim) {
    throw new Error(
      `slice: start ${fmtShape(p.startIndices)} and limit ${fmtShape(p.limitIndices)} must have one entry per axis of ${fmtShape(x.shape)}.`,
    );
  }
  return x.shape.map((n, d) => {
    const s = p.startIndices[d]!;
    const l = p.limitIndices[d]!;
    const st = p.strides[d]!;
    if (s < 0 || l > n || s > l || st < 1) {
      throw new Error(`slice: invalid range ${s}:${l}:${st} for axis ${d} of size ${n} (shape ${fmtShape(x.shape)}).`);
    }
    return Math.ceil((l - s) / st);
  });
}
export const sliceP = definePrimitive<SliceParams>({
  name: "slice",
  abstractEval: ([x], p) => [new ShapedArray(sliceShape(x!, p), x!.dtype, x!.weakType)],
  impl([x], p) {
    return [K.slice(x!, p.startIndices, p.strides, new ShapedArray(sliceShape(x!.aval, p), x!.dtype, x!.weakType))];
  },
  jvp: ([x], [t], p) => [
    [slice(x!, p.startIndices, p.limitIndices, p.strides)],
    [slice(instantiate(t!), p.startIndices, p.limitIndices, p.strides)],
  ],
  transpose([ct], [x], p) {
    const a = avalOf(x!);
    const c = instantiate(ct!);
    const config = a.shape.map((n, d): [number, number, number] => {
      const lo = p.startIndices[d]!;
      const st = p.strides[d]!;
      const m = c.shape[d]!;
      // an empty slice uses nothing past its start
      const used = m === 0 ? lo : lo + (m - 1) * st + 1;
      return [lo, n - used, st - 1];
    });
    return [pad(c, fullLike(new ShapedArray([], c.dtype, c.weakType), 0), config)];
  },
  batch(size, [x], [bd], p) {
    const xm = moveBatchAxis(size, bd!, 0, x!);
    return [[slice(xm, [0, ...p.startIndices], [size, ...p.limitIndices], [1, ...p.strides])], [0]];
  },
  printParams: (p) =>
    `[limit_indices=${tuple(p.limitIndices)} start_indices=${tuple(p.startIndices)} strides=${p.strides.every((s) => s === 1) ? "None" : tuple(p.strides)}]`,
  onnx: (g, [x], { startIndices, limitIndices, strides }, [out]) => [
    S.scalarLike(x!, out!.shape) ?? g.slice(g.full(x!), startIndices, limitIndices, strides, out!.shape),
  ],
});

// ---- pad (low, high, interior per axis; negative low/high crop) ----
type PadConfig = readonly (readonly [number, number, number])[];
function padShape(x: ShapedArray, config: PadConfig): number[] {
  if (config.length !== x.ndim) throw new Error(`pad: padding config needs one entry per axis of ${fmtShape(x.shape)}.`);
  return x.shape.map((n, d) => {
    const [lo, hi, interior] = config[d]!;
    const out = lo + hi + n + Math.max(0, n - 1) * interior;
    if (out < 0 || interior < 0)
      throw new Error(`pad: padding (${lo}, ${hi}, ${interior}) on axis ${d} of size ${n} gives a negative size.`);
    return out;
  });
}
export const padP = definePrimitive<{ paddingConfig: PadConfig }>({
  name: "pad",
  abstractEval([x, v], { paddingConfig }) {
    if (v!.ndim !== 0 || v!.dtype !== x!.dtype) throw new TypeError(`pad: the padding value must be a scalar of dtype ${x!.dtype}.`);
    return [new ShapedArray(padShape(x!, paddingConfig), x!.dtype, x!.weakType)];
  },
  impl([x, v], { paddingConfig }) {
    const aval = new ShapedArray(padShape(x!.aval, paddingConfig), x!.dtype, x!.weakType);
    return [K.pad(x!, v!.values()[0]!, paddingConfig, aval)];
  },
  jvp([x, v], [tx, tv], { paddingConfig }) {
    const out = pad(x!, v!, paddingConfig);
    return [[out], [pad(instantiate(tx!), instantiate(tv!), paddingConfig)]];
  },
  transpose([ct], [x, v], { paddingConfig }) {
    const c = instantiate(ct!);
    // un-pad: crop the low/high padding (negated), then take every (interior+1)-th element
    const cropped = pad(
      c,
      fullLike(new ShapedArray([], c.dtype), 0),
      paddingConfig.map(([lo, hi]) => [-lo, -hi, 0] as const),
    );
    const strides = paddingConfig.map(([, , i]) => i + 1);
    const atOperand = slice(
      cropped,
      cropped.shape.map(() => 0),
      cropped.shape,
      strides,
    );
    const all = [...c.shape.keys()];
    const tx = x instanceof UndefPrimal ? atOperand : null;
    // the padding value's cotangent: everything that did not land on the operand
    const tv = v instanceof UndefPrimal ? sub(reduceSum(c, all), reduceSum(atOperand, all)) : null;
    return [tx, tv];
  },
  batch(size, [x, v], [bx, bv], { paddingConfig }) {
    const xm = moveBatchAxis(size, bx ?? null, 0, x!);
    const config: PadConfig = [[0, 0, 0], ...paddingConfig];
    if (bv === null) return [[pad(xm, v!, config)], [0]];
    // One padding value per example (JAX's rule): pad with zeros, then fill the padded
    // positions, found by padding a mask of ones with zeros, from the broadcast values.
    const padded = pad(xm, fullLike(new ShapedArray([], xm.dtype, xm.weakType), 0), config);
    const mask = pad(fullLike(new ShapedArray(xm.shape, "bool"), 1), ArrayImpl.scalar(0, "bool"), config);
    return [[select(mask, padded, broadcastInDim(v!, padded.shape, [0]))], [0]];
  },
  printParams: (p) => `[padding_config=(${p.paddingConfig.map((c) => `(${c.join(", ")})`).join(", ")})]`,
  onnx: (g, [x, v], { paddingConfig }) => [S.pad(g, x!, v!, paddingConfig)],
});

// ---- concatenate ----
export const concatenateP: Primitive<{ dimension: number }> = definePrimitive<{ dimension: number }>({
  name: "concatenate",
  abstractEval(xs, { dimension }) {
    const a = xs[0]!;
    for (const b of xs) {
      const ok = b.ndim === a.ndim && b.dtype === a.dtype && b.shape.every((n, d) => d === dimension || n === a.shape[d]);
      if (!ok) {
        throw new Error(
          `concatenate: operands must agree in dtype and in every axis but ${dimension}; got ${xs.map((x) => `${x.dtype}${fmtShape(x.shape)}`).join(", ")}.`,
        );
      }
    }
    const shape = [...a.shape];
    shape[dimension] = xs.reduce((s, x) => s + x.shape[dimension]!, 0);
    return [
      new ShapedArray(
        shape,
        a.dtype,
        xs.every((x) => x.weakType),
      ),
    ];
  },
  impl(xs, p) {
    const [aval] = concatenateP.abstractEval(
      xs.map((x) => x.aval),
      p,
    );
    return [K.concatenate(xs, p.dimension, aval!)];
  },
  jvp(xs, ts, { dimension }) {
    return [[concatenate(xs, dimension)], [concatenate(ts.map(instantiate), dimension)]];
  },
  transpose([ct], xs, { dimension }) {
    const c = instantiate(ct!);
    let off = 0;
    return xs.map((x) => {
      const n = avalOf(x).shape[dimension]!;
      const start = c.shape.map((_, d) => (d === dimension ? off : 0));
      const limit = c.shape.map((m, d) => (d === dimension ? off + n : m));
      off += n;
      return x instanceof UndefPrimal ? slice(c, start, limit) : null;
    });
  },
  batch(size, xs, dims, { dimension }) {
    return [
      [
        concatenate(
          xs.map((x, i) => moveBatchAxis(size, dims[i] ?? null, 0, x)),
          dimension + 1,
        ),
      ],
      [0],
    ];
  },
  onnx: (g, xs, { dimension }) => [g.concat(xs, dimension)],
});

// ---- rev ----
function revAval(x: ShapedArray, dimensions: readonly number[]): ShapedArray {
  if (dimensions.some((d, i) => !Number.isInteger(d) || d < 0 || d >= x.ndim || dimensions.indexOf(d) !== i)) {
    throw new Error(`rev: dimensions ${fmtShape(dimensions)} must be distinct axes of an array of shape ${fmtShape(x.shape)}.`);
  }
  return x;
}
export const revP = definePrimitive<{ dimensions: readonly number[] }>({
  name: "rev",
  abstractEval: ([x], { dimensions }) => [revAval(x!, dimensions)],
  impl: ([x], { dimensions }) => {
    revAval(x!.aval, dimensions);
    return [K.rev(x!, dimensions)];
  },
  jvp: ([x], [t], { dimensions }) => [[rev(x!, dimensions)], [rev(instantiate(t!), dimensions)]],
  transpose: ([ct], _x, { dimensions }) => [rev(instantiate(ct!), dimensions)],
  batch: (size, [x], [bd], { dimensions }) => [
    [
      rev(
        moveBatchAxis(size, bd!, 0, x!),
        dimensions.map((d) => d + 1),
      ),
    ],
    [0],
  ],
  printParams: (p) => `[dimensions=${tuple(p.dimensions)}]`,
  onnx: (g, [x], { dimensions }) => [S.rev(g, x!, dimensions)],
});

// ---- iota ----
export const iotaP = definePrimitive<{ dtype: DType; shape: readonly number[]; dimension: number }>({
  name: "iota",
  abstractEval: (_x, p) => [new ShapedArray(p.shape, p.dtype)],
  impl: (_x, p) => [K.iota(new ShapedArray(p.shape, p.dtype), p.dimension)],
  jvp: (_p, _t, p) => {
    const out = iota(p.dtype, p.shape, p.dimension);
    return [[out], [new Zero(out.aval)]];
  },
  transpose: null,
  batch: () => {
    throw new Error("iota has no operands to batch");
  },
  printParams: (p) => `[dimension=${p.dimension} dtype=${p.dtype} shape=${tuple(p.shape)}]`,
  onnx: (g, _ins, { shape, dimension }, [out]) => [S.iota(g, out!.dtype, shape, dimension)],
});

// ---- binders ----
export function broadcastInDim(x: JaxArray, shape: readonly number[], broadcastDimensions: readonly number[]): JaxArray {
  if (shapeEq(x.shape, shape) && broadcastDimensions.every((d, i) => d === i)) return x;
  return bind1(broadcastInDimP, [x], { shape: [...shape], broadcastDimensions: [...broadcastDimensions] });
}
export function reshape(x: JaxArray, newSizes: Shape): JaxArray {
  if (shapeEq(x.shape, newSizes)) return x;
  return bind1(reshapeP, [x], { newSizes: [...newSizes] });
}
export function transpose(x: JaxArray, permutation: readonly number[]): JaxArray {
  if (permutation.every((p, i) => p === i) && permutation.length === x.ndim) return x;
  return bind1(transposeP, [x], { permutation: [...permutation] });
}
export function slice(
  x: JaxArray,
  startIndices: readonly number[],
  limitIndices: readonly number[],
  strides?: readonly number[],
): JaxArray {
  return bind1(sliceP, [x], {
    startIndices: [...startIndices],
    limitIndices: [...limitIndices],
    strides: strides ? [...strides] : startIndices.map(() => 1),
  });
}
export function pad(x: JaxArray, padValue: JaxArray, paddingConfig: PadConfig): JaxArray {
  return bind1(padP, [x, padValue], { paddingConfig: paddingConfig.map((c) => [...c] as [number, number, number]) });
}
export function concatenate(xs: JaxArray[], dimension: number): JaxArray {
  if (xs.length === 1) return xs[0]!;
  return bind1(concatenateP, xs, { dimension });
}
export function rev(x: JaxArray, dimensions: readonly number[]): JaxArray {
  if (dimensions.length === 0) return x;
  return bind1(revP, [x], { dimensions: [...dimensions] });
}
export function iota(dtype: DType, shape: readonly number[], dimension = 0): JaxArray {
  return bind1(iotaP, [], { dtype, shape: [...shape], dimension });
}

/** An array of `aval`'s shape and dtype filled with `value` (a staged broadcast of a scalar). */
export function fullLike(aval: ShapedArray, value: number): JaxArray {
  return broadcastInDim(ArrayImpl.scalar(value, aval.dtype, aval.weakType), aval.shape, []);
}

function tuple(xs: readonly number[]): string {
  return `(${xs.join(", ")}${xs.length === 1 ? "," : ""})`;
}
