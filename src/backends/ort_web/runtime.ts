// Which onnxruntime-web module the ort-web engine uses. jaxts never imports onnxruntime-web
// itself (it is not a dependency, and a browser page loads it however it likes: an import
// map, a bundler, a script tag), so the user hands the module over, or the script-tag
// build's global `ort` is picked up. Only the few members used here are typed, structurally,
// so that the module itself (`import * as ort from "onnxruntime-web"`) type-checks as one.
import type { TypedArray } from "../../core/dtype.js";
import type { OrtTensorType } from "../ort/tensor_types.js";

/** The ONNX tensor element types jaxts feeds and fetches. */

/** A session of onnxruntime-web: `run` is asynchronous (the wasm module may run it on workers). */
export interface OrtWebSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { readonly data: unknown }>>;
}

/** The members of the onnxruntime-web module (or its global `ort`) that jaxts uses. */
export interface OrtWebModule {
  readonly InferenceSession: { create(model: Uint8Array, options?: object): Promise<OrtWebSession> };
  readonly Tensor: new (type: OrtTensorType, data: TypedArray, dims: readonly number[]) => unknown;
  readonly env?: { readonly versions?: { readonly web?: string } };
}

/** undefined: nothing registered (the global `ort` is used if present); null: switched off. */
let registered: OrtWebModule | null | undefined;

function isOrtWeb(m: unknown): m is OrtWebModule {
  if (m === null || (typeof m !== "object" && typeof m !== "function")) return false;
  const { InferenceSession, Tensor } = m as { InferenceSession?: { create?: unknown }; Tensor?: unknown };
  return typeof InferenceSession?.create === "function" && typeof Tensor === "function";
}

/**
 * Registers onnxruntime-web as jaxts's asynchronous ONNX Runtime engine ("ort-web"):
 * `useOnnxruntimeWeb(ort)` after `import * as ort from "onnxruntime-web"`. Heavy jitted
 * programs called with `jit(f).callAsync(...)` then run in it wherever onnxruntime-node is
 * absent (browsers). Without a registration the script-tag build's global `ort` is used;
 * `useOnnxruntimeWeb(null)` switches the engine off, global included. Register before the
 * first `callAsync` of a function: each specialization picks its engine once.
 */
export function useOnnxruntimeWeb(ort: OrtWebModule | null): void {
  if (ort !== null && !isOrtWeb(ort)) {
    throw new TypeError(
      'useOnnxruntimeWeb: expected the onnxruntime-web module (import * as ort from "onnxruntime-web"), ' +
        "an object with InferenceSession.create and Tensor; pass null to switch the ort-web engine off.",
    );
  }
  registered = ort;
}

/** The onnxruntime-web module in use: the registered one, else a global `ort`, else null. */
export function ortWebRuntime(): OrtWebModule | null {
  if (registered !== undefined) return registered;
  const g = (globalThis as { ort?: unknown }).ort;
  return isOrtWeb(g) ? g : null;
}

/** Whether the ort-web engine can run (onnxruntime-web registered or loaded as a global). */
export function ortWebAvailable(): boolean {
  return ortWebRuntime() !== null;
}
