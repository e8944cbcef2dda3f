// Choosing the engine for a jitted program: tiny programs run as generated JavaScript
// (no dispatch, about a microsecond), FLOP-heavy ones in ONNX Runtime (MLAS GEMMs on all
// cores), when onnxruntime-node is installed. Users can force either.
import type { ArrayImpl } from "../core/array.js";
import type { ClosedJaxpr, Jaxpr } from "../core/jaxpr.js";
import { sizeOf } from "../core/shape.js";
import { compileJaxpr } from "./cpu/codegen.js";
import { OrtUnsupported } from "./ort/graph.js";
import { compileOrt, OrtUnavailable, ortAvailable, ortUnavailableReason } from "./ort/session.js";

export type Backend = "auto" | "cpu" | "ort" | "interpret";
export type Executable = (args: ArrayImpl[]) => ArrayImpl[];

let defaultChoice: Backend = "auto";

/** The backend jit uses when a function does not name one ("auto": the cost model decides). */
export function defaultBackend(): Backend {
  return defaultChoice;
}
export function checkBackend(op: string, b: unknown): Backend {
  if (!["auto", "cpu", "ort", "interpret"].includes(b as string)) {
    throw new Error(`${op}: unknown backend ${JSON.stringify(b)}; use "auto", "cpu", "ort" or "interpret".`);
  }
  return b as Backend;
}
export function setDefaultBackend(b: Backend): void {
  defaultChoice = checkBackend("setDefaultBackend", b);
}

/** The engines available here: cpu always, ort when onnxruntime-node loads. */
export function devices(): { backend: "cpu" | "ort"; description: string }[] {
  const out: { backend: "cpu" | "ort"; description: string }[] = [{ backend: "cpu", description: "generated JavaScript on typed arrays" }];
  if (ortAvailable()) out.push({ backend: "ort", description: "ONNX Runtime (onnxruntime-node, CPU execution provider)" });
  return out;
}

/** Floating-point work of a jaxpr, roughly: 2·M·N·K per contraction, one per element elsewhere. */
export function estimateFlops(jaxpr: Jaxpr): number {
  let flops = 0;
  for (const e of jaxpr.eqns) {
    const out = e.outBinders.reduce((s, v) => s + v.aval.size, 0);
    if (e.prim.name === "dot_general") {
      const lhs = e.inputs[0]!.aval;
      const p = e.params as { dims: { lhsContracting: readonly number[] } };
      flops += 2 * out * sizeOf(p.dims.lhsContracting.map((d) => lhs.shape[d]!));
    } else {
      const inp = e.inputs.reduce((s, a) => s + a.aval.size, 0);
      flops += Math.max(out, inp);
    }
    // sub-jaxprs (loop bodies, branches) count once
    for (const v of Object.values((e.params ?? {}) as Record<string, unknown>)) {
      for (const item of Array.isArray(v) ? v : [v]) {
        const sub = item !== null && typeof item === "object" ? (item as { jaxpr?: unknown }).jaxpr : undefined;
        if (sub !== null && typeof sub === "object" && "eqns" in sub) flops += estimateFlops(sub as Jaxpr);
      }
    }
  }
  return flops;
}

/** Programs above this much work go to ONNX Runtime under "auto" (its call costs ~10 µs). */
const ORT_THRESHOLD_FLOPS = 4e6;
let warned = false;

function notice(reason: string): void {
  if (warned) return;
  warned = true;
  console.warn(`jaxts: onnxruntime-node is not available (${reason}); heavy jit programs run on the cpu engine.`);
}

/** Builds the executable for an optimized jaxpr on the chosen (or cost-model) backend. */
export function compileFor(closed: ClosedJaxpr, backend: Backend): Executable {
  if (backend === "interpret") return compileJaxpr(closed, { mode: "interpret" });
  const wantOrt = backend === "ort" || (backend === "auto" && estimateFlops(closed.jaxpr) >= ORT_THRESHOLD_FLOPS);
  if (wantOrt) {
    try {
      const run = compileOrt(closed);
      return (args) => run(args);
    } catch (err) {
      if (err instanceof OrtUnavailable) notice(ortUnavailableReason() ?? err.message);
      else if (!(err instanceof OrtUnsupported)) throw err;
      else if (backend === "ort") console.warn(`jaxts: jit(…, {backend: "ort"}): ${err.message}; running on the cpu engine.`);
    }
  }
  return compileJaxpr(closed);
}
