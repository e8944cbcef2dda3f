// The jaxts rows of a workload: jit as it is wired now, jit forced onto onnxruntime (when
// jit has that option), optionally eager, and the two jit engines called directly on the
// optimized jaxpr (what jit can reach once it dispatches to them with no overhead).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { JaxArray } from "../../src/core/array.js";
import { ShapedArray } from "../../src/core/aval.js";
import type { ClosedJaxpr } from "../../src/core/jaxpr.js";
import { flatten, unflatten } from "../../src/core/tree.js";
import { evalShape, jit, numpy as jnp } from "../../src/index.js";
import { type Contestant, errorText, timeSync, unavailable } from "./harness.js";
import { THREADS } from "./peers.js";

/** A workload written against jaxts, run the same way by every jaxts row. */
export interface Program {
  /** The workload as a jaxts function. */
  fn: (...args: any[]) => any;
  /** Fresh arguments (the initial state). */
  init: () => unknown[];
  /** Stateful programs: the next call's arguments from this call's; omitted, the same arguments again. */
  next?: (args: unknown[], out: any) => unknown[];
  /** Calls from fresh arguments in the result check. */
  checkSteps: number;
  /** The numbers compared with the baseline's, from the outputs of the check's calls. */
  summary: (outs: any[]) => number[];
}

type Call = (args: unknown[]) => unknown;

/** A contestant running `program` through the call that `make` builds at setup. */
function rowOf(name: string, threads: number | string, program: Program, make: () => Call, note?: string): Contestant {
  let call: Call | undefined;
  let args: unknown[] = [];
  return {
    name,
    threads,
    note,
    setup() {
      call = make();
      args = program.init();
    },
    time(reps) {
      const c = call!;
      const next = program.next;
      return timeSync(() => {
        const out = c(args);
        if (next) args = next(args, out);
      }, reps);
    },
    check() {
      let a = program.init();
      const outs: unknown[] = [];
      for (let i = 0; i < program.checkSteps; i++) {
        const out = call!(a);
        outs.push(out);
        if (program.next) a = program.next(a, out);
      }
      return program.summary(outs);
    },
  };
}

/**
 * Why jit cannot be forced onto onnxruntime, or null when it can. A jit that rejects an
 * unknown backend name tells by throwing; one that ignores unknown names has an "ort"
 * backend only if its module, or a module it imports, names it.
 */
function jitOrtMissing(): string | null {
  try {
    jit((x: any) => x.add(1), { backend: "no-such-backend" } as any)(jnp.zeros([2]));
  } catch {
    return null;
  }
  const jitFile = fileURLToPath(new URL("../../src/transforms/jit.js", import.meta.url));
  const source = readFileSync(jitFile, "utf8");
  const imported = [...source.matchAll(/from\s+"(\.[^"]+)"/g)].map((m) => readFileSync(join(dirname(jitFile), m[1]!), "utf8"));
  return [source, ...imported].some((text) => /["']ort["']/.test(text)) ? null : 'jit has no backend "ort" yet (src/transforms/jit.ts)';
}

/** The engine functions, imported dynamically so that a module being rewritten costs their rows only, not the workload. */
async function engines(): Promise<{ codegen: (c: ClosedJaxpr) => (xs: any[]) => any[]; ort: (c: ClosedJaxpr) => (xs: any[]) => any[] }> {
  const [{ compileJaxpr }, { optimizeJaxpr }, { compileOrt, configureOrt }] = await Promise.all([
    import("../../src/backends/cpu/codegen.js"),
    import("../../src/compiler/passes.js"),
    import("../../src/backends/ort/session.js"),
  ]);
  configureOrt({ intraOpNumThreads: THREADS });
  return { codegen: (c) => compileJaxpr(optimizeJaxpr(c)), ort: (c) => compileOrt(c) };
}

/**
 * An engine called directly: flat leaves in, flat outputs out, the program's pytrees
 * rebuilt around them (skipped when the arguments are plain arrays and the outputs a list).
 */
function direct(program: Program, compile: (c: ClosedJaxpr) => (xs: any[]) => any[]): Call {
  const args0 = program.init();
  const closed = jit(program.fn).lower(...args0);
  const outShape = evalShape(program.fn, ...args0);
  const run = compile(closed);
  const flatIn = args0.every((a) => a instanceof JaxArray);
  const flatOut = Array.isArray(outShape) && outShape.every((o) => o instanceof ShapedArray);
  if (flatIn && flatOut) return run;
  if (flatIn && outShape instanceof ShapedArray) return (args) => run(args)[0];
  const outDef = flatten(outShape, (x) => x instanceof ShapedArray)[1];
  return (args) => unflatten(outDef, run(flatten(args)[0]));
}

export async function jaxtsRows(program: Program, opts: { eager?: boolean; note?: string } = {}): Promise<Contestant[]> {
  const rows: Contestant[] = [
    rowOf(
      "jaxts jit",
      "auto",
      program,
      () => {
        const f = jit(program.fn);
        return (args) => f(...args);
      },
      opts.note,
    ),
  ];
  const noBackend = jitOrtMissing();
  const ortJit = "jaxts jit {backend: 'ort'}";
  rows.push(
    noBackend
      ? unavailable(ortJit, THREADS, noBackend)
      : rowOf(ortJit, THREADS, program, () => {
          const f = jit(program.fn, { backend: "ort" } as any);
          return (args) => f(...args);
        }),
  );
  if (opts.eager) rows.push(rowOf("jaxts eager", 1, program, () => (args) => program.fn(...args)));
  let eng: Awaited<ReturnType<typeof engines>> | string;
  try {
    eng = await engines();
  } catch (e) {
    eng = errorText(e);
  }
  for (const [name, key, threads] of [
    ["jaxts engine: JS codegen (direct)", "codegen", 1],
    ["jaxts engine: ORT (direct)", "ort", THREADS],
  ] as const) {
    rows.push(typeof eng === "string" ? unavailable(name, threads, eng) : rowOf(name, threads, program, () => direct(program, eng[key])));
  }
  return rows;
}
