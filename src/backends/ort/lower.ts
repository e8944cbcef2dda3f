// jaxpr -> ONNX: lowers equations, one by one, to one ONNX model, each through its
// primitive's `onnx` rule (declared with the primitive). The closed-over constants become
// initializers, loops stay loops (Loop/If subgraphs). 16-bit floats are computed in float32
// inside the graph, rounded back after every equation (what XLA's CPU backend does, and
// what the cpu engine does). An equation without an exact lowering ("host" primitives, or
// a rule that rejects its dtypes or shapes) raises OrtUnsupported naming it: the ort engine
// then runs that equation on the host between sessions (partition.ts).

import { subJaxprs } from "../../compiler/effects.js";
import { ArrayImpl, type JaxArray } from "../../core/array.js";
import { ShapedArray } from "../../core/aval.js";
import { type DType, isHalf } from "../../core/dtype.js";
import type { Atom, ClosedJaxpr, Jaxpr, JaxprEqn, Var } from "../../core/jaxpr.js";
import { Literal } from "../../core/jaxpr.js";
import { fmtShape, shapeEq } from "../../core/shape.js";
import { graphOutputs, int, type ODType, ONNX_CODE, OrtUnsupported, Scope, type Val, valueInfo, withKnown } from "./graph.js";
import { encodeModel } from "./onnx_proto.js";
import type { LowerCtx } from "./rule.js";

function checkAval(a: ShapedArray, what: string): void {
  if (a.size === 0) throw new OrtUnsupported(`${what} has shape ${fmtShape(a.shape)}, with no elements`);
}

/** A constant array as an initializer (once per model, however many sub-jaxprs close over it). */
function arrayConst(g: Scope, x: JaxArray): Val {
  if (!(x instanceof ArrayImpl)) throw new OrtUnsupported("a closed-over constant is not a concrete array");
  checkAval(x.aval, "a constant");
  let v = g.model.arrays.get(x);
  if (!v) {
    v = g.initializer(x.data, x.dtype, x.shape);
    if (x.size === 1 && typeof x.data[0] === "number") withKnown(v, { scalar: x.data[0] });
    g.model.arrays.set(x, v);
  }
  return v;
}

const ctx: LowerCtx = {
  lowerClosed(g, closed, ins) {
    return lowerJaxpr(g, closed.jaxpr, [...closed.consts.map((c) => arrayConst(g, c)), ...ins]);
  },
  widened: false,
};
const widenedCtx: LowerCtx = { ...ctx, widened: true };

const float32 = (a: ShapedArray): ShapedArray => (isHalf(a.dtype) ? new ShapedArray(a.shape, "float32", a.weakType) : a);

/** Emits the nodes of one equation on its input values; throws OrtUnsupported when it has no exact lowering. */
export function lowerEqn(g: Scope, eqn: JaxprEqn, ins: Val[]): Val[] {
  const name = eqn.prim.name;
  const rule = eqn.prim.onnx;
  if (rule === "host") throw new OrtUnsupported(`primitive ${name} runs on the host`);
  const outs = eqn.outBinders.map((v) => v.aval);
  for (const a of [...eqn.inputs.map((x) => x.aval), ...outs]) checkAval(a, `an operand of ${name}`);
  let vals: Val[];
  // A 16-bit float equation computes in float32 (exact for the basic operations: float32
  // holds the exact result to round once more); equations holding sub-jaxprs pass 16-bit
  // values through, their inner equations do the same.
  const half = outs.some((a) => isHalf(a.dtype)) || ins.some((v) => isHalf(v.dtype as DType));
  if (half && subJaxprs(eqn.params).length === 0) {
    const wide = ins.map((v) => (isHalf(v.dtype as DType) ? g.cast(v, "float32") : v));
    vals = rule(g, wide, eqn.params, outs.map(float32), widenedCtx).map((v, i) => g.cast(v, outs[i]!.dtype));
  } else {
    vals = rule(g, ins, eqn.params, outs, ctx);
  }
  vals.forEach((v, i) => {
    const a = outs[i]!;
    if (v.dtype !== a.dtype || !shapeEq(v.shape, a.shape)) {
      throw new Error(
        `jaxts internal error: the ONNX lowering of ${name} gives ${v.dtype}${fmtShape(v.shape)} for ${a.dtype}${fmtShape(a.shape)}`,
      );
    }
  });
  return vals;
}

function lowerJaxpr(g: Scope, jaxpr: Jaxpr, ins: readonly Val[]): Val[] {
  const env = new Map<Var, Val>();
  jaxpr.inBinders.forEach((v, i) => {
    env.set(v, ins[i]!);
  });
  const read = (a: Atom): Val => {
    if (a instanceof Literal) return arrayConst(g, a.val);
    const v = env.get(a);
    if (!v) throw new Error("jaxts internal error: jaxpr variable read before it is written");
    return v;
  };
  for (const eqn of jaxpr.eqns) {
    const vals = lowerEqn(g, eqn, eqn.inputs.map(read));
    vals.forEach((v, i) => {
      env.set(eqn.outBinders[i]!, v);
    });
  }
  return jaxpr.outs.map(read);
}

/** Why an equation does not lower (tried on placeholder inputs in a scratch graph), or null when it does. */
export function whyNotLowered(eqn: JaxprEqn): string | null {
  const g = new Scope();
  const ins = eqn.inputs.map((a, i): Val => ({ name: `p${i}`, dtype: a.aval.dtype, shape: a.aval.shape, pshape: a.aval.shape }));
  try {
    lowerEqn(g, eqn, ins);
    return null;
  } catch (e) {
    if (e instanceof OrtUnsupported) return e.message;
    throw e;
  }
}

/** A jaxpr as an ONNX model: its bytes and the names and avals of its inputs and outputs. */
export interface OnnxProgram {
  readonly bytes: Uint8Array;
  /** How many nodes the graph has (its top level). */
  readonly nodeCount: number;
  /** bfloat16 inputs and outputs travel as uint16 bit patterns (onnxruntime's JavaScript tensors have no bfloat16). */
  readonly inputs: readonly { name: string; aval: ShapedArray }[];
  readonly outputs: readonly { name: string; aval: ShapedArray }[];
}

export interface LowerOptions {
  /** Graph input names, one per non-constant argument (default x0, x1, ...). */
  inputNames?: readonly string[];
  /** Graph output names (default: internal names). */
  outputNames?: readonly string[];
  docString?: string;
}

/** The type a graph input or output of `dtype` is declared with: bfloat16 travels as its uint16 bits. */
const ioType = (dtype: ODType): ODType => (dtype === "bfloat16" ? "uint16" : dtype);

function bitcast(g: Scope, v: Val, to: ODType): Val {
  g.requireOpset(26); // BitCast is new in opset 26
  return g.ew("BitCast", [v], to, { to: int(ONNX_CODE[to]) });
}

/**
 * One ONNX model computing `outs` from the graph inputs `inputs` by `eqns` (in order);
 * `consts` are the closed-over arrays the equations may read, as initializers. Throws
 * OrtUnsupported when some equation has no exact lowering.
 */
export function lowerEqns(
  eqns: readonly JaxprEqn[],
  inputs: readonly Var[],
  outs: readonly Atom[],
  consts: ReadonlyMap<Var, JaxArray>,
  opts: LowerOptions = {},
): OnnxProgram {
  const g = new Scope();
  const env = new Map<Var, Val>();
  const graphIns: Val[] = inputs.map((v, i) => {
    checkAval(v.aval, `argument ${i}`);
    const name = opts.inputNames?.[i] ?? `x${i}`;
    const dt = v.aval.dtype;
    const val: Val = { name, dtype: ioType(dt), shape: v.aval.shape, pshape: v.aval.shape };
    env.set(v, val.dtype === dt ? val : bitcast(g, val, dt));
    return val;
  });
  const read = (a: Atom): Val => {
    if (a instanceof Literal) return arrayConst(g, a.val);
    const v = env.get(a);
    if (v) return v;
    const c = consts.get(a);
    if (!c) throw new Error("jaxts internal error: jaxpr variable read before it is written");
    return arrayConst(g, c);
  };
  for (const eqn of eqns) {
    lowerEqn(g, eqn, eqn.inputs.map(read)).forEach((v, i) => {
      env.set(eqn.outBinders[i]!, v);
    });
  }
  let graphOuts = graphOutputs(
    g,
    outs.map((a) => {
      const v = read(a);
      return v.dtype === ioType(v.dtype) ? v : bitcast(g, g.full(v), ioType(v.dtype));
    }),
  );
  const names = opts.outputNames;
  if (names) graphOuts = graphOuts.map((v, i) => ({ ...v, name: g.emit("Identity", [v.name], [names[i]!])[0]! }));
  const opset = g.model.opset;
  const bytes = encodeModel({
    irVersion: opset >= 26 ? 13 : 8,
    opsetVersion: opset,
    producerName: "jaxts",
    producerVersion: "",
    docString: opts.docString ?? "",
    graph: {
      name: "jaxts",
      nodes: g.nodes,
      initializers: g.model.initializers,
      inputs: graphIns.map(valueInfo),
      outputs: graphOuts.map(valueInfo),
    },
  });
  return {
    bytes,
    nodeCount: g.nodes.length,
    inputs: graphIns.map((v, i) => ({ name: v.name, aval: inputs[i]!.aval })),
    outputs: graphOuts.map((v, i) => ({ name: v.name, aval: outs[i]!.aval })),
  };
}

/** The closed-over constants of a closed jaxpr, by their binders. */
export function constsOf(closed: ClosedJaxpr): Map<Var, JaxArray> {
  return new Map(closed.consts.map((c, i) => [closed.jaxpr.inBinders[i]!, c]));
}

/** Lowers a closed jaxpr to one ONNX model; throws OrtUnsupported when some equation has no exact lowering. */
export function lowerToOnnx(closed: ClosedJaxpr, opts: LowerOptions = {}): OnnxProgram {
  const { jaxpr } = closed;
  return lowerEqns(jaxpr.eqns, jaxpr.inBinders.slice(closed.consts.length), jaxpr.outs, constsOf(closed), opts);
}
