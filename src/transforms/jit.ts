// jit: trace once per input signature to a jaxpr, cache it, and run the jaxpr.
// Under another transformation (grad, vmap, an enclosing jit) the function is inlined,
// so the outer transformation sees its operations directly.

import {
  type AsyncExecutable,
  type Backend,
  checkBackend,
  compileFor,
  compileForAsync,
  defaultBackend,
  type Executable,
} from "../backends/select.js";
import { optimizeJaxpr } from "../compiler/passes.js";
import { ArrayImpl, JaxArray } from "../core/array.js";
import type { ShapedArray } from "../core/aval.js";
import type { ClosedJaxpr } from "../core/jaxpr.js";
import { evalJaxpr } from "../core/jaxpr.js";
import { atTopLevel } from "../core/trace.js";
import { flatten, type TreeDef, unflatten } from "../core/tree.js";
import { flattenArrays, flattenOutputs } from "./args.js";
import { traceToJaxpr } from "./stage.js";

export interface JitOpts {
  /** Positions of arguments that are compile-time constants (hashed by value, never traced). */
  staticArgnums?: number | readonly number[];
  /**
   * Which engine runs the program: "cpu" compiles it to one generated JavaScript function,
   * "ort" lowers it to ONNX and runs it in ONNX Runtime, "interpret" evaluates the jaxpr op
   * by op; "auto" (the default, see setDefaultBackend) picks by estimated work. "ort-web"
   * runs `callAsync` in onnxruntime-web (see useOnnxruntimeWeb); synchronous calls, which
   * cannot wait for it, run where "auto" would.
   */
  backend?: Backend;
}

interface Compiled {
  jaxpr: ClosedJaxpr;
  outDef: TreeDef;
  /** The executable, built on the first call. */
  run?: Executable;
  /** The executable of callAsync, built on its first call. */
  runAsync?: Promise<AsyncExecutable>;
}

export interface Jitted<F extends (...args: any[]) => any> {
  (...args: Parameters<F>): ReturnType<F>;
  /** How many times the function has been traced (one per distinct signature). */
  readonly traceCount: number;
  /** The jaxpr for these arguments (traced if needed). */
  lower(...args: Parameters<F>): ClosedJaxpr;
  /**
   * The call, asynchronously: a promise of the same pytree of concrete arrays. It exists for
   * onnxruntime-web, whose sessions only run asynchronously: in a browser (wherever
   * onnxruntime-web is registered and onnxruntime-node is absent) heavy programs run there,
   * while a synchronous call, which cannot wait, runs them on the cpu engine. Elsewhere it
   * runs on the engine the synchronous call uses. Under a transformation (grad, vmap, an
   * enclosing jit) it rejects: traced values cannot wait for a promise, so call jit(f) there.
   */
  callAsync(...args: Parameters<F>): Promise<ReturnType<F>>;
}

/** Whether the leaves have these avals (mostly the same objects, else equal keys, which each aval caches). */
function sameAvals(leaves: readonly JaxArray[], avals: readonly ShapedArray[]): boolean {
  if (leaves.length !== avals.length) return false;
  for (let i = 0; i < leaves.length; i++) {
    const a = leaves[i]!.aval;
    if (a !== avals[i] && a.key() !== avals[i]!.key()) return false;
  }
  return true;
}

function staticKey(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function jit<F extends (...args: any[]) => any>(f: F, opts: JitOpts = {}): Jitted<F> {
  if (opts.backend !== undefined) checkBackend("jit", opts.backend);
  const statics =
    opts.staticArgnums === undefined ? [] : typeof opts.staticArgnums === "number" ? [opts.staticArgnums] : [...opts.staticArgnums];
  const cache = new Map<string, Compiled>();
  let traceCount = 0;

  // Plain array arguments (the common case) skip pytree flattening when building the key.
  const flatDefs = new Map<number, TreeDef>();
  // The last plain-array signature and its entry: a step function called in a loop gets
  // back arrays that share the compiled program's output avals (the same objects), so
  // comparing avals (by identity, else by their cached keys) finds it without building
  // the string key.
  let lastAvals: ShapedArray[] = [];
  let lastCompiled: Compiled | null = null;
  let lastTree: { def: TreeDef; avals: ShapedArray[]; compiled: Compiled } | null = null;
  const prepare = (args: unknown[]) => {
    if (statics.length === 0 && args.every((a) => a instanceof JaxArray)) {
      const leaves = args as JaxArray[];
      if (lastCompiled !== null && sameAvals(leaves, lastAvals)) return { compiled: lastCompiled, leaves };
      let key = "flat";
      for (const l of leaves) key += `|${l.aval.key()}`;
      let compiled = cache.get(key);
      if (!compiled) {
        let def = flatDefs.get(args.length);
        if (!def) {
          def = flatten(args)[1];
          flatDefs.set(args.length, def);
        }
        compiled = trace(key, args, leaves, def, []);
      }
      lastAvals = leaves.map((l) => l.aval);
      lastCompiled = compiled;
      return { compiled, leaves };
    }
    const st = statics.map((i) => (i < 0 ? i + args.length : i));
    const dyn = args.map((a, i) => (st.includes(i) ? null : a));
    const [leaves, def] = flattenArrays("jit", dyn, false, "every non-static argument leaf");
    // as above, for pytrees without static arguments: the same structure and avals as the
    // last call (a decode step fed its own cache) find its entry without building the key
    if (st.length === 0 && lastTree !== null && sameAvals(leaves, lastTree.avals) && def.equals(lastTree.def))
      return { compiled: lastTree.compiled, leaves };
    const key = `${def}|${leaves.map((l) => l.aval.key()).join(";")}|${st.map((i) => staticKey(args[i])).join(";")}`;
    const compiled = cache.get(key) ?? trace(key, args, leaves, def, st);
    if (st.length === 0) lastTree = { def, avals: leaves.map((l) => l.aval), compiled };
    return { compiled, leaves };
  };

  const trace = (key: string, args: unknown[], leaves: JaxArray[], def: TreeDef, st: number[]): Compiled => {
    traceCount++;
    let outDef: TreeDef | undefined;
    const jaxpr = traceToJaxpr(
      (xs) => {
        const tree = unflatten(def, xs) as unknown[];
        const call = args.map((a, i) => (st.includes(i) ? a : tree[i]));
        const [outs, d] = flattenOutputs("jit", f(...call));
        outDef = d;
        return outs;
      },
      leaves.map((l) => l.aval),
    );
    const compiled = { jaxpr, outDef: outDef! };
    cache.set(key, compiled);
    return compiled;
  };

  const jitted = ((...args: unknown[]) => {
    if (!atTopLevel()) return f(...args);
    const { compiled, leaves } = prepare(args);
    if (!leaves.every((l) => l instanceof ArrayImpl)) {
      // a leaked tracer: the interpreter raises the escaped-tracer error
      return unflatten(compiled.outDef, evalJaxpr(compiled.jaxpr.jaxpr, [...compiled.jaxpr.consts, ...leaves]));
    }
    compiled.run ??= compileFor(optimizeJaxpr(compiled.jaxpr), opts.backend ?? defaultBackend());
    return unflatten(compiled.outDef, compiled.run(leaves as ArrayImpl[]));
  }) as unknown as Jitted<F>;
  Object.defineProperty(jitted, "traceCount", { get: () => traceCount });
  jitted.lower = (...args: unknown[]) => prepare(args).compiled.jaxpr;
  jitted.callAsync = async (...args: unknown[]) => {
    if (!atTopLevel()) {
      throw new Error("jit(f).callAsync: called under a transformation (grad, vmap, jit), which cannot await it; call jit(f)(...) there.");
    }
    const { compiled, leaves } = prepare(args);
    // a leaked tracer: the synchronous call raises the escaped-tracer error
    if (!leaves.every((l) => l instanceof ArrayImpl)) return jitted(...(args as Parameters<F>));
    compiled.runAsync ??= compileForAsync(optimizeJaxpr(compiled.jaxpr), opts.backend ?? defaultBackend());
    const run = await compiled.runAsync;
    return unflatten(compiled.outDef, await run(leaves as ArrayImpl[]));
  };
  return jitted;
}

/** makeJaxpr(f)(...args): the jaxpr that f stages for these argument shapes and dtypes. */
export function makeJaxpr(f: (...args: any[]) => any, opts: JitOpts = {}): (...args: any[]) => ClosedJaxpr {
  return (...args: any[]) => jit(f, opts).lower(...(args as []));
}

/** evalShape(f, ...args): the output shapes and dtypes of f, without computing anything. */
export function evalShape(f: (...args: any[]) => any, ...args: any[]): any {
  const [leaves, def] = flattenArrays("evalShape", args, false, "every argument leaf");
  let outDef: TreeDef | undefined;
  const closed = traceToJaxpr(
    (xs) => {
      const [outs, d] = flattenOutputs("evalShape", f(...(unflatten(def, xs) as unknown[])));
      outDef = d;
      return outs;
    },
    leaves.map((l) => l.aval),
  );
  return unflatten(outDef!, closed.jaxpr.outAvals);
}
