// Which equations have side effects: an effectful primitive (debug_callback), or a
// primitive whose sub-jaxprs (cond branches, scan bodies, checkpointed functions) hold
// one. Passes must neither drop, merge nor pre-evaluate such equations.
import { ClosedJaxpr, Jaxpr, type JaxprEqn } from "../core/jaxpr.js";

/** The jaxprs held in an equation's params (directly, or in arrays and plain objects). */
export function subJaxprs(params: unknown): Jaxpr[] {
  const out: Jaxpr[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (v instanceof ClosedJaxpr) out.push(v.jaxpr);
    else if (v instanceof Jaxpr) out.push(v);
    else if (depth < 3 && Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else if (depth < 3 && v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      for (const x of Object.values(v)) visit(x, depth + 1);
    }
  };
  visit(params, 0);
  return out;
}

const cache = new WeakMap<Jaxpr, boolean>();

function jaxprHasEffects(j: Jaxpr): boolean {
  let r = cache.get(j);
  if (r === undefined) {
    r = j.eqns.some(isEffectful);
    cache.set(j, r);
  }
  return r;
}

export function isEffectful(eqn: JaxprEqn): boolean {
  return eqn.prim.effectful === true || subJaxprs(eqn.params).some(jaxprHasEffects);
}
