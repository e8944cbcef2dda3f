// Identity elimination: equations that return their input unchanged (stop_gradient once
// differentiation is over, x**1, a cast or reshape to the same type) are replaced by it.
import type { Jaxpr, JaxprEqn } from "../core/jaxpr.js";
import { isEffectful } from "./effects.js";
import { rebuild, type Substitution, substEqn } from "./rewrite.js";

const isIdentityPerm = (p: readonly number[]) => p.every((d, i) => d === i);

function isIdentity(e: JaxprEqn): boolean {
  if (e.inputs.length !== 1 || e.outBinders.length !== 1 || isEffectful(e)) return false;
  if (e.inputs[0]!.aval.key() !== e.outBinders[0]!.aval.key()) return false;
  const p = e.params as Record<string, unknown>;
  switch (e.prim.name) {
    case "stop_gradient":
    case "reshape":
    case "convert_element_type":
      return true;
    case "integer_pow":
      return p.y === 1;
    case "broadcast_in_dim":
      return isIdentityPerm(p.broadcastDimensions as number[]);
    case "transpose":
      return isIdentityPerm(p.permutation as number[]);
    default:
      return false;
  }
}

export function simplify(jaxpr: Jaxpr): Jaxpr {
  const sub: Substitution = new Map();
  const eqns: JaxprEqn[] = [];
  for (const e0 of jaxpr.eqns) {
    const e = substEqn(sub, e0);
    if (isIdentity(e)) sub.set(e.outBinders[0]!, e.inputs[0]!);
    else eqns.push(e);
  }
  if (sub.size === 0) return jaxpr;
  return rebuild(jaxpr, eqns, sub);
}
