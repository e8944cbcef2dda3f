// Staging: tracing a function to a jaxpr (the interpreter behind jit and makeJaxpr).
import { ArrayImpl, type JaxArray } from "../core/array.js";
import type { ShapedArray } from "../core/aval.js";
import { type Atom, ClosedJaxpr, Jaxpr, type JaxprEqn, Literal, Var } from "../core/jaxpr.js";
import type { Primitive } from "../core/primitive.js";
import { fullRaise, type MainTrace, Trace, Tracer, withDynamicMain } from "../core/trace.js";
import { type TreeDef, unflatten } from "../core/tree.js";
import { flattenArrays } from "./args.js";

export class JaxprTracer extends Tracer {
  constructor(
    readonly trace: JaxprTrace,
    readonly aval: ShapedArray,
  ) {
    super();
  }
}

interface PendingEqn {
  prim: Primitive;
  inputs: JaxprTracer[];
  params: unknown;
  outs: JaxprTracer[];
}

class Builder {
  eqns: PendingEqn[] = [];
  constTracers = new Map<JaxArray, JaxprTracer>();
  constVals = new Map<JaxprTracer, JaxArray>();
}

export class JaxprTrace extends Trace {
  private get builder(): Builder {
    return this.main.globalData as Builder;
  }
  newArg(aval: ShapedArray): JaxprTracer {
    return new JaxprTracer(this, aval);
  }
  pure(x: JaxArray): JaxArray {
    const b = this.builder;
    let t = b.constTracers.get(x);
    if (!t) {
      t = new JaxprTracer(this, x.aval);
      b.constTracers.set(x, t);
      b.constVals.set(t, x);
    }
    return t;
  }
  processPrimitive(prim: Primitive, tracers: JaxArray[], params: unknown): JaxArray[] {
    const ins = tracers as JaxprTracer[];
    const outAvals = prim.abstractEval(
      ins.map((t) => t.aval),
      params,
    );
    const outs = outAvals.map((a) => new JaxprTracer(this, a));
    this.builder.eqns.push({ prim, inputs: ins, params, outs });
    return outs;
  }
}

function build(builder: Builder, ins: JaxprTracer[], outs: JaxprTracer[]): ClosedJaxpr {
  const vars = new Map<JaxprTracer, Var>();
  const varOf = (t: JaxprTracer): Var => {
    let v = vars.get(t);
    if (!v) {
      v = new Var(t.aval);
      vars.set(t, v);
    }
    return v;
  };
  const inVars = ins.map(varOf);
  // Scalar constants become literals; everything else is a const input of the jaxpr.
  const literal = new Map<JaxprTracer, Literal>();
  const constTracers: JaxprTracer[] = [];
  const constVals: JaxArray[] = [];
  for (const [t, val] of builder.constVals) {
    if (val instanceof ArrayImpl && val.ndim === 0) literal.set(t, new Literal(val));
    else {
      constTracers.push(t);
      constVals.push(val);
    }
  }
  const constVars = constTracers.map(varOf);
  const atom = (t: JaxprTracer): Atom => literal.get(t) ?? varOf(t);
  const eqns: JaxprEqn[] = builder.eqns.map((e) => ({
    prim: e.prim,
    inputs: e.inputs.map(atom),
    params: e.params,
    outBinders: e.outs.map(varOf),
  }));
  const jaxpr = new Jaxpr([...constVars, ...inVars], eqns, outs.map(atom));
  return new ClosedJaxpr(jaxpr, constVals);
}

/** Traces a function of pytree arguments on the avals of `args`' leaves. */
export function tracePytreeFn(
  op: string,
  f: (...args: any[]) => unknown,
  args: unknown[],
): { closed: ClosedJaxpr; leaves: JaxArray[]; inDef: TreeDef; outDef: TreeDef } {
  const [leaves, inDef] = flattenArrays(op, args, false, "every argument leaf");
  let outDef: TreeDef | undefined;
  const closed = traceToJaxpr(
    (xs) => {
      const [outs, d] = flattenArrays(op, f(...(unflatten(inDef, xs) as unknown[])), false, "every output leaf");
      outDef = d;
      return outs;
    },
    leaves.map((l) => l.aval),
  );
  return { closed, leaves, inDef, outDef: outDef! };
}

/**
 * Traces `fn` on abstract inputs to a closed jaxpr. `fn` takes and returns flat lists of
 * arrays; every operation inside is staged, even on constants (a dynamic trace).
 */
export function traceToJaxpr(fn: (args: JaxArray[]) => JaxArray[], inAvals: readonly ShapedArray[]): ClosedJaxpr {
  return withDynamicMain(
    (m: MainTrace) => new JaxprTrace(m),
    new Builder(),
    (main) => {
      const trace = new JaxprTrace(main);
      const ins = inAvals.map((a) => trace.newArg(a));
      // Outputs that are constants (not computed from the inputs) become const inputs.
      const outs = fn(ins).map((o) => fullRaise(trace, o) as JaxprTracer);
      return build(main.globalData as Builder, ins, outs);
    },
  );
}
