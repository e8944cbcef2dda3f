// Runs lowered jaxprs in onnxruntime-web (its wasm execution provider), asynchronously:
// onnxruntime-web has no synchronous run, so this engine serves `jit(f).callAsync` only.
// The model is the one onnxruntime-node runs (lowerToOnnx); inputs are wrapped, not copied
// (onnxruntime-web copies them into the wasm heap during run), and outputs are the typed
// arrays onnxruntime-web returns (already copied out of the wasm heap, so jaxts owns them).
import { ArrayImpl } from "../../core/array.js";
import type { ShapedArray } from "../../core/aval.js";
import { type TypedArray, typedArrayFor } from "../../core/dtype.js";
import type { ClosedJaxpr } from "../../core/jaxpr.js";
import { fmtShape, shapeEq } from "../../core/shape.js";
import { OrtUnsupported } from "../ort/graph.js";
import { lowerToOnnx } from "../ort/lower.js";
import { TENSOR_TYPE } from "../ort/tensor_types.js";
import { type OrtWebSession, ortWebRuntime } from "./runtime.js";

/** Thrown by compileOrtWeb when no onnxruntime-web module is registered or global. */
export class OrtWebUnavailable extends Error {
  constructor() {
    super('the ort-web backend is unavailable: register onnxruntime-web with useOnnxruntimeWeb(ort) or load its script (global "ort")');
    this.name = "OrtWebUnavailable";
  }
}

type TypedArrayClass = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => TypedArray;

/**
 * An output's data in the typed array jaxts stores its dtype in. They differ only for
 * float16, which onnxruntime-web returns as a Float16Array where the platform has one
 * (recent browsers), and jaxts keeps as raw bits in a Uint16Array: same buffer, other view.
 */
function asStorage(data: unknown, aval: ShapedArray): TypedArray {
  const cls = typedArrayFor(aval.dtype, 0).constructor as TypedArrayClass;
  if (data instanceof cls) return data;
  const v = data as TypedArray;
  return new cls(v.buffer, v.byteOffset, v.length);
}

/** A compiled jaxpr on onnxruntime-web: its non-constant arguments in, a promise of its outputs. */
export type OrtWebExecutable = (args: readonly ArrayImpl[]) => Promise<ArrayImpl[]>;

/**
 * Lowers a closed jaxpr to ONNX and creates an onnxruntime-web session for it (the caller
 * caches the result, once per jit specialization). Rejects with OrtWebUnavailable without
 * onnxruntime-web, and with OrtUnsupported (with the reason) when some part of the jaxpr has
 * no exact ONNX lowering or onnxruntime-web rejects the model; the caller then runs the
 * jaxpr on the cpu engine.
 */
export async function compileOrtWeb(closed: ClosedJaxpr): Promise<OrtWebExecutable> {
  const ort = ortWebRuntime();
  if (!ort) throw new OrtWebUnavailable();
  const program = lowerToOnnx(closed);
  let session: OrtWebSession;
  try {
    session = await ort.InferenceSession.create(program.bytes, {
      executionProviders: ["wasm"],
      graphOptimizationLevel: "all",
      logSeverityLevel: 3,
    });
  } catch (e) {
    throw new OrtUnsupported(`onnxruntime-web rejected the lowered graph: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
  }
  const { inputs, outputs } = program;
  return async (args) => {
    if (args.length !== inputs.length)
      throw new TypeError(`ort-web: the compiled function takes ${inputs.length} arrays, got ${args.length}`);
    const feeds: Record<string, unknown> = {};
    inputs.forEach(({ name, aval }, i) => {
      const a = args[i]!;
      if (a.dtype !== aval.dtype || !shapeEq(a.shape, aval.shape)) {
        throw new TypeError(
          `ort-web: argument ${i} is ${a.dtype}${fmtShape(a.shape)}, but the function was compiled for ${aval.dtype}${fmtShape(aval.shape)}`,
        );
      }
      feeds[name] = new ort.Tensor(TENSOR_TYPE[aval.dtype], a.data, aval.shape);
    });
    const res = await session.run(feeds);
    return outputs.map(({ name, aval }) => new ArrayImpl(asStorage(res[name]!.data, aval), aval));
  };
}
