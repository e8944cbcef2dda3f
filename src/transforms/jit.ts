// jit: trace once per input signature to a jaxpr, cache it, and run the jaxpr.
// Under another transformation (grad, vmap, an enclosing jit) the function is inlined,
// so the outer transformation sees its operations directly.

import { type Backend, checkBackend, compileFor, defaultBackend, type Executable } from "../backends/select.js";
import { optimizeJaxpr } from "../compiler/passes.js";
import { ArrayImpl, JaxArray } from "../core/array.js";
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
   * by op; "auto" (the default, see setDefaultBackend) picks by estimated work.
   */
  backend?: Backend;
}

interface Compiled {
  jaxpr: ClosedJaxpr;
  outDef: TreeDef;
  /** The executable, built on the first call. */
  run?: Executable;
}

export interface Jitted<F extends (...args: any[]) => any> {
  (...args: Parameters<F>): ReturnType<F>;
  /** How many times the function has been traced (one per distinct signature). */
  readonly traceCount: number;
  /** The jaxpr for these arguments (traced if needed). */
  lower(...args: Parameters<F>): ClosedJaxpr;
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
  const prepare = (args: unknown[]) => {
    if (statics.length === 0 && args.every((a) => a instanceof JaxArray)) {
      const leaves = args as JaxArray[];
      let key = "flat";
      for (const l of leaves) key += `|${l.aval.key()}`;
      const hit = cache.get(key);
      if (hit) return { compiled: hit, leaves };
      let def = flatDefs.get(args.length);
      if (!def) {
        def = flatten(args)[1];
        flatDefs.set(args.length, def);
      }
      return { compiled: trace(key, args, leaves, def, []), leaves };
    }
    const st = statics.map((i) => (i < 0 ? i + args.length : i));
    const dyn = args.map((a, i) => (st.includes(i) ? null : a));
    const [leaves, def] = flattenArrays("jit", dyn, false, "every non-static argument leaf");
    const key = `${def}|${leaves.map((l) => l.aval.key()).join(";")}|${st.map((i) => staticKey(args[i])).join(";")}`;
    return { compiled: cache.get(key) ?? trace(key, args, leaves, def, st), leaves };
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
