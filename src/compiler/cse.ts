// Common-subexpression elimination: an equation with the same primitive, the same
// inputs and equal params as an earlier one reuses that one's outputs.
import { type Atom, type Jaxpr, type JaxprEqn, Literal, type Var } from "../core/jaxpr.js";
import { isEffectful } from "./effects.js";
import { rebuild, type Substitution, substEqn } from "./rewrite.js";

/** A key for a JS number that tells -0 from 0 (their results can differ). */
function numKey(v: number): string {
  return Object.is(v, -0) ? "-0" : String(v);
}

/** Keys for objects compared by identity (jaxprs, functions, arrays inside params). */
const ids = new WeakMap<object, number>();
let nextId = 0;
function identity(o: object): string {
  let id = ids.get(o);
  if (id === undefined) {
    id = nextId++;
    ids.set(o, id);
  }
  return `#${id}`;
}

/** Structural key of params: plain objects by sorted key, arrays by element, other objects by identity. */
export function paramsKey(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  switch (typeof v) {
    case "number":
      return numKey(v);
    case "string":
      return JSON.stringify(v);
    case "boolean":
    case "bigint":
      return String(v);
    case "function":
      return identity(v);
    case "object": {
      if (Array.isArray(v)) return `[${v.map(paramsKey).join(",")}]`;
      if (Object.getPrototypeOf(v) !== Object.prototype) return identity(v);
      const o = v as Record<string, unknown>;
      return `{${Object.keys(o)
        .sort()
        .map((k) => `${k}:${paramsKey(o[k])}`)
        .join(",")}}`;
    }
    default:
      return identity(v as object);
  }
}

function literalKey(l: Literal): string {
  return `${l.aval.key()}:${numKey(l.val.values()[0]!)}`;
}

export function cse(jaxpr: Jaxpr): Jaxpr {
  const varIds = new Map<Var, number>();
  jaxpr.inBinders.forEach((v, i) => varIds.set(v, i));
  const atomKey = (a: Atom): string => (a instanceof Literal ? literalKey(a) : `v${varIds.get(a)}`);
  const seen = new Map<string, Var[]>();
  const sub: Substitution = new Map();
  const eqns: JaxprEqn[] = [];
  for (const e0 of jaxpr.eqns) {
    const e = substEqn(sub, e0);
    if (!isEffectful(e)) {
      const key = `${e.prim.name}(${e.inputs.map(atomKey).join(",")})${paramsKey(e.params)}`;
      const prev = seen.get(key);
      if (prev) {
        e.outBinders.forEach((v, i) => sub.set(v, prev[i]!));
        continue;
      }
      seen.set(key, e.outBinders);
    }
    for (const v of e.outBinders) varIds.set(v, varIds.size);
    eqns.push(e);
  }
  if (eqns.length === jaxpr.eqns.length && sub.size === 0) return jaxpr;
  return rebuild(jaxpr, eqns, sub);
}
