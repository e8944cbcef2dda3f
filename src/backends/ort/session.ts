// Runs lowered jaxprs in onnxruntime-node, synchronously. onnxruntime-node is an optional
// dependency, loaded at first use; its package API only runs sessions asynchronously, but
// its native binding (dist/binding.js) runs them synchronously, which keeps `jit(f)(x)` and
// reading the result synchronous. Inputs are handed to onnxruntime without copying (the
// tensors wrap the arrays' typed arrays); outputs are the typed arrays it returns (which
// own onnxruntime's output buffers, again without a copy). A jaxpr that lowers whole is one
// session; one with host equations (partition.ts) is a sequence of sessions and host calls.
import { ArrayImpl } from "../../core/array.js";
import type { TypedArray } from "../../core/dtype.js";
import { type Atom, type ClosedJaxpr, Literal, type Var } from "../../core/jaxpr.js";
import { retainLargeBuffers } from "../../core/large_buffers.js";
import { fmtShape, shapeEq } from "../../core/shape.js";
import { OrtUnsupported } from "./graph.js";
import { lowerToOnnx, type OnnxProgram } from "./lower.js";
import { partition } from "./partition.js";
import { TENSOR_TYPE } from "./tensor_types.js";

/** The synchronous session of onnxruntime-node's native binding. */
interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, unknown>, fetches: Record<string, null>, options: object): Record<string, { data: TypedArray }>;
}
interface OrtNode {
  Session: new () => NativeSession;
  cores: number;
}

/** Thrown by compileOrt when onnxruntime-node cannot be loaded; the message says why. */
export class OrtUnavailable extends Error {
  constructor(reason: string) {
    super(`the ort backend is unavailable: ${reason}`);
    this.name = "OrtUnavailable";
  }
}

let loaded: OrtNode | null | undefined;
let unavailable = "";

type GetBuiltin = (id: string) => any;

function loadOrt(): OrtNode | null {
  if (loaded !== undefined) return loaded;
  try {
    // process.getBuiltinModule keeps this file free of static node: imports (browsers load it too)
    const proc = (globalThis as { process?: { getBuiltinModule?: GetBuiltin; versions?: { node?: string } } }).process;
    if (!proc?.versions?.node) throw new Error("it runs only in Node.js");
    const getBuiltin = proc.getBuiltinModule;
    if (typeof getBuiltin !== "function") throw new Error("it needs Node.js >= 20.16 (onnxruntime-node runs synchronously only there)");
    const req = getBuiltin("node:module").createRequire(import.meta.url);
    try {
      req.resolve("onnxruntime-node");
    } catch {
      throw new Error("onnxruntime-node is not installed (npm install onnxruntime-node)");
    }
    const { binding, initOrt } = req("onnxruntime-node/dist/binding.js");
    initOrt();
    // the binding copies every output into a new ArrayBuffer: keep those from page-faulting
    retainLargeBuffers();
    loaded = { Session: binding.InferenceSession, cores: getBuiltin("node:os").availableParallelism() };
  } catch (e) {
    loaded = null;
    unavailable = e instanceof Error ? e.message.split("\n")[0]! : String(e);
  }
  return loaded;
}

/** Whether onnxruntime-node can be loaded (tried once, at the first call). */
export function ortAvailable(): boolean {
  return loadOrt() !== null;
}

/** Why onnxruntime-node cannot be loaded, or null when it can. */
export function ortUnavailableReason(): string | null {
  return loadOrt() === null ? unavailable : null;
}

export interface OrtOptions {
  /** Threads per operator (default: the number of cores). */
  intraOpNumThreads?: number;
  /**
   * Whether idle worker threads spin-wait for work (true) or sleep (false). Left unset, the
   * choice is per program: sessions of graphs with many nodes always spin, since waking a
   * sleeping thread costs microseconds per node (a third of a ~900-node training step on
   * two cores); a smaller program spins only while it is called again and again with no
   * other session run in between. Every session has its own threads, and after a run its
   * spinning workers go on spinning for some milliseconds: beside other sessions' spinning
   * workers a 256×256 matmul ran at half speed, while a matmul called repeatedly ran 25%
   * faster spinning than sleeping (the workers are awake when the next call comes).
   */
  allowSpinning?: boolean;
}
const settings: OrtOptions = {};

/** Sets the options of the sessions compiled from now on. */
export function configureOrt(opts: OrtOptions): void {
  Object.assign(settings, opts);
}

/** Graphs with at least this many nodes spin by default (per-node wake-ups dominate them). */
const SPIN_NODES = 64;

function sessionOptions(rt: OrtNode, spin: boolean): object {
  return {
    intraOpNumThreads: settings.intraOpNumThreads ?? rt.cores,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning: spin ? "1" : "0" } } },
  };
}

/** A compiled jaxpr: its non-constant arguments in, its outputs out. */
export type OrtExecutable = (args: readonly ArrayImpl[]) => ArrayImpl[];

/** What the ort engine has run so far in this process (tests check that a program really ran on ONNX Runtime). */
export const ortStats = { sessionRuns: 0, hostEquations: 0 };

const compiled = new WeakMap<ClosedJaxpr, OrtExecutable>();

/**
 * Compiles a closed jaxpr to onnxruntime sessions (cached per jaxpr, so once per jit
 * specialization) and returns a synchronous function running it: one session when every
 * equation lowers, else sessions with the other equations run on the host in between.
 * Throws OrtUnavailable without onnxruntime-node, and OrtUnsupported (with the reason) when
 * no equation lowers; the caller then runs the jaxpr on the cpu engine.
 */
export function compileOrt(closed: ClosedJaxpr): OrtExecutable {
  const hit = compiled.get(closed);
  if (hit) return hit;
  const rt = loadOrt();
  if (!rt) throw new OrtUnavailable(unavailable);
  let whole: OnnxProgram | null = null;
  try {
    whole = lowerToOnnx(closed);
  } catch (e) {
    if (!(e instanceof OrtUnsupported)) throw e;
  }
  const run = whole ? sessionRunner(rt, whole) : partitioned(rt, closed);
  compiled.set(closed, run);
  return run;
}

function loadSession(rt: OrtNode, program: OnnxProgram, spin: boolean): NativeSession {
  const session = new rt.Session();
  try {
    session.loadModel(program.bytes.buffer as ArrayBuffer, program.bytes.byteOffset, program.bytes.byteLength, sessionOptions(rt, spin));
  } catch (e) {
    throw new OrtUnsupported(`onnxruntime rejected the lowered graph: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
  }
  return session;
}

/** The program whose session ran last (spinning pays off only for a program run again at once). */
let lastProgram: OnnxProgram | null = null;

function sessionRunner(rt: OrtNode, program: OnnxProgram): OrtExecutable {
  // sticky: a sleeping session, and a spinning one (made at the first repeated call) for
  // runs that follow a run of the same program; fixed: one session, spinning or not
  const sticky = settings.allowSpinning === undefined && program.nodeCount < SPIN_NODES;
  const sleeper = loadSession(rt, program, sticky ? false : (settings.allowSpinning ?? true));
  let spinner: NativeSession | null = null;
  const { inputs, outputs } = program;
  const fetches: Record<string, null> = Object.fromEntries(outputs.map((o) => [o.name, null]));
  return (args) => {
    if (args.length !== inputs.length) throw new TypeError(`ort: the compiled function takes ${inputs.length} arrays, got ${args.length}`);
    const feeds: Record<string, unknown> = {};
    inputs.forEach(({ name, aval }, i) => {
      const a = args[i]!;
      if (a.dtype !== aval.dtype || !shapeEq(a.shape, aval.shape)) {
        throw new TypeError(
          `ort: argument ${i} is ${a.dtype}${fmtShape(a.shape)}, but the function was compiled for ${aval.dtype}${fmtShape(aval.shape)}`,
        );
      }
      // the binding reads these four fields of a tensor, and wraps `data` without copying
      // (the binding refuses arrays on SharedArrayBuffers, which the cpu engine's threaded loops write: those go as copies)
      const data = a.data.buffer instanceof ArrayBuffer ? a.data : a.data.slice();
      feeds[name] = { type: TENSOR_TYPE[aval.dtype], dims: aval.shape, location: "cpu", data };
    });
    let session = sleeper;
    if (sticky && lastProgram === program) {
      spinner ??= loadSession(rt, program, true);
      session = spinner;
    }
    lastProgram = program;
    const res = session.run(feeds, fetches, {});
    ortStats.sessionRuns++;
    return outputs.map(({ name, aval }) => new ArrayImpl(res[name]!.data, aval));
  };
}

/** The jaxpr as sessions and host equations in program order (partition.ts). */
function partitioned(rt: OrtNode, closed: ClosedJaxpr): OrtExecutable {
  const steps = partition(closed);
  if (!steps.some((s) => s.kind === "graph")) {
    const reasons = [...new Set(steps.map((s) => (s.kind === "host" ? s.reason : "")))];
    throw new OrtUnsupported(`no equation of the program lowers to ONNX (${reasons.slice(0, 3).join("; ")})`);
  }
  const runners = steps.map((s) => (s.kind === "graph" ? sessionRunner(rt, s.program) : null));
  const { jaxpr, consts } = closed;
  const nConsts = consts.length;
  for (const c of consts) if (!(c instanceof ArrayImpl)) throw new OrtUnsupported("a closed-over constant is not a concrete array");
  const nArgs = jaxpr.inBinders.length - nConsts;
  return (args) => {
    if (args.length !== nArgs) throw new TypeError(`ort: the compiled function takes ${nArgs} arrays, got ${args.length}`);
    const env = new Map<Var, ArrayImpl>();
    jaxpr.inBinders.forEach((v, i) => {
      env.set(v, (i < nConsts ? consts[i] : args[i - nConsts]) as ArrayImpl);
    });
    const read = (a: Atom): ArrayImpl => (a instanceof Literal ? a.val : env.get(a)!);
    steps.forEach((s, k) => {
      let outs: ArrayImpl[];
      let binders: readonly Var[];
      if (s.kind === "graph") {
        outs = runners[k]!(s.inputs.map(read));
        binders = s.outputs;
      } else {
        outs = s.eqn.prim.impl(s.eqn.inputs.map(read), s.eqn.params);
        ortStats.hostEquations++;
        binders = s.eqn.outBinders;
      }
      binders.forEach((v, i) => {
        env.set(v, outs[i]!);
      });
    });
    return jaxpr.outs.map(read);
  };
}
