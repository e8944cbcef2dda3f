// Engine 1 of jit: a whole jaxpr compiled into one JavaScript function (`new Function`).
//
// The fusion plan (compiler/fusion.ts) turns chains of elementwise equations, with the
// views feeding them and the reductions of their results, into single loop nests over
// typed arrays; values of one element become JS locals. Loop nests of float32, int32 and
// bool values whose innermost run has 4 elements or more become WebAssembly SIMD functions
// instead (simd_loop.ts), each a module of its own: their buffers lie in the kernel's
// memory, and other arrays are staged there per call. dot_general runs a register-blocked
// kernel (WebAssembly SIMD for a float32 matrix within the kernel's limits, matvec_wasm.ts);
// dynamic_slice, dynamic_update_slice, clamped gathers and last-axis argmax/argmin are
// generated inline; scan and while run their bodies compiled the same way (loops.ts),
// owning their carries, so a dynamic_update_slice of a carry (a KV cache) writes in place;
// every other primitive calls its eager `impl`. Buffers for intermediates are allocated
// once, at compile time, and reused by every call (two intermediates whose lifetimes do not
// overlap share one; float32, int32 and bool ones lie in the WebAssembly kernel's memory
// while it has room); outputs are written to fresh arrays, since callers keep them. Where
// `new Function` is forbidden (a strict Content-Security-Policy), the compiled function is
// the jaxpr interpreter instead.
//
// Values match the eager kernels: each intermediate is rounded to its dtype (Math.fround
// for float32, wrapping for integers) exactly as storing it into a typed array would, and
// reductions accumulate in double precision in the same order. The exceptions: float32
// exp, logistic and tanh (fastmath.ts: at most one ulp, almost always identical; in SIMD
// loops exp and logistic are a float32 polynomial, one ulp for exp and two for logistic,
// subnormal results flushed to zero as on XLA's CPU backend); SIMD sums (four partial
// sums); products by a float32 matrix, which the WebAssembly kernel sums in float32 as
// XLA's CPU dot does (the eager kernel sums in float64); and a matmul zero times an
// infinity (NaN here, per IEEE; the eager kernel skips zeros).

import { expandComposites } from "../../compiler/expand.js";
import { defaultClass, type EqnClass, type FusionPlan, type LoopNode, planFusion } from "../../compiler/fusion.js";
import { optimizeJaxpr } from "../../compiler/passes.js";
import { ArrayImpl } from "../../core/array.js";
import { ShapedArray } from "../../core/aval.js";
import { type DType, isHalf, ownTypedArray, type TypedArray, typedArrayFor } from "../../core/dtype.js";
import { type Atom, type ClosedJaxpr, evalJaxpr, type Jaxpr, type JaxprEqn, Literal, Var } from "../../core/jaxpr.js";
import { sizeOf, stridesOf } from "../../core/shape.js";
import type { ScanParams, WhileParams } from "../../primitives/control_flow.js";
import type { GatherParams } from "../../primitives/gather_scatter.js";
import { planBuffers, type Storage } from "./buffers.js";
import { type Capture, lowerElementwise, numberLiteral, roundTo } from "./js_expr.js";
import { stridedCopy } from "./kernels.js";
import { runScan, runWhile, type ScanPlan, type WhilePlan } from "./loops.js";
import { matmulKernel } from "./matmul.js";
import {
  aligned,
  CACHED_FLOATS,
  kernelMemory,
  matvec,
  matvecSite,
  programBuffers,
  residentRegion,
  STAGE_BYTES,
  VOLATILE_FLOATS,
} from "./matvec_wasm.js";
import { BLOCK_BYTES, type BlockArray, BlockedLoop, type BlockFn, type BlockParam, blockSize } from "./simd_blocks.js";
import { bytesOf, type CompareFn, type Lane, type SimdLoop, type SimdNode, simdLoopBody, simdParamType } from "./simd_loop.js";
import { moduleBytes } from "./wasm_encoding.js";

export type CompiledFn = (args: ArrayImpl[]) => ArrayImpl[];

export interface CompileOptions {
  /**
   * "auto" (default): generate code, or interpret where code generation is forbidden;
   * "interpret": always interpret (what a strict Content-Security-Policy gets).
   */
  mode?: "auto" | "interpret";
  /**
   * Per non-const argument: whether the compiled function may overwrite its storage (a
   * dynamic_update_slice whose operand it is, and nothing else reads, then writes in
   * place). Only for arrays the caller owns and no one else sees: a loop's carries.
   * Never a user's array: arrays are immutable to users.
   */
  owned?: readonly boolean[];
  /** Whether fused loops may run as WebAssembly SIMD functions (default true; false: JavaScript only). */
  simd?: boolean;
}

/** What the CPU engine can fuse: everything the default policy fuses, except 16-bit floats (stored as bits). */
export function cpuClass(eqn: JaxprEqn): EqnClass {
  const half = eqn.inputs.some((a) => isHalf(a.aval.dtype)) || eqn.outBinders.some((v) => isHalf(v.aval.dtype));
  return half ? "opaque" : defaultClass(eqn);
}

/**
 * Compiles a closed jaxpr to a function of its non-const inputs (the consts are captured
 * now). Run `optimizeJaxpr` first for the full pipeline; any jaxpr is accepted.
 */
export function compileJaxpr(closed: ClosedJaxpr, opts: CompileOptions = {}): CompiledFn {
  const interpret: CompiledFn = (args) => evalJaxpr(closed.jaxpr, [...closed.consts, ...args]) as ArrayImpl[];
  if (opts.mode === "interpret" || !canGenerate()) return interpret;
  const generated = new Generator(expandComposites(closed), opts.owned ?? [], null, opts.simd ?? true).generate();
  const fn = instantiate(generated, interpret);
  if (fn) scalarWorkOf.set(fn, generated.scalarWork);
  return fn ?? interpret;
}

const scalarWorkOf = new WeakMap<CompiledFn, number>();

/**
 * How many elements a compiled program handles one at a time in JavaScript per call (fused
 * loops that did not compile to SIMD, primitives run by their eager impl); Infinity for the
 * interpreter. The rest is WebAssembly (SIMD loops, matrix kernels) and copies.
 */
export function scalarWork(fn: CompiledFn): number {
  return scalarWorkOf.get(fn) ?? Number.POSITIVE_INFINITY;
}

/**
 * The generated function, with its buffers in the WebAssembly kernel's memory freed when
 * it is collected; null where `new Function` is refused.
 */
function instantiate(generated: Generated, interpret: CompiledFn): CompiledFn | null {
  const { source, captured, buffers } = generated;
  try {
    const factory = new Function(...captured.map((c) => c.name), "interpret", source) as (...xs: unknown[]) => CompiledFn;
    const fn = factory(...captured.map((c) => c.value), interpret);
    programBuffers()?.freeWith(fn, buffers);
    return fn;
  } catch (e) {
    // nothing will use the buffers
    programBuffers()?.free(buffers);
    if (e instanceof EvalError) return null;
    throw e;
  }
}

/**
 * A loop body compiled for a loop that owns its carries: `owned` marks the arguments it may
 * overwrite; `ownedOutputs` the outputs whose storage is new or an owned argument (every
 * other output may share storage with something else, and is copied before it is overwritten).
 */
export interface CompiledBody {
  run: CompiledFn;
  ownedOutputs: boolean[];
}

/** Optimizes and compiles the closed jaxpr of a loop body (or a loop condition) for the cpu engine. */
export function compileLoopBody(closed: ClosedJaxpr, owned: readonly boolean[], immutable: readonly boolean[]): CompiledBody {
  const opt = optimizeJaxpr(expandComposites(closed));
  const none = opt.jaxpr.outs.map(() => false);
  const interpret: CompiledFn = (args) => evalJaxpr(opt.jaxpr, [...opt.consts, ...args]) as ArrayImpl[];
  if (!canGenerate()) return { run: interpret, ownedOutputs: none };
  const generated = new Generator(opt, owned, immutable).generate();
  const run = instantiate(generated, interpret);
  return run ? { run, ownedOutputs: generated.ownedOutputs } : { run: interpret, ownedOutputs: none };
}

let generationAllowed: boolean | undefined;
function canGenerate(): boolean {
  if (generationAllowed === undefined) {
    try {
      generationAllowed = new Function("return 1")() === 1;
    } catch {
      generationAllowed = false;
    }
  }
  return generationAllowed;
}

/** The generated source of a compiled jaxpr (for tests and debugging); `owned` as in CompileOptions. */
export function compiledSource(closed: ClosedJaxpr, owned: readonly boolean[] = [], simd = true): string {
  const generated = new Generator(closed, owned, null, simd).generate();
  programBuffers()?.free(generated.buffers);
  return generated.source;
}

// ------------------------------------------------------------------------------------

/** A generated program: its source, the values it captures, and its buffers in the kernel's memory. */
interface Generated {
  source: string;
  captured: { name: string; value: unknown }[];
  ownedOutputs: boolean[];
  buffers: TypedArray[];
  /** Elements of fused loops run in JavaScript and of primitives run by their eager impl. */
  scalarWork: number;
}

/** How the generated code can reach a value. */
interface Val {
  aval: ShapedArray;
  /** A JS number holding it (one element, any rank). */
  local?: string;
  /** A typed array holding its elements. */
  data?: string;
  /** An ArrayImpl holding it. */
  impl?: string;
  /** The compile-time buffer behind `data` when it is reused by every call (copy before returning). */
  shared?: TypedArray;
  /** For results of opaque primitives: the reused buffers they may share storage with. */
  mayAlias?: Set<TypedArray>;
  /** The number, when known at compile time (literals and one-element consts). */
  known?: number;
  /** `data` is storage this call may overwrite once the value is dead (an owned argument, a fresh copy). */
  owned?: boolean;
  /** `data` never changes (a user's array, a constant): a copy of it can be cached by identity. */
  immutable?: boolean;
  /** A constant's elements (captured at compile time). */
  constant?: TypedArray;
  /** Where `data` is allocated (a fresh array per call): its line in the function. */
  allocLine?: number;
}

class Generator {
  private readonly jaxpr: Jaxpr;
  private readonly plan: FusionPlan;
  private readonly lines: string[] = [];
  private readonly captured: { name: string; value: unknown }[] = [];
  private readonly captureNames = new Map<unknown, string>();
  private readonly vals = new Map<Var, Val>();
  private readonly names = new Map<Var, string>();
  private storage = new Map<Var, Storage>();
  private counter = 0;
  private readonly arrayImpl: string;
  /** How many equation inputs and program outputs read each variable. */
  private readonly uses = new Map<Var, number>();
  /** Buffers in the kernel's memory, freed with the program. */
  private readonly buffers: TypedArray[] = [];
  /** Elements handled one at a time in JavaScript per call (Generated.scalarWork). */
  private scalarWork = 0;

  constructor(
    private readonly closed: ClosedJaxpr,
    private readonly owned: readonly boolean[],
    /** Per non-const argument: whether its storage never changes (null: all of them, a user's arrays). */
    private readonly immutableArgs: readonly boolean[] | null = null,
    /** Whether fused loops may be WebAssembly SIMD functions. */
    private readonly simd = true,
  ) {
    this.jaxpr = closed.jaxpr;
    this.plan = planFusion(this.jaxpr, { classify: cpuClass });
    this.arrayImpl = this.capture(ArrayImpl, "ArrayImpl");
    const use = (a: Atom) => {
      if (a instanceof Var) this.uses.set(a, (this.uses.get(a) ?? 0) + 1);
    };
    for (const e of this.jaxpr.eqns) e.inputs.forEach(use);
    this.jaxpr.outs.forEach(use);
  }

  generate(): Generated {
    // float32, int32 and bool buffers live in the WebAssembly kernel's memory where it has
    // room, so its kernels (products, SIMD loops) read and write them in place
    const region = programBuffers();
    const allocate = (dtype: DType, n: number): TypedArray => {
      const b = SIMD_DTYPES.has(dtype) ? region?.allocLike(typedArrayFor(dtype, 0), n) : null;
      if (!b) return ownTypedArray(dtype, n);
      this.buffers.push(b);
      return b;
    };
    this.storage = planBuffers(this.plan, writesOwnBuffer, allocate);
    const nConsts = this.closed.consts.length;
    this.jaxpr.inBinders.forEach((v, i) => {
      if (i < nConsts) this.bindConst(v, this.closed.consts[i] as ArrayImpl);
      else {
        const owned = this.owned[i - nConsts] === true;
        const immutable = !owned && (this.immutableArgs === null || this.immutableArgs[i - nConsts] === true);
        this.vals.set(v, { aval: v.aval, impl: `args[${i - nConsts}]`, owned, immutable });
      }
    });
    this.plan.nodes.forEach((n) => {
      if (n.kind === "loop") this.emitLoop(n);
      else this.emitOpaque(n.eqn);
    });
    const returned = this.jaxpr.outs.map((o) => this.returned(o));
    const outs = returned.map((r) => r.expr);
    const run = `function run(args) {\n${this.lines.join("\n")}\nreturn [${outs.join(", ")}];\n}`;
    // Only a primitive's impl can call back into this function (a debug callback running
    // the same jitted function, say); such a nested call must not clobber the buffers the
    // outer one is using, so it is interpreted. Without impl calls, no guard is needed.
    const reentrant = this.plan.nodes.some(
      (n) => n.kind === "opaque" && !GENERATED.has(n.eqn.prim.name) && !isDot(n.eqn) && !isClampedGather(n.eqn),
    );
    const source = reentrant
      ? `"use strict";
let busy = false;
${run}
return function compiled(args) {
  if (busy) return interpret(args);
  busy = true;
  try {
    return run(args);
  } finally {
    busy = false;
  }
};`
      : `"use strict";\n${run}\nreturn run;`;
    return {
      source,
      captured: this.captured,
      ownedOutputs: returned.map((r) => r.owned),
      buffers: this.buffers,
      scalarWork: this.scalarWork,
    };
  }

  // ---- names and captured values ----

  private fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  private capture: Capture = (value, hint) => {
    let n = this.captureNames.get(value);
    if (n === undefined) {
      n = `${hint.replace(/[^A-Za-z0-9_]/g, "_")}_${this.captured.length}`;
      this.captureNames.set(value, n);
      this.captured.push({ name: n, value });
    }
    return n;
  };

  private nameOf(v: Var): string {
    let n = this.names.get(v);
    if (n === undefined) {
      n = this.fresh("v");
      this.names.set(v, n);
    }
    return n;
  }

  private emit(line: string): void {
    this.lines.push(line);
  }

  private bindConst(v: Var, c: ArrayImpl): void {
    const val: Val = {
      aval: v.aval,
      impl: this.capture(c, "const"),
      data: this.capture(c.data, "constData"),
      immutable: true,
      constant: c.data,
    };
    if (c.size === 1 && !isHalf(c.dtype)) val.known = c.values()[0]!;
    this.vals.set(v, val);
  }

  // ---- getting values into the form a consumer needs (emitted before the consumer) ----

  private val(a: Atom): Val {
    if (a instanceof Literal) return { aval: a.aval, impl: this.capture(a.val, "lit"), known: a.val.values()[0]! };
    const v = this.vals.get(a);
    if (!v) throw new Error("jaxts internal error: compiled code reads a value before computing it");
    return v;
  }

  /** A JS number expression for a one-element value. */
  private local(a: Atom): string {
    const v = this.val(a);
    if (v.known !== undefined) return numberLiteral(v.known);
    if (v.local === undefined) {
      const name = this.fresh("s");
      this.emit(`const ${name} = ${this.data(a)}[0];`);
      v.local = name;
    }
    return v.local;
  }

  /** A typed-array expression holding the value's elements. */
  private data(a: Atom): string {
    const v = this.val(a);
    if (v.data === undefined) {
      if (v.impl !== undefined) {
        const name = this.fresh("d");
        this.emit(`const ${name} = ${v.impl}.data;`);
        v.data = name;
      } else {
        // a number: park it in a one-element buffer of its own
        const buf = typedArrayFor(v.aval.dtype, 1);
        const name = this.capture(buf, "one");
        this.emit(`${name}[0] = ${this.local(a)};`);
        v.data = name;
        v.shared = buf;
      }
    }
    return v.data;
  }

  /** An ArrayImpl expression for the value. */
  private impl(a: Atom): string {
    const v = this.val(a);
    if (v.impl === undefined) {
      const data = this.data(a);
      if (v.shared !== undefined) {
        // the buffer is fixed at compile time, so the wrapper can be too
        v.impl = this.capture(new ArrayImpl(v.shared, v.aval), "arr");
      } else {
        const name = this.fresh("w");
        this.emit(`const ${name} = new ${this.arrayImpl}(${data}, ${this.capture(v.aval, "aval")});`);
        v.impl = name;
      }
    }
    return v.impl;
  }

  /**
   * The expression returned for a jaxpr output: never a pooled buffer. `owned`: its storage
   * is new this call, or an owned argument (so the caller may own it in turn).
   */
  private returned(a: Atom): { expr: string; owned: boolean } {
    const v = this.val(a);
    const aval = this.capture(v.aval, "aval");
    if (v.shared !== undefined) return { expr: `new ${this.arrayImpl}(${this.data(a)}.slice(), ${aval})`, owned: true };
    if (v.impl === undefined && v.data === undefined) {
      // a number: a new one-element array per call
      const name = this.fresh("r");
      this.emit(`const ${name} = new ${ctorName(v.aval)}(1); ${name}[0] = ${this.local(a)};`);
      return { expr: `new ${this.arrayImpl}(${name}, ${aval})`, owned: true };
    }
    const impl = this.impl(a);
    if (v.mayAlias && v.mayAlias.size > 0) {
      // an opaque primitive's result that may be one of the reused buffers: copy it then
      const test = [...v.mayAlias].map((b) => `${impl}.data.buffer === ${this.capture(b, "buf")}.buffer`).join(" || ");
      return { expr: `(${test} ? new ${this.arrayImpl}(${impl}.data.slice(), ${impl}.aval) : ${impl})`, owned: false };
    }
    return { expr: impl, owned: v.owned === true };
  }

  /** Where a computed value goes: its pooled buffer, or a fresh array allocated now. */
  private bufferFor(v: Var): string {
    const s = this.storage.get(v);
    if (!s) throw new Error("jaxts internal error: no storage planned for a stored value");
    const val: Val = { aval: v.aval };
    this.vals.set(v, val);
    if (s.kind === "pool") {
      val.data = this.capture(s.buffer, "buf");
      val.shared = s.buffer;
      return val.data;
    }
    const name = this.fresh("o");
    val.allocLine = this.lines.length;
    this.emit(`const ${name} = new ${ctorName(v.aval)}(${v.aval.size});`);
    val.data = name;
    val.owned = true;
    return name;
  }

  // ---- opaque nodes: dot_general, reshape, and the eager impl of everything else ----

  private emitOpaque(e: JaxprEqn): void {
    if (e.prim.name === "reshape") {
      this.emitReshape(e);
      return;
    }
    if (isDot(e)) {
      this.emitDot(e);
      return;
    }
    const half = [...e.inputs.map((a) => a.aval), ...e.outBinders.map((v) => v.aval)].some((a) => isHalf(a.dtype));
    if (!half && e.prim.name === "dynamic_update_slice") {
      this.emitDynamicUpdateSlice(e);
      return;
    }
    if (!half && e.prim.name === "dynamic_slice") {
      this.emitDynamicSlice(e);
      return;
    }
    if (isLastAxisArgReduce(e)) {
      this.emitArgReduce(e);
      return;
    }
    if (isClampedGather(e)) {
      this.emitGather(e);
      return;
    }
    if (e.prim.name === "scan") {
      const p = e.params as ScanParams;
      const carry = e.inputs.slice(p.numConsts, p.numConsts + p.numCarry);
      const body = compileLoopBody(
        p.jaxpr,
        e.inputs.map((a, i) => i >= p.numConsts && i < p.numConsts + p.numCarry && a.aval.size > 1),
        e.inputs.map((a, i) => i < p.numConsts && this.val(a).immutable === true),
      );
      const plan: ScanPlan = {
        numConsts: p.numConsts,
        numCarry: p.numCarry,
        length: p.length,
        reverse: p.reverse,
        xAvals: e.inputs.slice(p.numConsts + p.numCarry).map((x) => new ShapedArray(x.aval.shape.slice(1), x.aval.dtype, x.aval.weakType)),
        yAvals: e.outBinders.slice(p.numCarry).map((v) => v.aval),
        mutable: carry.map((c) => c.aval.size > 1),
      };
      this.emitCall(e, `${this.capture(runScan, "runScan")}(${this.capture(body, "body")}, ARGS, ${this.capture(plan, "scan")})`);
      return;
    }
    if (e.prim.name === "while") {
      const p = e.params as WhileParams;
      const nc = p.condNumConsts + p.bodyNumConsts;
      const carry = e.inputs.slice(nc);
      const cond = compileLoopBody(p.cond, [], []);
      const bodyArgs = e.inputs.slice(p.condNumConsts);
      const body = compileLoopBody(
        p.body,
        bodyArgs.map((a, i) => i >= p.bodyNumConsts && a.aval.size > 1),
        bodyArgs.map((a, i) => i < p.bodyNumConsts && this.val(a).immutable === true),
      );
      const plan: WhilePlan = {
        condNumConsts: p.condNumConsts,
        bodyNumConsts: p.bodyNumConsts,
        mutable: carry.map((c) => c.aval.size > 1),
      };
      this.emitCall(
        e,
        `${this.capture(runWhile, "runWhile")}(${this.capture(cond, "cond")}, ${this.capture(body, "body")}, ARGS, ${this.capture(plan, "loop")})`,
      );
      return;
    }
    this.scalarWork += e.outBinders.reduce((n, v) => n + v.aval.size, 0);
    this.emitCall(e, `${this.capture(e.prim, `P_${e.prim.name}`)}.impl(ARGS, ${this.capture(e.params, "params")})`);
  }

  /** An opaque equation as a call returning its outputs (ARGS: its inputs as an array of ArrayImpls). */
  private emitCall(e: JaxprEqn, call: string): void {
    const args = e.inputs.map((a) => this.impl(a));
    const mayAlias = new Set<TypedArray>();
    for (const a of e.inputs) {
      const v = this.val(a);
      if (v.shared) mayAlias.add(v.shared);
      for (const r of v.mayAlias ?? []) mayAlias.add(r);
    }
    const res = this.fresh("res");
    this.emit(`const ${res} = ${call.replace("ARGS", `[${args.join(", ")}]`)};`);
    e.outBinders.forEach((o, i) => {
      const name = this.fresh("w");
      this.emit(`const ${name} = ${res}[${i}];`);
      this.vals.set(o, { aval: o.aval, impl: name, mayAlias });
    });
  }

  private emitReshape(e: JaxprEqn): void {
    const src = this.val(e.inputs[0]!);
    const out = e.outBinders[0]!;
    // same elements, same order: share the storage under the new shape
    const v: Val = { aval: out.aval, local: src.local, known: src.known, shared: src.shared, mayAlias: src.mayAlias };
    // the storage stays writable only if the reshape is its one reader
    const x = e.inputs[0]!;
    if (src.owned && x instanceof Var && this.uses.get(x) === 1) v.owned = true;
    v.immutable = src.immutable;
    if (src.data !== undefined || src.impl !== undefined) v.data = this.data(e.inputs[0]!);
    this.vals.set(out, v);
  }

  /**
   * The start offset of a window of `sizes` in a row-major array of `shape`, as a JS
   * expression: each start index clamped so the window fits, as dynamic_slice does.
   */
  private windowStart(shape: readonly number[], sizes: readonly number[], starts: readonly Atom[]): string {
    const st = stridesOf(shape);
    let known = 0;
    const terms: string[] = [];
    starts.forEach((s, d) => {
      const hi = shape[d]! - sizes[d]!;
      if (hi === 0) return;
      const k = this.val(s).known;
      if (k !== undefined) known += Math.min(Math.max(k, 0), hi) * st[d]!;
      else terms.push(`Math.min(Math.max(${this.local(s)}, 0), ${hi})${st[d] === 1 ? "" : ` * ${st[d]}`}`);
    });
    if (known !== 0 || terms.length === 0) terms.push(String(known));
    const name = this.fresh("w");
    this.emit(`const ${name} = ${terms.join(" + ")};`);
    return name;
  }

  /**
   * Copies between the window of `sizes` at offset `start` of a row-major array of `shape`
   * (`big`) and a contiguous array of the window's elements (`small`), in runs: the
   * trailing axes the window spans whole, and the one before them, are contiguous.
   */
  private emitWindowCopy(
    big: string,
    shape: readonly number[],
    sizes: readonly number[],
    start: string,
    small: string,
    toBig: boolean,
  ): void {
    const n = sizeOf(sizes);
    const st = stridesOf(shape);
    let kd = shape.length - 1;
    while (kd >= 0 && sizes[kd] === shape[kd]) kd--;
    const run = kd < 0 ? n : sizeOf(sizes.slice(kd));
    const copyRun = (off: string, q: string) => {
      if (run === n) return toBig ? `${big}.set(${small}, ${off});` : `${small}.set(${big}.subarray(${off}, ${off} + ${n}));`;
      if (run >= 16) {
        return toBig
          ? `${big}.set(${small}.subarray(${q}, ${q} + ${run}), ${off});`
          : `${small}.set(${big}.subarray(${off}, ${off} + ${run}), ${q});`;
      }
      const r = this.fresh("r");
      return toBig
        ? `for (let ${r} = 0; ${r} < ${run}; ${r}++) ${big}[${off} + ${r}] = ${small}[${q} + ${r}];`
        : `for (let ${r} = 0; ${r} < ${run}; ${r}++) ${small}[${q} + ${r}] = ${big}[${off} + ${r}];`;
    };
    const outer = [...Array(Math.max(kd, 0)).keys()].filter((d) => sizes[d] !== 1);
    if (outer.length === 0) {
      this.emit(copyRun(start, "0"));
      return;
    }
    const q = this.fresh("q");
    this.emit(`let ${q} = 0;`);
    let off = start;
    for (const d of outer) {
      const i = this.fresh("i");
      this.emit(`for (let ${i} = 0; ${i} < ${sizes[d]}; ${i}++) {`);
      const o = this.fresh("o");
      this.emit(`const ${o} = ${offsetExpr(off, i, st[d]!)};`);
      off = o;
    }
    this.emit(copyRun(off, q));
    this.emit(`${q} += ${run};`);
    for (const _ of outer) this.emit("}");
  }

  /**
   * dynamic_update_slice: the operand's elements with the update's written over a window.
   * When the operand's storage is this call's to overwrite (an owned argument or a copy
   * made here) and nothing else reads it, the update is written in place: a loop updating
   * one row of a large carry (a KV cache) costs the row, not the array.
   */
  private emitDynamicUpdateSlice(e: JaxprEqn): void {
    const [operand, update, ...starts] = e.inputs as [Atom, Atom, ...Atom[]];
    const out = e.outBinders[0]!;
    const shape = operand.aval.shape;
    const sizes = update.aval.shape;
    const src = this.val(operand);
    const inPlace = src.owned === true && operand instanceof Var && this.uses.get(operand) === 1;
    const start = this.windowStart(shape, sizes, starts);
    let target = this.data(operand);
    if (!inPlace) {
      const copy = this.fresh("o");
      this.emit(`const ${copy} = ${target}.slice();`);
      target = copy;
    }
    const n = update.aval.size;
    if (n === 1) this.emit(`${target}[${start}] = ${this.local(update)};`);
    else if (n > 0) this.emitWindowCopy(target, shape, sizes, start, this.data(update), true);
    this.vals.set(out, { aval: out.aval, data: target, owned: true });
  }

  /** dynamic_slice: the window's elements copied out (a single element becomes a number). */
  private emitDynamicSlice(e: JaxprEqn): void {
    const [operand, ...starts] = e.inputs as [Atom, ...Atom[]];
    const out = e.outBinders[0]!;
    const sizes = out.aval.shape;
    const start = this.windowStart(operand.aval.shape, sizes, starts);
    const src = this.data(operand);
    if (out.aval.size === 1) {
      const name = this.fresh("s");
      this.emit(`const ${name} = ${src}[${start}];`);
      this.vals.set(out, { aval: out.aval, local: name });
      return;
    }
    const target = this.bufferFor(out);
    if (out.aval.size > 0) this.emitWindowCopy(src, operand.aval.shape, sizes, start, target, false);
  }

  /**
   * gather with clamped indices (an embedding lookup): per index row, the clamped offset of
   * its slice, then the slice copied, as the eager kernel does.
   */
  private emitGather(e: JaxprEqn): void {
    const [operand, indices] = e.inputs as [Atom, Atom];
    const out = e.outBinders[0]!;
    const shape = operand.aval.shape;
    const k = indices.aval.shape[indices.aval.ndim - 1]!;
    const rows = indices.aval.size / k;
    const slice = sizeOf(shape.slice(k));
    const st = stridesOf(shape);
    const src = this.data(operand);
    const one = indices.aval.size === 1 ? this.local(indices) : null;
    const idx = one === null ? this.data(indices) : "";
    const b = this.fresh("b");
    const off = this.fresh("off");
    const offset = (row: string) =>
      [...Array(k).keys()]
        .map((d) => {
          const i = one ?? `${idx}[${row} * ${k} + ${d}]`;
          return `Math.min(Math.max(${i}, 0), ${shape[d]! - 1}) * ${st[d]}`;
        })
        .join(" + ");
    if (out.aval.size === 1) {
      const name = this.nameOf(out);
      this.emit(`const ${name} = ${src}[${offset("0")}];`);
      this.vals.set(out, { aval: out.aval, local: name });
      return;
    }
    const target = this.bufferFor(out);
    this.emit(`for (let ${b} = 0; ${b} < ${rows}; ${b}++) {`);
    this.emit(`const ${off} = ${offset(b)};`);
    if (slice >= 16) this.emit(`${target}.set(${src}.subarray(${off}, ${off} + ${slice}), ${b} * ${slice});`);
    else {
      const r = this.fresh("r");
      this.emit(`for (let ${r} = 0; ${r} < ${slice}; ${r}++) ${target}[${b} * ${slice} + ${r}] = ${src}[${off} + ${r}];`);
    }
    this.emit("}");
  }

  /**
   * argmax/argmin over the last axis: the first extreme element's index, or the first
   * NaN's (as the eager kernel and XLA do). One row gives a number, more a stored array.
   */
  private emitArgReduce(e: JaxprEqn): void {
    const x = e.inputs[0]!;
    const out = e.outBinders[0]!;
    const m = x.aval.shape[x.aval.ndim - 1]!;
    const rows = out.aval.size;
    const src = this.data(x);
    const cmp = e.prim.name === "argmax" ? ">" : "<";
    const row = (base: string, store: (bi: string) => string) => {
      const [best, bi, j, v] = [this.fresh("b"), this.fresh("bi"), this.fresh("j"), this.fresh("v")];
      this.emit(`let ${best} = ${src}[${base}], ${bi} = 0;`);
      this.emit(`if (${best} === ${best}) for (let ${j} = 1; ${j} < ${m}; ${j}++) {`);
      this.emit(`const ${v} = ${src}[${offsetExpr(base, j, 1)}];`);
      this.emit(`if (${v} !== ${v}) { ${bi} = ${j}; break; }`);
      this.emit(`if (${v} ${cmp} ${best}) { ${best} = ${v}; ${bi} = ${j}; }`);
      this.emit("}");
      this.emit(store(bi));
    };
    if (rows === 1) {
      const name = this.nameOf(out);
      this.emit(`let ${name};`);
      row("0", (bi) => `${name} = ${roundTo(out.aval.dtype, bi)};`);
      this.vals.set(out, { aval: out.aval, local: name });
      return;
    }
    const target = this.bufferFor(out);
    const r = this.fresh("i");
    this.emit(`for (let ${r} = 0; ${r} < ${rows}; ${r}++) {`);
    const base = this.fresh("o");
    this.emit(`const ${base} = ${r} * ${m};`);
    row(base, (bi) => `${target}[${r}] = ${bi};`);
    this.emit("}");
  }

  private emitDot(e: JaxprEqn): void {
    const { dims } = e.params as { dims: { lhsContracting: number[]; rhsContracting: number[]; lhsBatch: number[]; rhsBatch: number[] } };
    const [lhs, rhs] = e.inputs as [Atom, Atom];
    const out = e.outBinders[0]!;
    const lFree = freeDims(lhs.aval.ndim, dims.lhsContracting, dims.lhsBatch);
    const rFree = freeDims(rhs.aval.ndim, dims.rhsContracting, dims.rhsBatch);
    const a = this.operandView(lhs, [dims.lhsBatch, lFree, dims.lhsContracting]);
    const b = this.operandView(rhs, [dims.rhsBatch, dims.rhsContracting, rFree]);
    const nb = sizeOf(dims.lhsBatch.map((d) => lhs.aval.shape[d]!));
    const M = sizeOf(lFree.map((d) => lhs.aval.shape[d]!));
    const K = sizeOf(dims.lhsContracting.map((d) => lhs.aval.shape[d]!));
    const N = sizeOf(rFree.map((d) => rhs.aval.shape[d]!));
    const f32 = [lhs, rhs, out].every((x) => x.aval.dtype === "float32");
    const mv = matvec();
    // rows times a float32 matrix (a decode step's projections and its attention over the
    // key-value cache; a training step's layers): the WebAssembly kernel, summing in
    // float32, two rows at a time. A fixed matrix (an
    // argument or constant) is cached there, up to a size. A matrix the program may write to
    // is read in place when it is a loop carry in the kernel's resident region, else copied
    // per call, so it needs contiguous columns and a span not much beyond its own size.
    const fixed = this.val(rhs).immutable === true;
    const [wSb, wSk, wSn] = b.strides as [number, number, number];
    const span = (nb - 1) * wSb + (K - 1) * wSk + N;
    const volatileOk = wSn === 1 && span <= VOLATILE_FLOATS && span <= 4 * nb * K * N;
    const fixedOk = fixed && nb * K * N <= CACHED_FLOATS;
    if (mv && f32 && N >= 8 && K <= 65536 && N <= 65536 && !a.copied && !b.copied && (fixedOk || volatileOk)) {
      const target = this.bufferFor(out);
      this.emit(
        `${this.capture(mv, "matvec")}(${a.data}, 0, ${a.strides.join(", ")}, ${b.data}, 0, ${b.strides.join(", ")}, ${target}, ${nb}, ${M}, ${K}, ${N}, ${!fixedOk}, ${this.capture(matvecSite(), "site")});`,
      );
      return;
    }
    const sample = (x: Atom) => typedArrayFor(x.aval.dtype, 0);
    const kernel = this.capture(
      matmulKernel(a.copied ? new Float64Array(0) : sample(lhs), b.copied ? new Float64Array(0) : sample(rhs), sample(out)),
      "matmul",
    );
    const target = this.bufferFor(out);
    this.emit(
      `${kernel}(${a.data}, 0, ${a.strides.join(", ")}, ${b.data}, 0, ${b.strides.join(", ")}, ${target}, ${nb}, ${M}, ${K}, ${N});`,
    );
  }

  /**
   * The operand as (data, [stride of group 0, 1, 2]) where each group of dims (batch,
   * rows, contraction for the lhs) is walked as one index. Groups that are not evenly
   * strided in the row-major operand are first copied into a scratch buffer.
   */
  private operandView(x: Atom, groups: number[][]): { data: string; strides: number[]; copied: boolean } {
    const shape = x.aval.shape;
    const st = stridesOf(shape);
    const groupStride = (g: number[]): number | null => {
      const ds = g.filter((d) => shape[d] !== 1);
      for (let t = 0; t + 1 < ds.length; t++) if (st[ds[t]!] !== st[ds[t + 1]!]! * shape[ds[t + 1]!]!) return null;
      return ds.length === 0 ? 0 : st[ds[ds.length - 1]!]!;
    };
    const strides = groups.map(groupStride);
    const data = this.data(x);
    if (strides.every((s) => s !== null)) return { data, strides: strides as number[], copied: false };
    const perm = groups.flat();
    const scratch = this.capture(new Float64Array(x.aval.size), "scratch");
    const copy = this.capture(stridedCopy, "stridedCopy");
    this.emit(
      `${copy}(${data}, 0, ${this.capture(
        perm.map((d) => shape[d]!),
        "shape",
      )}, ${this.capture(
        perm.map((d) => st[d]!),
        "strides",
      )}, ${scratch});`,
    );
    const sizes = groups.map((g) => sizeOf(g.map((d) => shape[d]!)));
    return { data: scratch, strides: [sizes[1]! * sizes[2]!, sizes[2]!, 1], copied: true };
  }

  // ---- loop nodes ----

  private emitLoop(node: LoopNode): void {
    const shape = node.shape;
    const members = new Set<Var>(node.eqns.flatMap((e) => (cpuClass(e) === "reduce" ? [] : e.outBinders)));
    const axes = node.reduceAxes ?? [];
    const reductions = node.eqns.filter((e) => cpuClass(e) === "reduce");
    const materialized = this.plan.materialized;

    // Loop levels: the non-trivial axes, row-major; adjacent ones merge when every access allows.
    const axisList = shape.map((n, d) => ({ n, d })).filter((x) => x.n !== 1);
    const rowMajor = stridesOf(shape);
    const keptShape = shape.filter((_, d) => !axes.includes(d));
    const keptStrides = stridesOf(keptShape);
    const keptStrideOf = (d: number) => (axes.includes(d) ? 0 : keptStrides[shape.slice(0, d).filter((_, k) => !axes.includes(k)).length]!);
    // Accumulators live in registers when the reduced axes are innermost; otherwise in an
    // array indexed like the output, filled in row-major order.
    const firstReduced = axisList.findIndex((x) => axes.includes(x.d));
    const accInRegister = reductions.length > 0 && firstReduced >= 0 && axisList.slice(firstReduced).every((x) => axes.includes(x.d));
    const outSize = sizeOf(keptShape);

    // every access pattern: a base offset and strides over the original axes (merged below)
    const patterns: { base: number; strides: number[] }[] = [];
    const patternOf = (base: number, strides: number[]): number => {
      const k = patterns.findIndex((p) => p.base === base && p.strides.every((s, i) => s === strides[i]));
      if (k >= 0) return k;
      patterns.push({ base, strides });
      return patterns.length - 1;
    };
    const full = patternOf(
      0,
      shape.map((_, d) => rowMajor[d]!),
    );
    const kept =
      reductions.length > 0
        ? patternOf(
            0,
            shape.map((_, d) => keptStrideOf(d)),
          )
        : -1;

    // Prologue (before the loops): external operands, output buffers, accumulators.
    const reads = new Map<string, Read>();
    // broadcasts of a number that nothing stores: uses read the number itself
    const aliases = new Map<Var, Read>();
    const readOf = (a: Atom, pattern: number | null): Read => {
      const alias = a instanceof Var ? aliases.get(a) : undefined;
      if (alias) return alias;
      if (a instanceof Var && members.has(a)) return { kind: "local", expr: this.nameOf(a), member: true, atom: a };
      const element = a instanceof Var ? this.plan.scalarViews.get(a) : undefined;
      if (element !== undefined) return readOf(element, null);
      if (a.aval.size === 1) return { kind: "local", expr: this.local(a), member: false, atom: a };
      if (pattern === null) throw new Error(`jaxts internal error: operand of shape [${a.aval.shape}] in a loop over [${shape}]`);
      const data = this.data(a);
      const key = `${data}@${pattern}`;
      let r = reads.get(key);
      if (!r) {
        r = { kind: "array", data, pattern, name: this.fresh("x"), atom: a };
        reads.set(key, r);
      }
      return r;
    };
    const memberInputs = new Map<JaxprEqn, Read[]>();
    for (const e of node.eqns) {
      const cls = cpuClass(e);
      if (cls === "view") {
        const x = e.inputs[0]!;
        const read = readOf(x, x.aval.size === 1 ? null : patternOf(...viewPattern(e, shape.length)));
        memberInputs.set(e, [read]);
        if (read.kind === "local" && !materialized.has(e.outBinders[0]!)) aliases.set(e.outBinders[0]!, read);
      } else {
        memberInputs.set(
          e,
          e.inputs.map((a) =>
            a.aval.size === shape.reduce((m, n) => m * n, 1) && a.aval.ndim === shape.length ? readOf(a, full) : readOf(a, null),
          ),
        );
      }
    }
    const stores = new Map<Var, string>();
    for (const e of node.eqns) {
      if (cpuClass(e) === "reduce") continue;
      const v = e.outBinders[0]!;
      if (materialized.has(v) && v.aval.size !== 1) stores.set(v, this.bufferFor(v));
    }
    const reds: Red[] = reductions.map((e) => {
      const out = e.outBinders[0]!;
      const init = { reduce_sum: "0", reduce_prod: "1", reduce_max: "-Infinity", reduce_min: "Infinity" }[e.prim.name]!;
      let acc: string;
      if (accInRegister) acc = this.fresh("acc");
      else {
        acc = this.capture(new Float64Array(outSize), "acc");
        this.emit(`${acc}.fill(${init});`);
      }
      const target = out.aval.size === 1 ? null : this.bufferFor(out);
      return { eqn: e, acc, init, out, target };
    });

    // Merge adjacent levels where every access pattern is contiguous across them (and, with
    // accumulators in registers, both are kept or both reduced).
    const levels = axisList.map((x) => ({ n: x.n, reduced: axes.includes(x.d), strides: patterns.map((p) => p.strides[x.d]!) }));
    for (let l = levels.length - 2; l >= 0; l--) {
      const a = levels[l]!;
      const b = levels[l + 1]!;
      if (accInRegister && a.reduced !== b.reduced) continue;
      if (!a.strides.every((s, k) => s === b.strides[k]! * b.n)) continue;
      levels.splice(l, 2, { n: a.n * b.n, reduced: a.reduced && b.reduced, strides: b.strides });
    }

    if (
      this.simd &&
      this.emitSimdLoop({
        eqns: node.eqns,
        levels,
        bases: patterns.map((p) => p.base),
        memberInputs,
        aliases,
        stores,
        reds,
        accInRegister,
        kept,
        full,
      })
    )
      return;
    this.scalarWork += levels.reduce((m, l) => m * l.n, 1);

    // Loop nest: each level keeps one offset per pattern; the innermost indexes directly.
    const depth = levels.length;
    const firstRed = accInRegister ? levels.findIndex((l) => l.reduced) : -1;
    const offsets: string[] = patterns.map((p) => String(p.base));
    // A reduction's result from its accumulator: bools are positive-or-not (an empty max starts at -inf), the rest round as stored.
    const finish = (r: Red, acc: string, at: string | null) => {
      const dt = r.out.aval.dtype;
      const value = dt === "bool" ? `(${acc} > 0 ? 1 : 0)` : acc;
      if (at !== null && r.target !== null) {
        this.emit(`${r.target}[${at}] = ${value};`);
        return;
      }
      const name = this.nameOf(r.out);
      this.emit(`const ${name} = ${dt === "bool" ? value : roundTo(dt, value)};`);
      this.vals.set(r.out, { aval: r.out.aval, local: name });
    };
    let keptAtReduced = "0";
    let inner: { i: string; n: number; strides: number[] } | null = null;
    for (let l = 0; l < depth; l++) {
      if (l === firstRed) {
        keptAtReduced = offsets[kept]!;
        for (const r of reds) this.emit(`let ${r.acc} = ${r.init};`);
      }
      const lv = levels[l]!;
      const i = this.fresh("i");
      if (l === depth - 1) {
        inner = { i, n: lv.n, strides: lv.strides };
        break;
      }
      this.emit(`for (let ${i} = 0; ${i} < ${lv.n}; ${i}++) {`);
      lv.strides.forEach((s, k) => {
        if (s === 0) return;
        const o = this.fresh("o");
        this.emit(`const ${o} = ${offsetExpr(offsets[k]!, i, s)};`);
        offsets[k] = o;
      });
    }

    // Body, per element: read operands, compute members in order, store what others
    // need; the accumulations come last. `sfx` renames the body's locals for unrolled copies.
    const uses = new Map<Var, number>();
    for (const e of node.eqns) for (const a of e.inputs) if (a instanceof Var && members.has(a)) uses.set(a, (uses.get(a) ?? 0) + 1);
    const body = (at: string[], sfx: string): { lines: string[]; accs: string[] } => {
      const lines: string[] = [];
      const accs: string[] = [];
      for (const r of reads.values()) if (r.kind === "array") lines.push(`const ${r.name}${sfx} = ${r.data}[${at[r.pattern]}];`);
      const exprOf = (r: Read) => (r.kind === "array" ? r.name + sfx : r.member ? r.expr + sfx : r.expr);
      for (const e of node.eqns) {
        if (aliases.has(e.outBinders[0]!)) continue;
        const ins = memberInputs.get(e)!.map(exprOf);
        const cls = cpuClass(e);
        if (cls === "reduce") {
          const r = reds.find((x) => x.eqn === e)!;
          const acc = accInRegister ? r.acc : `${r.acc}[${at[kept]}]`;
          const x = ins[0]!;
          if (e.prim.name === "reduce_sum") accs.push(`${acc} += ${x};`);
          else if (e.prim.name === "reduce_prod") accs.push(`${acc} *= ${x};`);
          else accs.push(`if (${x} ${e.prim.name === "reduce_max" ? ">" : "<"} ${acc} || ${x} !== ${x}) ${acc} = ${x};`);
          continue;
        }
        const v = e.outBinders[0]!;
        const name = this.nameOf(v) + sfx;
        let expr: string;
        if (cls === "view") expr = ins[0]!;
        else {
          const low = lowerElementwise(e, ins, this.capture);
          // a value only stored needs no rounding: the store rounds it the same way
          const onlyStored = stores.has(v) && !uses.has(v);
          expr = low.exact || onlyStored ? low.expr : roundTo(v.aval.dtype, low.expr);
        }
        const target = stores.get(v);
        if (target !== undefined && !uses.has(v)) lines.push(`${target}[${at[full]}] = ${expr};`);
        else {
          lines.push(`const ${name} = ${expr};`);
          if (target !== undefined) lines.push(`${target}[${at[full]}] = ${name};`);
        }
      }
      return { lines, accs };
    };
    const exprOf0 = (r: Read) => (r.kind === "array" ? r.name : r.expr);
    if (inner === null) {
      const { lines, accs } = body(offsets, "");
      for (const line of [...lines, ...accs]) this.emit(line);
      for (const e of node.eqns) {
        for (const v of e.outBinders) if (members.has(v)) this.vals.set(v, { aval: v.aval, local: exprOf0(readOf(v, null)) });
      }
    } else {
      const { i, n, strides } = inner;
      const at = (idx: string) => strides.map((s, k) => offsetExpr(offsets[k]!, idx, s));
      const plain = body(at(i), "");
      // Copies of the body for consecutive elements, interleaved statement by statement:
      // their dependency chains are independent, so the CPU overlaps them (each chain
      // of float32 roundings is long). Accumulations stay in element order. Bodies that
      // call JS functions are left alone: V8 would stop inlining the copies' calls.
      const size = plain.lines.length + plain.accs.length;
      const calls = plain.lines.some((l) => /_\d+\(/.test(l));
      const unroll = n < 16 || calls ? 1 : size <= 12 ? 8 : size <= 40 ? 4 : 2;
      if (unroll > 1) {
        const copies = Array.from({ length: unroll }, (_, k) => body(at(k === 0 ? i : `(${i} + ${k})`), `_${k}`));
        this.emit(`let ${i} = 0;`);
        this.emit(`for (; ${i} + ${unroll - 1} < ${n}; ${i} += ${unroll}) {`);
        for (let line = 0; line < plain.lines.length; line++) for (const c of copies) this.emit(c.lines[line]!);
        for (const c of copies) for (const a of c.accs) this.emit(a);
        this.emit("}");
        this.emit(`for (; ${i} < ${n}; ${i}++) {`);
      } else this.emit(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
      for (const line of [...plain.lines, ...plain.accs]) this.emit(line);
    }

    // Close the loops, finishing register accumulators after the reduced levels.
    for (let l = depth - 1; l >= 0; l--) {
      this.emit("}");
      if (l === firstRed) for (const r of reds) finish(r, r.acc, keptAtReduced);
    }
    if (!accInRegister) {
      for (const r of reds) {
        if (r.target === null) finish(r, `${r.acc}[0]`, null);
        else if (r.out.aval.dtype === "bool") {
          const j = this.fresh("j");
          this.emit(`for (let ${j} = 0; ${j} < ${outSize}; ${j}++) ${r.target}[${j}] = ${r.acc}[${j}] > 0 ? 1 : 0;`);
        } else this.emit(`${r.target}.set(${r.acc});`);
      }
    }
  }

  // ---- fused loops in WebAssembly SIMD ----

  /**
   * Emits the loop as a call to a WebAssembly SIMD function (simd_loop.ts), where its
   * shape, dtypes, operations and storage allow; false (nothing emitted) where not.
   */
  private emitSimdLoop(an: LoopAnalysis): boolean {
    const mem = kernelMemory();
    const region = programBuffers();
    const { levels, reds } = an;
    const depth = levels.length;
    const inner = levels[depth - 1];
    if (!mem || !region || !inner || inner.n < 4 || levels.some((l) => l.n === 0)) return false;
    // short loops stay in JavaScript, where a call costs more than it saves
    if (levels.reduce((m, l) => m * l.n, 1) < simdLoops.minElements) return false;
    // reductions over the innermost levels (accumulators in registers): the other way round stays in JavaScript
    const reduceFrom = reds.length > 0 ? levels.findIndex((l) => l.reduced) : depth - 1;
    if (reds.length > 0 && (!an.accInRegister || reduceFrom < 0)) return false;
    // constants copied into the kernel's memory, shared by both tries
    const constants = new Map<TypedArray, TypedArray | null>();
    const whole = this.buildSimdLoop(an, reduceFrom, constants, false);
    if (whole === "overflow") {
      // more staged data than the staging area holds: block by block over the outermost
      // level, where that level is not reduced (simd_blocks.ts)
      if (reds.length > 0 && reduceFrom === 0) return false;
      const blocked = this.buildSimdLoop(an, reduceFrom, constants, true);
      return blocked !== null && blocked !== "overflow" && this.emitBlockedLoop(blocked);
    }
    if (whole === null) return false;
    const fn = this.linkSimdLoop(whole.loop);
    if (fn === null) return false;
    this.emit(`${this.capture(fn.fn, "simd")}(${whole.callArgs.join(", ")});`);
    for (const line of whole.after) this.emit(line);
    for (const r of reds) if (r.target === null) this.vals.set(r.out, { aval: r.out.aval, local: this.nameOf(r.out) });
    return true;
  }

  /**
   * The function of a SIMD loop, linked to the kernel's memory; null where the host refuses
   * to compile it. A module per loop: a host may refuse to compile large modules
   * synchronously (Chromium's main thread, with a RangeError: over 4 KB in older versions,
   * 8 MB now), and then only that loop stays JavaScript; any other failure is a bug here.
   */
  private linkSimdLoop(loop: SimdLoop): BlockFn | null {
    const bytes = moduleBytes([{ name: "f", params: loop.params.map(simdParamType), body: simdLoopBody(loop) }]);
    try {
      const fn = kernelMemory()!.link(bytes).f as (...args: number[]) => void;
      simdLoops.compiled++;
      return { fn, bytes };
    } catch (e) {
      if (e instanceof RangeError) return null;
      throw new Error(`jaxts internal error: a generated SIMD loop did not compile (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  /** Emits a blocked loop's runner call: a function for full blocks, another for the shorter last one. */
  private emitBlockedLoop(b: SimdLoopBuild): boolean {
    const { loop, blockArrays, blockParams } = b;
    const n0 = loop.levels[0]!.n;
    const block = blockSize(blockArrays, loop.levels, BLOCK_BYTES);
    if (block === 0) return false;
    const withOuter = (n: number): SimdLoop => ({ ...loop, levels: [{ ...loop.levels[0]!, n }, ...loop.levels.slice(1)] });
    const full = this.linkSimdLoop(withOuter(block));
    const rest = n0 % block;
    const last = rest === 0 ? null : this.linkSimdLoop(withOuter(rest));
    if (full === null || (rest !== 0 && last === null)) return false;
    const runner = new BlockedLoop(kernelMemory()!, blockArrays, blockParams, n0, block, full, last, loop.levels, b.samples);
    // helper threads write their blocks of fresh outputs directly: those go on SharedArrayBuffers
    if (runner.threaded && b.outputs.every((v) => v.allocLine !== undefined)) {
      for (const v of b.outputs) {
        const bytes = v.aval.size * typedArrayFor(v.aval.dtype, 0).BYTES_PER_ELEMENT;
        this.lines[v.allocLine!] = `const ${v.data} = new ${ctorName(v.aval)}(new SharedArrayBuffer(${bytes}));`;
      }
    }
    this.emit(`${this.capture(runner, "blocked")}.run([${b.arrayExprs.join(", ")}], [${b.callArgs.join(", ")}]);`);
    return true;
  }

  /**
   * The SIMD loop of a fused loop's analysis, with what calling it takes; null where its
   * dtypes or operations are not taken, "overflow" where its staged arrays do not fit the
   * staging area. `blocked`: every array's address is a parameter and its staging is left
   * to the block runner (the loop's pattern bases are 0).
   */
  private buildSimdLoop(
    an: LoopAnalysis,
    reduceFrom: number,
    constants: Map<TypedArray, TypedArray | null>,
    blocked: boolean,
  ): SimdLoopBuild | "overflow" | null {
    const mem = kernelMemory()!;
    const region = programBuffers()!;
    const { levels, reds } = an;
    const inner = levels[levels.length - 1]!;
    const loop: SimdLoop = {
      params: [],
      levels: levels.map((l) => ({ n: l.n, strides: l.strides })),
      bases: blocked ? an.bases.map(() => 0) : an.bases,
      arrays: [],
      nodes: [],
      stores: [],
      reductions: [],
      reduceFrom,
    };
    const build: SimdLoopBuild = {
      loop,
      callArgs: [],
      after: [],
      blockArrays: [],
      blockParams: [],
      arrayExprs: [],
      samples: [],
      outputs: [],
    };
    const { callArgs, after } = build;
    let staged = 0;
    let overflow = false;
    const inMemory = (a: TypedArray | undefined) => a !== undefined && residentRegion()!.holds(a);
    const stage = (bytes: number): number | null => {
      if (staged + bytes > STAGE_BYTES) {
        overflow = true;
        return null;
      }
      const at = staged;
      staged += aligned(bytes);
      return at;
    };
    const param = (type: "i32" | "f32", expr: string) => {
      loop.params.push(type);
      callArgs.push(expr);
      if (blocked) build.blockParams.push({ scalar: callArgs.length - 1 });
      return loop.params.length - 1;
    };
    /** Blocked: an array whose address is a parameter, set per block by the runner. */
    const blockArray = (expr: string, sample: TypedArray, lane: Lane, pattern: number, role: BlockArray["role"]) => {
      const strides = levels.map((l) => l.strides[pattern]!);
      if (role !== "resident" && strides.some((s) => s < 0)) return null;
      build.blockArrays.push({ lane, strides, base: an.bases[pattern]!, role });
      build.arrayExprs.push(expr);
      build.samples.push(sample);
      loop.params.push("i32");
      build.blockParams.push({ array: build.blockArrays.length - 1 });
      return { param: loop.params.length - 1 };
    };
    // where a stored value goes: its program buffer, or (a fresh output array) the staging
    // area, copied out after the call
    const outputAddress = (v: Var, lane: Lane, pattern: number): number | { param: number } | null => {
      const val = this.vals.get(v);
      if (val === undefined) return null;
      const sample = typedArrayFor(v.aval.dtype, 0);
      if (blocked) {
        if (inMemory(val.shared)) return blockArray(this.capture(val.shared!, "buf"), sample, lane, pattern, "resident");
        if (val.data === undefined) return null;
        build.outputs.push(val);
        return blockArray(val.data, sample, lane, pattern, "out");
      }
      if (inMemory(val.shared)) return val.shared!.byteOffset;
      const at = val.data === undefined ? null : stage(v.aval.size * bytesOf(lane));
      if (at === null) return null;
      const view = mem.staging(sample, at, v.aval.size);
      after.push(`${val.data}.set(${this.capture(view, "staged")});`);
      return view.byteOffset;
    };
    const arrayAt = (address: number | { param: number }, lane: Lane, pattern: number) => {
      loop.arrays.push({ address, lane, pattern });
      return loop.arrays.length - 1;
    };
    const node = (n: SimdNode) => {
      loop.nodes.push(n);
      return loop.nodes.length - 1;
    };
    // a constant's copy in the kernel's memory (null where the program region is full)
    const constantCopy = (c: TypedArray) => {
      if (!constants.has(c)) {
        const copy = region.allocLike(c, c.length);
        if (copy) {
          copy.set(c as never);
          this.buffers.push(copy);
        }
        constants.set(c, copy);
      }
      return constants.get(c)!;
    };
    // an array's address: where it lies in the kernel's memory (a program buffer), a copy
    // made now (a constant), or per call (an argument: staged unless it lies there already)
    const arrayReads = new Map<string, number>();
    const readArray = (r: Extract<Read, { kind: "array" }>): number | null => {
      const lane = laneOf(r.atom.aval.dtype);
      if (lane === null || (inner.strides[r.pattern] !== 0 && inner.strides[r.pattern] !== 1)) return null;
      const key = `${r.data}@${r.pattern}`;
      const known = arrayReads.get(key);
      if (known !== undefined) return known;
      const v = this.val(r.atom);
      const copy = v.constant === undefined || inMemory(v.shared) ? null : constantCopy(v.constant);
      const sample = typedArrayFor(r.atom.aval.dtype, 0);
      let address: number | { param: number } | null;
      if (blocked) {
        const resident = inMemory(v.shared) ? v.shared! : copy;
        address = resident
          ? blockArray(this.capture(resident, "buf"), sample, lane, r.pattern, "resident")
          : blockArray(r.data, sample, lane, r.pattern, "in");
      } else if (inMemory(v.shared)) address = v.shared!.byteOffset;
      else if (copy) address = copy.byteOffset;
      else if (v.constant !== undefined) return null;
      else {
        const at = stage(r.atom.aval.size * bytesOf(lane));
        address = at === null ? null : { param: param("i32", `${this.capture(mem, "kmem")}.address(${r.data}, ${at})`) };
      }
      if (address === null) return null;
      const k = node({ op: "load", array: arrayAt(address, lane, r.pattern) });
      arrayReads.set(key, k);
      return k;
    };
    const values = new Map<Var, number>();
    const readOf = (r: Read): number | null => {
      if (r.kind === "array") return readArray(r);
      if (r.member) return values.get(r.atom as Var) ?? null;
      const lane = laneOf(r.atom.aval.dtype);
      if (lane === null) return null;
      const known = this.val(r.atom).known;
      if (known !== undefined) return node({ op: "const", lane, value: known });
      return node({ op: "scalar", lane, param: param(lane === "f32" ? "f32" : "i32", r.expr) });
    };
    const failed = () => (overflow ? "overflow" : null);
    for (const e of an.eqns) {
      const out = e.outBinders[0]!;
      if (an.aliases.has(out)) continue;
      const ins: number[] = [];
      for (const r of an.memberInputs.get(e)!) {
        const k = readOf(r);
        if (k === null) return failed();
        ins.push(k);
      }
      const cls = cpuClass(e);
      if (cls === "reduce") {
        const r = reds.find((x) => x.eqn === e)!;
        const kind = ({ reduce_sum: "sum", reduce_max: "max", reduce_min: "min" } as const)[e.prim.name as "reduce_sum"];
        if (kind === undefined || out.aval.dtype !== "float32" || e.inputs[0]!.aval.dtype !== "float32") return null;
        let address: number | { param: number } | null;
        if (r.target === null) {
          // a single number: the function stores it in a slot of its own, read back after the call
          const slot = region.alloc(1);
          if (!slot) return null;
          this.buffers.push(slot);
          address = slot.byteOffset;
          after.push(`const ${this.nameOf(out)} = ${this.capture(slot, "slot")}[0];`);
        } else address = outputAddress(out, "f32", an.kept);
        if (address === null) return failed();
        loop.reductions.push({ kind, node: ins[0]!, array: arrayAt(address, "f32", an.kept) });
        continue;
      }
      const k = cls === "view" ? ins[0]! : simdNode(e, ins, node);
      if (k === null) return null;
      values.set(out, k);
      const store = an.stores.get(out);
      if (store !== undefined) {
        const lane = laneOf(out.aval.dtype);
        const address = lane === null ? null : outputAddress(out, lane, an.full);
        if (address === null) return failed();
        loop.stores.push({ array: arrayAt(address, lane!, an.full), node: k });
      }
    }
    return build;
  }
}

/** A SIMD loop and what calling it takes (buildSimdLoop). */
interface SimdLoopBuild {
  loop: SimdLoop;
  /** The call's arguments (unblocked), or its numbers (blocked), as expressions. */
  callArgs: string[];
  /** Lines after the call: outputs copied out of the staging area, reductions' slots read. */
  after: string[];
  /** Blocked: the arrays, their expressions (in the same order) and a typed array of each one's kind. */
  blockArrays: BlockArray[];
  blockParams: BlockParam[];
  arrayExprs: string[];
  samples: TypedArray[];
  /** Blocked: the values stored to fresh or reused arrays outside the kernel's memory. */
  outputs: Val[];
}

/**
 * SIMD loops: those of fewer elements than `minElements` stay JavaScript (a call into
 * WebAssembly costs about as much as it saves); `compiled` counts the loops compiled so far.
 * Tests lower the bar, to run small programs through SIMD loops.
 */
export const simdLoops = { minElements: 32, compiled: 0 };

/** The SIMD lane kind of a dtype, or null where SIMD loops do not take it. */
function laneOf(dtype: DType): Lane | null {
  return dtype === "float32" ? "f32" : dtype === "int32" ? "i32" : dtype === "bool" ? "bool" : null;
}

const SIMD_COMPARE = new Set(["eq", "ne", "lt", "le", "gt", "ge"]);
/** Dtypes whose pooled buffers go in the kernel's memory (where SIMD loops can reach them). */
const SIMD_DTYPES = new Set<DType>(["float32", "int32", "bool"]);

/** An elementwise equation as SIMD nodes over its inputs' nodes (its result's index), or null where unsupported. */
function simdNode(e: JaxprEqn, ins: number[], node: (n: SimdNode) => number): number | null {
  const name = e.prim.name;
  const inLane = laneOf(e.inputs[0]!.aval.dtype);
  const outLane = laneOf(e.outBinders[0]!.aval.dtype);
  if (inLane === null || outLane === null) return null;
  const [a, b] = ins as [number, number];
  if (SIMD_COMPARE.has(name)) {
    if (inLane === "bool" && name !== "eq" && name !== "ne") return null;
    return node({ op: "compare", fn: name as CompareFn, a, b });
  }
  switch (name) {
    case "add":
    case "sub":
    case "mul":
    case "max":
    case "min":
    case "and":
    case "or":
    case "xor": {
      const logical = name === "and" || name === "or" || name === "xor";
      if (inLane !== outLane || (inLane === "f32" && logical)) return null;
      if (inLane === "bool" && (name === "sub" || name === "max" || name === "min")) return null;
      return node({ op: "binary", fn: name, lane: inLane, a, b });
    }
    case "div":
      return inLane === "f32" ? node({ op: "binary", fn: "div", lane: "f32", a, b }) : null;
    case "neg":
    case "abs":
    case "sqrt":
    case "rsqrt":
    case "exp":
    case "logistic":
    case "tanh":
    case "log":
    case "floor":
    case "ceil":
      return inLane === "f32" && outLane === "f32" ? node({ op: "unary", fn: name, x: a }) : null;
    case "integer_pow":
      return inLane === "f32" && (e.params as { y: number }).y === 2 ? node({ op: "unary", fn: "square", x: a }) : null;
    case "not":
      return inLane === "bool" ? node({ op: "not", x: a }) : null;
    case "select_n": {
      if (ins.length !== 3 || inLane === "f32") return null;
      const pred = inLane === "bool" ? a : node({ op: "convert", from: "i32", to: "bool", x: a });
      return node({ op: "select", pred, onFalse: b, onTrue: ins[2]! });
    }
    case "convert_element_type":
      if (inLane === outLane || inLane === "bool" || outLane === "bool" || (inLane === "i32" && outLane === "f32"))
        return node({ op: "convert", from: inLane, to: outLane, x: a });
      return null;
    default:
      return null;
  }
}

/** How a fused loop reads an operand: a number (a member's local, or one from outside), or an array at an access pattern. */
type Read =
  | { kind: "local"; expr: string; member: boolean; atom: Atom }
  | { kind: "array"; data: string; pattern: number; name: string; atom: Atom };

/** A reduction in a fused loop: its accumulator, and where its result goes (null: a local). */
interface Red {
  eqn: JaxprEqn;
  acc: string;
  init: string;
  out: Var;
  target: string | null;
}

/** What emitSimdLoop needs of a fused loop's analysis (emitLoop). */
interface LoopAnalysis {
  eqns: JaxprEqn[];
  levels: { n: number; reduced: boolean; strides: number[] }[];
  bases: number[];
  memberInputs: Map<JaxprEqn, Read[]>;
  aliases: Map<Var, Read>;
  stores: Map<Var, string>;
  reds: Red[];
  accInRegister: boolean;
  kept: number;
  /** The row-major access pattern (stores use it). */
  full: number;
}

/**
 * Where a view equation reads its operand, as (base offset, stride per output axis) into
 * the row-major operand: out[idx] = x[base + Σ idx[d] * strides[d]].
 */
function viewPattern(e: JaxprEqn, rank: number): [number, number[]] {
  const xShape = e.inputs[0]!.aval.shape;
  const xs = stridesOf(xShape);
  const p = e.params as Record<string, readonly number[]>;
  switch (e.prim.name) {
    case "broadcast_in_dim": {
      const strides = new Array<number>(rank).fill(0);
      p.broadcastDimensions!.forEach((d, i) => {
        if (xShape[i] !== 1) strides[d] = xs[i]!;
      });
      return [0, strides];
    }
    case "transpose":
      return [0, p.permutation!.map((d) => xs[d]!)];
    case "slice":
      return [p.startIndices!.reduce((o, s, d) => o + s * xs[d]!, 0), xs.map((s, d) => s * p.strides![d]!)];
    case "rev": {
      const dims = p.dimensions!;
      return [dims.reduce((o, d) => o + (xShape[d]! - 1) * xs[d]!, 0), xs.map((s, d) => (dims.includes(d) ? -s : s))];
    }
    default:
      throw new Error(`jaxts internal error: ${e.prim.name} is not a view`);
  }
}

/** `base + i * stride`, simplified. */
function offsetExpr(base: string, i: string, stride: number): string {
  const term = stride === 0 ? "" : stride === 1 ? i : `${i} * ${stride}`;
  if (term === "") return base;
  return base === "0" ? term : `${base} + ${term}`;
}

function ctorName(aval: ShapedArray): string {
  return typedArrayFor(aval.dtype, 0).constructor.name;
}

function freeDims(ndim: number, contracting: readonly number[], batch: readonly number[]): number[] {
  return [...Array(ndim).keys()].filter((d) => !contracting.includes(d) && !batch.includes(d));
}

/** Opaque equations whose generated code writes its result into storage planned for it. */
function writesOwnBuffer(e: JaxprEqn): boolean {
  if (isDot(e)) return true;
  const out = e.outBinders[0]?.aval;
  // one element stays a number
  if (out === undefined || out.size === 1) return false;
  return isLastAxisArgReduce(e) || isClampedGather(e) || (e.prim.name === "dynamic_slice" && !isHalf(out.dtype));
}

/** gather in clip (or promise_in_bounds) mode of numbers stored as numbers: generated inline. */
function isClampedGather(e: JaxprEqn): boolean {
  if (e.prim.name !== "gather" || (e.params as GatherParams).mode === "fill") return false;
  const [operand, indices] = e.inputs as [Atom, Atom];
  return !isHalf(operand.aval.dtype) && indices.aval.size > 0;
}

/** argmax/argmin over the last axis of a non-empty array of numbers stored as numbers (not 16-bit float bits). */
function isLastAxisArgReduce(e: JaxprEqn): boolean {
  if (e.prim.name !== "argmax" && e.prim.name !== "argmin") return false;
  const x = e.inputs[0]!.aval;
  const axis = (e.params as { axis: number }).axis;
  return !isHalf(x.dtype) && x.ndim > 0 && axis === x.ndim - 1 && x.shape[axis]! > 0;
}

/** Opaque primitives lowered to generated code (the rest call their eager impl, which could call back into jit). */
const GENERATED = new Set(["reshape", "dynamic_slice", "dynamic_update_slice", "argmax", "argmin"]);

function isDot(e: JaxprEqn): boolean {
  return (
    e.prim.name === "dot_general" && [...e.inputs.map((a) => a.aval), ...e.outBinders.map((v) => v.aval)].every((a) => !isHalf(a.dtype))
  );
}
