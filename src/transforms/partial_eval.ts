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
  /** The jaxpr variable of an unknown value, given when the jaxpr is built. */
  variable: Var | null = null;
  /** Whether the staged jaxpr needs this value (set when the jaxpr is built). */
  live = false;
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
    (this.main.globalData as EqnRecipe[]).push(recipe);
    return outs;
  }
}

/**
 * Builds the jaxpr of the unknown part: inputs are the unknown args, consts the known
 * values it reads. Equations were staged in execution order, which is already a
 * topological order, so building is one backward pass (keeping only what the outputs
 * need) and one forward pass (naming values).
 */
function tracersToJaxpr(ins: PartialEvalTracer[], outs: PartialEvalTracer[], staged: EqnRecipe[]): { jaxpr: Jaxpr; consts: JaxArray[] } {
  for (const t of outs) t.live = true;
  const needed: EqnRecipe[] = [];
  for (let e = staged.length - 1; e >= 0; e--) {
    const eqn = staged[e]!;
    if (!eqn.outs.some((o) => o.live)) continue;
    needed.push(eqn);
    for (const t of eqn.inputs) t.live = true;
  }
  needed.reverse();
  const constVars: Var[] = [];
  const consts: JaxArray[] = [];
  const varOf = (t: PartialEvalTracer): Var => {
    if (t.variable) return t.variable;
    const v = new Var(t.aval);
    t.variable = v;
    const r = t.recipe;
    if (r === null) throw new Error("jaxts internal error: a known value reached the linear jaxpr without a recipe");
    if (r.kind === "const") {
      constVars.push(v);
      consts.push(r.val);
    } else if (r.kind === "lambda") {
      throw new Error("jaxts internal error: an unknown input that was not declared as an argument");
    }
    return v;
  };
  const inVars = ins.map((t) => {
    const v = new Var(t.aval);
    t.variable = v;
    return v;
  });
  const eqns: JaxprEqn[] = needed.map((r) => {
    const inputs: Atom[] = r.inputs.map(varOf);
    const outBinders = r.outs.map((o) => {
      const v = new Var(o.aval);
      o.variable = v;
      return v;
    });
    return { prim: r.prim, inputs, params: r.params, outBinders };
  });
  // naming the outputs may add constants (a known output forced into the jaxpr), so before the binders are listed
  const outVars = outs.map(varOf);
  return { jaxpr: new Jaxpr([...constVars, ...inVars], eqns, outVars), consts };
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
  const staged: EqnRecipe[] = [];
  return withMain(
    (m: MainTrace) => new PartialEvalTrace(m),
    staged,
    (main) => {
      const trace = new PartialEvalTrace(main);
      // Known inputs go in as themselves, not as known tracers: computations on known
      // values alone then never enter this trace (they run at once, below it), so only
      // equations that touch an unknown value pay for partial evaluation.
      const unkIn: PartialEvalTracer[] = [];
      const argsIn = pvalsIn.map((p) => {
        if (p.known) return p.val;
        const t = trace.newArg(p);
        unkIn.push(t);
        return t;
      });
      const outs = f(argsIn).map((o, i) => {
        const t = fullRaise(trace, o) as PartialEvalTracer;
        return instantiate(i) ? trace.instantiateConst(t) : t;
      });
      const unkOut = outs.filter((t) => !t.pval.known);
      const { jaxpr, consts } = tracersToJaxpr(unkIn, unkOut, staged);
      return { jaxpr, consts, pvalsOut: outs.map((t) => t.pval) };
    },
  );
}
