// exportOnnx: a jitted function as a standalone .onnx model (opset 18, or 26 when it
// bitcasts) that onnxruntime in any language loads. Closed-over arrays (a trained model's
// weights) become initializers; the flattened array arguments become the inputs
// input_0, input_1, ... and the flattened outputs output_0, output_1, ...
import { makeJaxpr } from "../../transforms/jit.js";
import { lowerToOnnx } from "./lower.js";

/** The ONNX model (bytes of an .onnx file) of `f` traced at the example arguments' shapes and dtypes. */
export function exportOnnx(f: (...args: any[]) => unknown, ...exampleArgs: unknown[]): Uint8Array {
  const closed = makeJaxpr(f)(...exampleArgs);
  const nArgs = closed.jaxpr.inBinders.length - closed.consts.length;
  return lowerToOnnx(closed, {
    inputNames: Array.from({ length: nArgs }, (_, i) => `input_${i}`),
    outputNames: closed.jaxpr.outs.map((_, i) => `output_${i}`),
    docString: `exported by jaxts from ${f.name || "an anonymous function"}`,
  }).bytes;
}

/** exportOnnx, written to `path` (Node.js); returns the bytes too. */
export function writeOnnx(path: string, f: (...args: any[]) => unknown, ...exampleArgs: unknown[]): Uint8Array {
  const bytes = exportOnnx(f, ...exampleArgs);
  const fs = (globalThis as { process?: { getBuiltinModule?: (id: string) => any } }).process?.getBuiltinModule?.("node:fs");
  if (!fs) throw new Error("writeOnnx needs Node.js; in a browser, save the bytes of exportOnnx yourself.");
  fs.writeFileSync(path, bytes);
  return bytes;
}
