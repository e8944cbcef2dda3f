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
import { mul, sub } from "./elementwise.js";
import { reduceSum } from "./reduce.js";
import { instantiate, moveBatchAxis } from "./rules.js";
import { broadcastInDim } from "./shape_ops.js";

/** Row-wise softmax over the last axis: exp(x − max) / Σ exp(x − max), each step rounded to the dtype as the composite would. */
function softmaxKernel(x: ArrayImpl): ArrayImpl {
  const n = x.shape[x.ndim - 1]!;
  const rows = n === 0 ? 0 : x.size / n;
  const v = x.values();
  const f32 = x.dtype !== "float64";
  const round = f32 ? Math.fround : (t: number) => t;
  const e = new Float64Array(n);
  const res = new Float64Array(x.size);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) if (!(v[base + j]! <= m)) m = v[base + j]!;
    let s = 0;
    for (let j = 0; j < n; j++) {
      const ej = round(Math.exp(round(v[base + j]! - m)));
      e[j] = ej;
      s += ej;
    }
    const sum = round(s);
    for (let j = 0; j < n; j++) res[base + j] = e[j]! / sum;
  }
  const out = typedArrayFor(x.dtype, x.size);
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
    const total = broadcastInDim(reduceSum(mul(y, dx), [last]), x!.shape, kept);
    return [[y], [mul(y, sub(dx, total))]];
  },
  transpose: null,
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
