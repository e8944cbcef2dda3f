// window_patches: every (strided, dilated) window of an array, laid out as extra trailing
// axes — out[o_0..o_k, w_0..w_k] = x[o_d·stride_d + w_d·dilation_d]. It is a strided view,
// linear in x; pooling (reduceWindow) and convolution are built from it with pad, reduce
// and dot_general, so they inherit every derivative and batching rule.

import { fromFloat64, stridedCopy } from "../backends/cpu/kernels.js";
import * as S from "../backends/ort/structural_ops.js";
import { ArrayImpl, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { typedArrayFor } from "../core/dtype.js";
import { definePrimitive, type Primitive } from "../core/primitive.js";
import { fmtShape, sizeOf, stridesOf } from "../core/shape.js";
import { bind1 } from "../core/trace.js";
import { instantiate, moveBatchAxis } from "./rules.js";
import { reshape as reshapeTo } from "./shape_ops.js";

export interface PatchParams {
  windowDims: readonly number[];
  strides: readonly number[];
  dilation: readonly number[];
}

function outSpatial(op: string, shape: readonly number[], p: PatchParams): number[] {
  if (p.windowDims.length !== shape.length || p.strides.length !== shape.length || p.dilation.length !== shape.length) {
    throw new Error(`${op}: window dimensions, strides and dilations need one entry per axis of ${fmtShape(shape)}.`);
  }
  return shape.map((n, d) => {
    const span = (p.windowDims[d]! - 1) * p.dilation[d]! + 1;
    if (span > n) throw new Error(`${op}: a window spanning ${span} does not fit axis ${d} of size ${n} (shape ${fmtShape(shape)}).`);
    return Math.floor((n - span) / p.strides[d]!) + 1;
  });
}

/** Source strides of the patches view: output axes step by stride, window axes by dilation. */
function viewStrides(shape: readonly number[], p: PatchParams): number[] {
  const st = stridesOf(shape);
  return [...st.map((s, d) => s * p.strides[d]!), ...st.map((s, d) => s * p.dilation[d]!)];
}

export const windowPatchesP: Primitive<PatchParams> = definePrimitive<PatchParams>({
  name: "window_patches",
  abstractEval: ([x], p) => [new ShapedArray([...outSpatial("window_patches", x!.shape, p), ...p.windowDims], x!.dtype, x!.weakType)],
  impl([x], p) {
    const shape = [...outSpatial("window_patches", x!.shape, p), ...p.windowDims];
    const out = typedArrayFor(x!.dtype, sizeOf(shape));
    stridedCopy(x!.data, 0, shape, viewStrides(x!.shape, p), out);
    return [new ArrayImpl(out, new ShapedArray(shape, x!.dtype, x!.weakType))];
  },
  jvp: ([x], [t], p) => [[windowPatches(x!, p)], [windowPatches(instantiate(t!), p)]],
  transpose([ct], [x], p) {
    return [bind1(windowAccumulateP, [instantiate(ct!)], { ...p, inputShape: [...x!.aval.shape] })];
  },
  batch(size, [x], [bd], p) {
    const xm = moveBatchAxis(size, bd!, 0, x!);
    const q = { windowDims: [1, ...p.windowDims], strides: [1, ...p.strides], dilation: [1, ...p.dilation] };
    // out = [B, spatial..., 1, window...]: drop the batch axis's size-1 window axis
    const out = windowPatches(xm, q);
    const shape = out.shape.filter((_, i) => i !== xm.ndim);
    return [[reshapeTo(out, shape)], [0]];
  },
  printParams: (p) =>
    `[window_dimensions=(${p.windowDims.join(", ")}) window_strides=(${p.strides.join(", ")}) window_dilation=(${p.dilation.join(", ")})]`,
  onnx: (g, ins, p) => S.windowPatches(g, ins, p),
});

/** The transpose of window_patches: adds every window back where it came from (overlaps sum). */
export const windowAccumulateP: Primitive<PatchParams & { inputShape: readonly number[] }> = definePrimitive<
  PatchParams & { inputShape: readonly number[] }
>({
  name: "window_accumulate",
  abstractEval: ([c], p) => [new ShapedArray(p.inputShape, c!.dtype, c!.weakType)],
  impl([c], p) {
    const acc = new Float64Array(sizeOf(p.inputShape));
    const vals = c!.values();
    const vs = viewStrides(p.inputShape, p);
    const shape = c!.shape;
    const nd = shape.length;
    const idx = new Array<number>(nd).fill(0);
    const n = c!.size;
    let off = 0;
    for (let i = 0; i < n; i++) {
      acc[off] = acc[off]! + vals[i]!;
      for (let d = nd - 1; d >= 0; d--) {
        idx[d]!++;
        off += vs[d]!;
        if (idx[d]! < shape[d]!) break;
        off -= idx[d]! * vs[d]!;
        idx[d] = 0;
      }
    }
    return [fromFloat64(acc, new ShapedArray(p.inputShape, c!.dtype, c!.weakType))];
  },
  jvp: ([c], [t], p) => [[bind1(windowAccumulateP, [c!], p)], [bind1(windowAccumulateP, [instantiate(t!)], p)]],
  transpose: ([ct], _c, p) => [windowPatches(instantiate(ct!), p)],
  batch(size, [c], [bd], p) {
    const k = p.inputShape.length;
    // move the batch axis to the front and give it a window axis of size 1
    const cm = moveBatchAxis(size, bd!, 0, c!);
    const shape = [...cm.shape.slice(0, k + 1), 1, ...cm.shape.slice(k + 1)];
    const q = {
      windowDims: [1, ...p.windowDims],
      strides: [1, ...p.strides],
      dilation: [1, ...p.dilation],
      inputShape: [size, ...p.inputShape],
    };
    return [[bind1(windowAccumulateP, [reshapeTo(cm, shape)], q)], [0]];
  },
  printParams: (p) => `[input_shape=(${p.inputShape.join(", ")})]`,
  onnx: (g, ins, p) => S.windowAccumulate(g, ins, p),
});

export function windowPatches(x: JaxArray, p: PatchParams): JaxArray {
  return bind1(windowPatchesP, [x], { windowDims: [...p.windowDims], strides: [...p.strides], dilation: [...p.dilation] });
}
