// softmax along the last axis as one primitive. nn.softmax's common case (one axis, the
// last, no mask) binds it, so that a compiled program holds one equation where the
// formula takes five (max, subtract, exp, sum, divide): ONNX Runtime runs it as a single
// vectorized Softmax node, and eagerly it is one kernel. Its derivative is JAX's rule for
// softmax, y·(dx − Σ y·dx), built from other primitives.

import { int } from "../backends/ort/graph.js";
import * as T from "../backends/ort/typed_ops.js";
import { ArrayImpl, type JaxArray, writeValues } from "../core/array.js";
import { isFloat, typedArrayFor } from "../core/dtype.js";
import { definePrimitive, type Primitive } from "../core/primitive.js";
import { fmtShape } from "../core/shape.js";
import { bind1 } from "../core/trace.js";
import { add, div, exp, mul, neg, sub } from "./elementwise.js";
import { reduceMax, reduceSum } from "./reduce.js";
import { instantiate, moveBatchAxis } from "./rules.js";
import { broadcastInDim } from "./shape_ops.js";

/**
 * Row-wise softmax over the last axis: exp(x − max) / Σ exp(x − max), rounding each step
 * to the output dtype as the composite would (16-bit floats compute in float32). One
 * loop per dtype kind keeps every access monomorphic.
 */
function softmaxKernel(x: ArrayImpl): ArrayImpl {
  const size = x.size;
  const n = x.shape[x.ndim - 1]!;
  const rows = n === 0 ? 0 : size / n;
  if (x.dtype === "float64") {
    const v = x.data as Float64Array;
    const out = typedArrayFor("float64", size) as Float64Array;
    for (let base = 0; base < rows * n; base += n) {
      let m = Number.NEGATIVE_INFINITY;
      for (let j = base; j < base + n; j++) if (!(v[j]! <= m)) m = v[j]!;
      let s = 0;
      for (let j = base; j < base + n; j++) {
        const e = Math.exp(v[j]! - m);
        out[j] = e;
        s += e;
      }
      for (let j = base; j < base + n; j++) out[j] = out[j]! / s;
    }
    return new ArrayImpl(out, x.aval);
  }
  const v = x.dtype === "float32" ? (x.data as Float32Array) : Float32Array.from(x.values());
  const res = x.dtype === "float32" ? (typedArrayFor("float32", size) as Float32Array) : new Float32Array(size);
  for (let base = 0; base < rows * n; base += n) {
    let m = Number.NEGATIVE_INFINITY;
    for (let j = base; j < base + n; j++) if (!(v[j]! <= m)) m = v[j]!;
    let s = 0;
    for (let j = base; j < base + n; j++) {
      const e = Math.fround(Math.exp(Math.fround(v[j]! - m)));
      res[j] = e;
      s += e;
    }
    const sum = Math.fround(s);
    for (let j = base; j < base + n; j++) res[j] = res[j]! / sum;
  }
  if (x.dtype === "float32") return new ArrayImpl(res, x.aval);
  const out = typedArrayFor(x.dtype, size);
  writeValues(out, x.dtype, res);
  return new ArrayImpl(out, x.aval);
}

export const softmaxP: Primitive<Record<string, never>> = definePrimitive<Record<string, never>>({
  name: "softmax",
  abstractEval([x]) {
    if (!isFloat(x!.dtype) || x!.ndim === 0) {
      throw new TypeError(`softmax: needs a float array with at least one axis, got ${x!.dtype}${fmtShape(x!.shape)}.`);
    }
    return [x!];
  },
  impl: ([x]) => [softmaxKernel(x!)],
  jvp([x], [t]) {
    const y = softmax(x!);
    const last = x!.ndim - 1;
    const dx = instantiate(t!);
    const kept = [...Array(last).keys()];
    // y·(dx + (−Σ y·dx)): negating the row sums, not the full product before summing,
    // saves a full-size negation in the transposed (reverse-mode) program
    const total = broadcastInDim(neg(reduceSum(mul(y, dx), [last])), x!.shape, kept);
    return [[y], [mul(y, add(dx, total))]];
  },
  transpose: null,
  composite([x]) {
    const last = x!.ndim - 1;
    const kept = [...Array(last).keys()];
    const e = exp(sub(x!, broadcastInDim(reduceMax(x!, [last]), x!.shape, kept)));
    return [div(e, broadcastInDim(reduceSum(e, [last]), x!.shape, kept))];
  },
  batch(size, [x], [bd]) {
    // any batch axis but the last leaves the softmax axis last; a last one moves to the front
    const last = x!.ndim - 1;
    return bd === last ? [[softmax(moveBatchAxis(size, bd, 0, x!))], [0]] : [[softmax(x!)], [bd!]];
  },
  onnx: (g, [x]) => [T.typed(g, "Softmax", [x!], "same", { axis: int(-1) })],
  printParams: () => "",
});

/** softmax over the last axis (float input). */
export function softmax(x: JaxArray): JaxArray {
  return bind1(softmaxP, [x], {});
}
