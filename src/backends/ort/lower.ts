// jaxpr -> ONNX: lowers a closed jaxpr, equation by equation, to one ONNX model. The
// closed-over constants become initializers, loops stay loops (Loop/If subgraphs). A
// primitive without an exact lowering raises OrtUnsupported naming it, so the caller can
// run the jaxpr on the cpu engine instead.
import { ArrayImpl, type JaxArray } from "../../core/array.js";
import type { ShapedArray } from "../../core/aval.js";
import { type Atom, type ClosedJaxpr, type Jaxpr, Literal, type Var } from "../../core/jaxpr.js";
import { fmtShape, shapeEq } from "../../core/shape.js";
import { graphOutputs, OrtUnsupported, Scope, type Val, valueInfo } from "./graph.js";
import { encodeModel } from "./onnx_proto.js";
import type { LowerCtx, LowerRule } from "./rule.js";
import { controlRules } from "./rules_control.js";
import { elementwiseRules } from "./rules_elementwise.js";
import { structuralRules } from "./rules_structural.js";

/** The ONNX lowering of each primitive, by name. */
export const LOWERINGS: Readonly<Record<string, LowerRule>> = { ...elementwiseRules, ...structuralRules, ...controlRules };

function checkAval(a: ShapedArray, what: string): void {
  if (a.dtype === "float16" || a.dtype === "bfloat16") {
    throw new OrtUnsupported(`${what} is ${a.dtype} (onnxruntime's CPU kernels lack most 16-bit float operators)`);
  }
  if (a.size === 0) throw new OrtUnsupported(`${what} has shape ${fmtShape(a.shape)}, with no elements`);
}

/** A constant array as an initializer (once per model, however many sub-jaxprs close over it). */
function arrayConst(g: Scope, x: JaxArray): Val {
  if (!(x instanceof ArrayImpl)) throw new OrtUnsupported("a closed-over constant is not a concrete array");
  checkAval(x.aval, "a constant");
  let v = g.model.arrays.get(x);
  if (!v) {
    v = g.initializer(x.data, x.dtype, x.shape);
    g.model.arrays.set(x, v);
  }
  return v;
}

const ctx: LowerCtx = {
  lowerClosed(g, closed, ins) {
    return lowerJaxpr(g, closed.jaxpr, [...closed.consts.map((c) => arrayConst(g, c)), ...ins]);
  },
};

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
    const name = eqn.prim.name;
    const rule = LOWERINGS[name];
    if (!rule) throw new OrtUnsupported(`primitive ${name} has no ONNX lowering`);
    const outs = eqn.outBinders.map((v) => v.aval);
    for (const a of [...eqn.inputs.map((x) => x.aval), ...outs]) checkAval(a, `an operand of ${name}`);
    const vals = rule(g, eqn.inputs.map(read), eqn.params, outs, ctx);
    vals.forEach((v, i) => {
      const a = outs[i]!;
      if (v.dtype !== a.dtype || !shapeEq(v.shape, a.shape)) {
        throw new Error(
          `jaxts internal error: the ONNX lowering of ${name} gives ${v.dtype}${fmtShape(v.shape)} for ${a.dtype}${fmtShape(a.shape)}`,
        );
      }
      env.set(eqn.outBinders[i]!, v);
    });
  }
  return jaxpr.outs.map(read);
}

/** A jaxpr as an ONNX model: its bytes and the names and avals of its inputs and outputs. */
export interface OnnxProgram {
  readonly bytes: Uint8Array;
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

/** Lowers a closed jaxpr to an ONNX model; throws OrtUnsupported when some part has no exact lowering. */
export function lowerToOnnx(closed: ClosedJaxpr, opts: LowerOptions = {}): OnnxProgram {
  const g = new Scope();
  const args = closed.jaxpr.inBinders.slice(closed.consts.length);
  const inputs: Val[] = args.map((v, i) => {
    checkAval(v.aval, `argument ${i}`);
    return { name: opts.inputNames?.[i] ?? `x${i}`, dtype: v.aval.dtype, shape: v.aval.shape, pshape: v.aval.shape };
  });
  let outs = graphOutputs(g, ctx.lowerClosed(g, closed, inputs));
  const names = opts.outputNames;
  if (names) outs = outs.map((v, i) => ({ ...v, name: g.emit("Identity", [v.name], [names[i]!])[0]! }));
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
      inputs: inputs.map(valueInfo),
      outputs: outs.map(valueInfo),
    },
  });
  return {
    bytes,
    inputs: inputs.map((v, i) => ({ name: v.name, aval: args[i]!.aval })),
    outputs: outs.map((v, i) => ({ name: v.name, aval: closed.jaxpr.outs[i]!.aval })),
  };
}
