// Partial evaluation: run a function with some inputs known and others unknown; compute
// what is known now, and stage the rest into a jaxpr. Linearize = JVP + partial evaluation
// with the primals known and the tangents unknown (JAX's autodidax design).
import { ArrayImpl, type JaxArray } from "../core/array.js";
import type { ShapedArray } from "../core/aval.js";
import { type Atom, Jaxpr, type JaxprEqn, Var } from "../core/jaxpr.js";
import type { Primitive } from "../core/primitive.js";
import { bind, fullRaise, type MainTrace, Trace, Tracer, withMain } from "../core/trace.js";

export type PartialVal = { known: true; val: JaxArray } | { known: false; aval: ShapedArray };

type Recipe = { kind: "lambda" } | { kind: "const"; val: JaxArray } | { kind: "eqn"; eqn: EqnRecipe };

interface EqnRecipe {
  prim: Primitive;
  inputs: PartialEvalTracer[];
  params: unknown;
  outs: PartialEvalTracer[];
}

export class PartialEvalTracer extends Tracer {
  constructor(
    readonly trace: PartialEvalTrace,
    readonly pval: PartialVal,
    readonly recipe: Recipe | null,
  ) {
    super();
  }
  get aval(): ShapedArray {
    return this.pval.known ? this.pval.val.aval : this.pval.aval;
  }
  override fullLower(): JaxArray {
    return this.pval.known ? this.pval.val : this;
  }
  override concreteValue(): ArrayImpl | null {
    if (!this.pval.known) return null;
    const v = this.pval.val;
    return v instanceof ArrayImpl ? v : v instanceof Tracer ? v.concreteValue() : null;
  }
}

export class PartialEvalTrace extends Trace {
  newArg(pval: PartialVal): PartialEvalTracer {
    return new PartialEvalTracer(this, pval, { kind: "lambda" });
  }
  pure(x: JaxArray): JaxArray {
    return new PartialEvalTracer(this, { known: true, val: x }, null);
  }
  instantiateConst(t: PartialEvalTracer): PartialEvalTracer {
    if (!t.pval.known) return t;
    return new PartialEvalTracer(this, { known: false, aval: t.pval.val.aval }, { kind: "const", val: t.pval.val });
  }
  processPrimitive(prim: Primitive, tracers: JaxArray[], params: unknown): JaxArray[] {
    const ts = tracers as PartialEvalTracer[];
    if (ts.every((t) => t.pval.known)) {
      return bind(
        prim,
        ts.map((t) => (t.pval as { val: JaxArray }).val),
        params,
      ).map((v) => this.pure(v));
    }
    if (prim.partialEval) return prim.partialEval(this, ts, params);
    return this.stage(prim, ts, params);
  }
  /** The known value behind a tracer, or null when it is unknown. */
  knownValue(t: PartialEvalTracer): JaxArray | null {
    return t.pval.known ? t.pval.val : null;
  }
  /** Records an equation of the unknown part (known inputs become residual constants). */
  stage(prim: Primitive, tracers: PartialEvalTracer[], params: unknown): PartialEvalTracer[] {
    const ins = tracers.map((t) => this.instantiateConst(t));
    const outAvals = prim.abstractEval(
      ins.map((t) => t.aval),
      params,
    );
    const recipe: EqnRecipe = { prim, inputs: ins, params, outs: [] };
    const outs = outAvals.map((a) => new PartialEvalTracer(this, { known: false, aval: a }, { kind: "eqn", eqn: recipe }));
    recipe.outs = outs;
    return outs;
  }
}

/** Builds the jaxpr of the unknown part: inputs are the unknown args, consts the known values it reads. */
function tracersToJaxpr(ins: PartialEvalTracer[], outs: PartialEvalTracer[]): { jaxpr: Jaxpr; consts: JaxArray[] } {
  const vars = new Map<PartialEvalTracer, Var>();
  const varOf = (t: PartialEvalTracer): Var => {
    let v = vars.get(t);
    if (!v) {
      v = new Var(t.aval);
      vars.set(t, v);
    }
    return v;
  };
  const inVars = ins.map(varOf);
  const constVars: Var[] = [];
  const consts: JaxArray[] = [];
  const eqns: JaxprEqn[] = [];
  const doneEqns = new Set<EqnRecipe>();
  const visited = new Set<PartialEvalTracer>();
  // iterative post-order DFS: an equation is emitted after all of its inputs
  const stack: [PartialEvalTracer, boolean][] = outs.map((t) => [t, false]);
  stack.reverse();
  while (stack.length) {
    const [t, expanded] = stack.pop()!;
    const r = t.recipe;
    if (expanded) {
      if (r?.kind === "eqn" && !doneEqns.has(r.eqn)) {
        doneEqns.add(r.eqn);
        eqns.push({
          prim: r.eqn.prim,
          inputs: r.eqn.inputs.map(varOf) as Atom[],
          params: r.eqn.params,
          outBinders: r.eqn.outs.map(varOf),
        });
      }
      continue;
    }
    if (visited.has(t)) continue;
    visited.add(t);
    if (r === null) throw new Error("jaxts internal error: a known value reached the linear jaxpr without a recipe");
    if (r.kind === "lambda") {
      if (!vars.has(t)) throw new Error("jaxts internal error: an unknown input that was not declared as an argument");
      continue;
    }
    if (r.kind === "const") {
      constVars.push(varOf(t));
      consts.push(r.val);
      continue;
    }
    stack.push([t, true]);
    for (let i = r.eqn.inputs.length - 1; i >= 0; i--) stack.push([r.eqn.inputs[i]!, false]);
    // sibling outputs share the equation; they need no traversal of their own
    for (const o of r.eqn.outs as PartialEvalTracer[]) visited.add(o);
  }
  return { jaxpr: new Jaxpr([...constVars, ...inVars], eqns, outs.map(varOf)), consts };
}

/**
 * Partially evaluates `f`. Outputs listed in `instantiate` are forced into the jaxpr even
 * if known. Returns the jaxpr (its leading inputs bind `consts`), and every output's pval.
 */
export function partialEvalFlat(
  f: (xs: JaxArray[]) => JaxArray[],
  pvalsIn: PartialVal[],
  instantiate: (i: number) => boolean,
): { jaxpr: Jaxpr; consts: JaxArray[]; pvalsOut: PartialVal[] } {
  return withMain(
    (m: MainTrace) => new PartialEvalTrace(m),
    null,
    (main) => {
      const trace = new PartialEvalTrace(main);
      const tracersIn = pvalsIn.map((p) => trace.newArg(p));
      const outs = f(tracersIn).map((o, i) => {
        const t = fullRaise(trace, o) as PartialEvalTracer;
        return instantiate(i) ? trace.instantiateConst(t) : t;
      });
      const unkIn = tracersIn.filter((t) => !t.pval.known);
      const unkOut = outs.filter((t) => !t.pval.known);
      const { jaxpr, consts } = tracersToJaxpr(unkIn, unkOut);
      return { jaxpr, consts, pvalsOut: outs.map((t) => t.pval) };
    },
  );
}
