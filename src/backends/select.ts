// Choosing the engine for a jitted program: tiny programs run as generated JavaScript
// (no dispatch, about a microsecond), FLOP-heavy ones in ONNX Runtime (MLAS GEMMs on all
// cores), when onnxruntime-node is installed. Users can force either. `callAsync` may also
// run heavy programs in onnxruntime-web (browsers), whose sessions only run asynchronously.
import type { ArrayImpl } from "../core/array.js";
import type { ClosedJaxpr, Jaxpr } from "../core/jaxpr.js";
import { sizeOf } from "../core/shape.js";
import { compileJaxpr, scalarWork } from "./cpu/codegen.js";
import { OrtUnsupported } from "./ort/graph.js";
import { compileOrt, OrtUnavailable, ortAvailable, ortUnavailableReason } from "./ort/session.js";
import { ortWebAvailable, ortWebRuntime } from "./ort_web/runtime.js";
import { compileOrtWeb, OrtWebUnavailable } from "./ort_web/session.js";

export type Backend = "auto" | "cpu" | "ort" | "ort-web" | "interpret";
export type Executable = (args: ArrayImpl[]) => ArrayImpl[];
export type AsyncExecutable = (args: ArrayImpl[]) => Promise<ArrayImpl[]>;

let defaultChoice: Backend = "auto";

/** The backend jit uses when a function does not name one ("auto": the cost model decides). */
export function defaultBackend(): Backend {
  return defaultChoice;
}
export function checkBackend(op: string, b: unknown): Backend {
  if (!["auto", "cpu", "ort", "ort-web", "interpret"].includes(b as string)) {
    throw new Error(`${op}: unknown backend ${JSON.stringify(b)}; use "auto", "cpu", "ort", "ort-web" or "interpret".`);
  }
  return b as Backend;
}
export function setDefaultBackend(b: Backend): void {
  defaultChoice = checkBackend("setDefaultBackend", b);
}

/**
 * The engines available here: cpu always, ort when onnxruntime-node loads, ort-web when
 * onnxruntime-web is registered (useOnnxruntimeWeb) or loaded as the global `ort`.
 */
export function devices(): { backend: "cpu" | "ort" | "ort-web"; description: string }[] {
  const out: { backend: "cpu" | "ort" | "ort-web"; description: string }[] = [
    { backend: "cpu", description: "generated JavaScript on typed arrays" },
  ];
  if (ortAvailable()) out.push({ backend: "ort", description: "ONNX Runtime (onnxruntime-node, CPU execution provider)" });
  const web = ortWebRuntime();
  if (web) {
    const version = web.env?.versions?.web;
    out.push({
      backend: "ort-web",
      description: `ONNX Runtime Web (onnxruntime-web${version ? ` ${version}` : ""}, wasm execution provider; jit(f).callAsync only)`,
    });
  }
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
    for (const sub of subJaxprs(e)) flops += estimateFlops(sub);
  }
  return flops;
}

/** The jaxprs among an equation's parameters (loop bodies, branches: closed jaxprs' `jaxpr`). */
function subJaxprs(e: Jaxpr["eqns"][number]): Jaxpr[] {
  const subs: Jaxpr[] = [];
  for (const v of Object.values((e.params ?? {}) as Record<string, unknown>)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      const sub = item !== null && typeof item === "object" ? (item as { jaxpr?: unknown }).jaxpr : undefined;
      if (sub !== null && typeof sub === "object" && "eqns" in sub) subs.push(sub as Jaxpr);
    }
  }
  return subs;
}

/** Programs above this much work go to ONNX Runtime under "auto" (its call costs ~10 µs). */
const ORT_THRESHOLD_FLOPS = 4e6;
let warned = false;

function notice(reason: string): void {
  if (warned) return;
  warned = true;
  if (ortWebAvailable()) {
    console.warn(
      `jaxts: heavy jit programs called synchronously run on the cpu engine (onnxruntime-node: ${reason}); jit(f).callAsync runs them on onnxruntime-web.`,
    );
  } else console.warn(`jaxts: onnxruntime-node is not available (${reason}); heavy jit programs run on the cpu engine.`);
}

function isHeavy(closed: ClosedJaxpr): boolean {
  return estimateFlops(closed.jaxpr) >= ORT_THRESHOLD_FLOPS;
}

/** Whether an equation favours onnxruntime: a contraction (MLAS on all cores) or one with sub-programs (control flow). */
function favoursOrt(e: Jaxpr["eqns"][number]): boolean {
  return e.prim.name === "dot_general" || subJaxprs(e).length > 0;
}

/** Elements a heavy program may leave to JavaScript and still run on the cpu engine. */
const SCALAR_WORK_LIMIT = 65536;

/**
 * The cpu engine's program for a heavy program that needs nothing onnxruntime does better:
 * no contraction or control flow, and (once compiled) every large loop in WebAssembly SIMD.
 * Such a program is bound by memory traffic, where onnxruntime-node adds a copy of every
 * output (its binding copies results into new ArrayBuffers) and the cpu engine, with
 * helper threads for large loops (simd_threads.ts), does not. Null otherwise.
 */
function cpuForStreaming(closed: ClosedJaxpr): Executable | null {
  if (closed.jaxpr.eqns.some(favoursOrt)) return null;
  const run = compileJaxpr(closed);
  return scalarWork(run) <= SCALAR_WORK_LIMIT ? run : null;
}

/**
 * Builds the executable for an optimized jaxpr on the chosen (or cost-model) backend. A
 * synchronous call cannot wait for onnxruntime-web, so "ort-web" runs where "auto" would.
 */
export function compileFor(closed: ClosedJaxpr, backend: Backend): Executable {
  if (backend === "interpret") return compileJaxpr(closed, { mode: "interpret" });
  const heavy = (backend === "auto" || backend === "ort-web") && isHeavy(closed);
  if (heavy && ortAvailable()) {
    const streaming = cpuForStreaming(closed);
    if (streaming) return streaming;
  }
  const wantOrt = backend === "ort" || heavy;
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

/**
 * Builds the asynchronous executable for an optimized jaxpr (`callAsync`). onnxruntime-node
 * runs synchronously and natively, so it stays first choice wherever it loads; onnxruntime-web
 * takes the programs it would take (heavy ones under "auto", all under "ort") where it does
 * not (browsers), and every program under "ort-web". Everything else runs as compileFor builds it.
 */
export async function compileForAsync(closed: ClosedJaxpr, backend: Backend): Promise<AsyncExecutable> {
  const onWeb =
    backend === "ort-web" || ((backend === "ort" || (backend === "auto" && isHeavy(closed))) && ortWebAvailable() && !ortAvailable());
  if (onWeb) {
    try {
      return await compileOrtWeb(closed);
    } catch (err) {
      if (!(err instanceof OrtUnsupported || err instanceof OrtWebUnavailable)) throw err;
      if (backend === "ort-web") console.warn(`jaxts: jit(…, {backend: "ort-web"}): ${err.message}; running on the cpu engine.`);
    }
    const run = compileJaxpr(closed);
    return async (args) => run(args);
  }
  const run = compileFor(closed, backend);
  return async (args) => run(args);
}
