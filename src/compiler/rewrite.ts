// Variable substitution, shared by the passes that replace values (CSE, constant
// folding, simplification, inlining).
import { type Atom, Jaxpr, type JaxprEqn, Var } from "../core/jaxpr.js";

export type Substitution = Map<Var, Atom>;

export function substAtom(sub: Substitution, a: Atom): Atom {
  if (!(a instanceof Var)) return a;
  return sub.get(a) ?? a;
}

/** The equation with its inputs substituted (the same object when nothing changes). */
export function substEqn(sub: Substitution, e: JaxprEqn): JaxprEqn {
  if (sub.size === 0 || !e.inputs.some((a) => a instanceof Var && sub.has(a))) return e;
  return { prim: e.prim, inputs: e.inputs.map((a) => substAtom(sub, a)), params: e.params, outBinders: e.outBinders };
}

export function rebuild(jaxpr: Jaxpr, eqns: JaxprEqn[], sub: Substitution): Jaxpr {
  return new Jaxpr(
    jaxpr.inBinders,
    eqns,
    jaxpr.outs.map((a) => substAtom(sub, a)),
  );
}
