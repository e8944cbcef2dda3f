// A primitive is one declaration that holds every rule it needs: how to compute it
// (impl), what it produces (abstractEval), how it differentiates (jvp, transpose), how
// it vectorizes (batch). Leaving a rule out is a type error; a non-linear primitive says
// so with `transpose: null`, and one that jit's ONNX engine cannot express as graph
// nodes says so with `onnx: "host"`.
import type { LowerRule } from "../backends/ort/rule.js";
import type { ArrayImpl, JaxArray } from "./array.js";
import type { ShapedArray } from "./aval.js";
import type { DType } from "./dtype.js";

/** A symbolic zero tangent or cotangent: no array is ever built for it. */
export class Zero {
  constructor(readonly aval: ShapedArray) {}
}
export type Tangent = JaxArray | Zero;

/** A linear input of a transposed equation: its value is what transposition computes. */
export class UndefPrimal {
  constructor(readonly aval: ShapedArray) {}
}

export type BatchDim = number | null;

export interface PrimitiveRules<P> {
  readonly name: string;
  /** Output avals from input avals; throws a clear error on bad shapes or dtypes. */
  abstractEval(avals: ShapedArray[], params: P): ShapedArray[];
  /** Eager evaluation on concrete arrays (the CPU backend). */
  impl(args: ArrayImpl[], params: P): ArrayImpl[];
  /** Forward mode: tangents may be Zero, but never all of them (the JVP trace skips that case). */
  jvp(primals: JaxArray[], tangents: Tangent[], params: P): [JaxArray[], Tangent[]];
  /** Reverse mode for linear primitives: a cotangent for each UndefPrimal input (null elsewhere). */
  transpose: ((cts: Tangent[], args: (JaxArray | UndefPrimal)[], params: P) => (Tangent | null)[]) | null;
  /** vmap: inputs with their batch dims (not all null) to outputs with theirs. */
  batch(axisSize: number, args: JaxArray[], dims: BatchDim[], params: P): [JaxArray[], BatchDim[]];
  /**
   * How jit's ONNX engine computes it: a LowerRule emitting the graph nodes (helpers in
   * src/backends/ort/), or "host": the equation runs eagerly (`impl`) on the host between
   * ONNX Runtime sessions, as XLA calls LAPACK through custom calls (decompositions,
   * samplers with data-dependent loops, callbacks). A rule may still throw OrtUnsupported
   * for some dtypes or shapes; that equation then runs on the host too.
   */
  onnx: LowerRule<P> | "host";
  /**
   * For elementwise primitives: the scalar function computing one element for a dtype.
   * The eager kernel loops over it, and the jit code generator fuses chains of them.
   */
  scalar?: (dtype: DType, params: P) => (...xs: number[]) => number;
  /**
   * Partial evaluation of primitives that hold sub-jaxprs (control flow, checkpoint):
   * compute the known part now and stage the unknown part. Without it the whole
   * equation is staged as soon as one input is unknown. `trace` is the PartialEvalTrace.
   */
  partialEval?: (trace: any, tracers: any[], params: P) => JaxArray[];
  /**
   * The primitive written with other primitives, for one that exists to be a single ONNX
   * node or eager kernel (softmax): the JavaScript code generator expands it, so that its
   * parts fuse into loops with their neighbours.
   */
  composite?: (args: JaxArray[], params: P) => JaxArray[];
  /** Effectful primitives (debug printing) are never removed by dead-code elimination. */
  effectful?: boolean;
  /** How params print in a jaxpr, e.g. `axes=(0,)`; defaults to a JSON-ish form. */
  printParams?(params: P): string;
}

export type Primitive<P = any> = PrimitiveRules<P>;

const registry = new Map<string, Primitive>();

export function definePrimitive<P>(rules: PrimitiveRules<P>): Primitive<P> {
  if (registry.has(rules.name)) throw new Error(`primitive ${rules.name} is declared twice`);
  registry.set(rules.name, rules as Primitive);
  return rules;
}

export function allPrimitives(): Primitive[] {
  return [...registry.values()];
}
