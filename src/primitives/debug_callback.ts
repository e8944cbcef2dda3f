// debug_callback: an effectful primitive that hands concrete values to a JS callback
// (jax.debug.print). It has no outputs; jit keeps it because it is marked effectful.
import type { ArrayImpl, JaxArray } from "../core/array.js";
import { definePrimitive, type Primitive } from "../core/primitive.js";
import { bind } from "../core/trace.js";
import { moveBatchAxis } from "./rules.js";

interface CallbackParams {
  callback: (values: ArrayImpl[]) => void;
}

export const debugCallbackP: Primitive<CallbackParams> = definePrimitive<CallbackParams>({
  name: "debug_callback",
  abstractEval: () => [],
  impl(args, { callback }) {
    callback(args);
    return [];
  },
  jvp(primals, _tangents, p) {
    bind(debugCallbackP, primals, p);
    return [[], []];
  },
  transpose: null,
  // Under vmap the callback sees the whole batch (the values carry the batch axis in front).
  batch(size, args, dims, p) {
    bind(
      debugCallbackP,
      args.map((a, i) => (dims[i] === null ? a : moveBatchAxis(size, dims[i]!, 0, a))),
      p,
    );
    return [[], []];
  },
  effectful: true,
  printParams: () => "",
  // the callback is JavaScript: on ort it runs between sessions, in program order
  onnx: "host",
});

export function debugCallback(callback: (values: ArrayImpl[]) => void, args: JaxArray[]): void {
  bind(debugCallbackP, args, { callback });
}
