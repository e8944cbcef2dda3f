// Dead-code elimination: drops equations none of whose outputs is used (effectful ones
// stay), and const inputs nothing reads.
import { ClosedJaxpr, Jaxpr, type JaxprEqn, Var } from "../core/jaxpr.js";
import { isEffectful } from "./effects.js";

export function dce(jaxpr: Jaxpr): Jaxpr {
  const live = new Set<Var>();
  for (const o of jaxpr.outs) if (o instanceof Var) live.add(o);
  const kept: JaxprEqn[] = [];
  for (let i = jaxpr.eqns.length - 1; i >= 0; i--) {
    const e = jaxpr.eqns[i]!;
    if (!e.outBinders.some((v) => live.has(v)) && !isEffectful(e)) continue;
    kept.push(e);
    for (const a of e.inputs) if (a instanceof Var) live.add(a);
  }
  if (kept.length === jaxpr.eqns.length) return jaxpr;
  return new Jaxpr(jaxpr.inBinders, kept.reverse(), jaxpr.outs);
}

/** Removes const binders (and their values) that no equation or output reads. */
export function pruneConsts(closed: ClosedJaxpr): ClosedJaxpr {
  const { jaxpr, consts } = closed;
  const used = new Set<Var>();
  for (const e of jaxpr.eqns) for (const a of e.inputs) if (a instanceof Var) used.add(a);
  for (const o of jaxpr.outs) if (o instanceof Var) used.add(o);
  const keep = consts.map((_, i) => used.has(jaxpr.inBinders[i]!));
  if (keep.every(Boolean)) return closed;
  const constVars = jaxpr.inBinders.slice(0, consts.length).filter((_, i) => keep[i]);
  const args = jaxpr.inBinders.slice(consts.length);
  return new ClosedJaxpr(
    new Jaxpr([...constVars, ...args], jaxpr.eqns, jaxpr.outs),
    consts.filter((_, i) => keep[i]),
  );
}
