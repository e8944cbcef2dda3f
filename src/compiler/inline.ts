// Inlining: equations that only evaluate a closed jaxpr they hold (checkpoint, custom_jvp
// and custom_vjp calls, nested jit calls) are replaced by that jaxpr's equations, so
// the other passes and fusion see through them. After tracing, their special rules
// (recomputation, custom derivatives) no longer matter: evaluating is all that is left.
import { ArrayImpl } from "../core/array.js";
import { type Atom, ClosedJaxpr, Jaxpr, type JaxprEqn, Literal, Var } from "../core/jaxpr.js";
import { isEffectful } from "./effects.js";
import { type Substitution, substAtom } from "./rewrite.js";

/** Call-like primitives by name, each with the accessor of the jaxpr it evaluates. */
const callees = new Map<string, (params: any) => ClosedJaxpr>([
  ["checkpoint", (p) => p.jaxpr],
  ["custom_jvp_call", (p) => p.fun],
  ["custom_vjp_call", (p) => p.fun],
]);

/**
 * Declares a primitive whose evaluation is exactly `evalJaxpr` of a closed jaxpr in its
 * params on its inputs (a nested jit's call primitive, for instance), so it is inlined.
 */
export function registerCallPrimitive(name: string, callee: (params: any) => ClosedJaxpr): void {
  callees.set(name, callee);
}

function calleeOf(e: JaxprEqn): ClosedJaxpr | null {
  const get = callees.get(e.prim.name);
  if (!get || isEffectful(e)) return null;
  const c = get(e.params);
  if (!(c instanceof ClosedJaxpr) || c.jaxpr.inBinders.length !== c.consts.length + e.inputs.length) return null;
  // consts must be concrete to become consts (or literals) of the caller
  return c.consts.every((x) => x instanceof ArrayImpl) ? c : null;
}

export function inlineCalls(closed: ClosedJaxpr): ClosedJaxpr {
  if (!closed.jaxpr.eqns.some((e) => calleeOf(e) !== null)) return closed;
  const newConstVars: Var[] = [];
  const newConsts: ArrayImpl[] = [];
  const eqns: JaxprEqn[] = [];

  // Appends the equations of `jaxpr` with inputs renamed by `sub` and every binder fresh.
  const emit = (jaxpr: Jaxpr, sub: Substitution): Atom[] => {
    for (const e of jaxpr.eqns) {
      const inputs = e.inputs.map((a) => substAtom(sub, a));
      const c = calleeOf(e);
      if (c) {
        const inner: Substitution = new Map();
        bindConsts(c, inner);
        c.jaxpr.inBinders.slice(c.consts.length).forEach((v, i) => inner.set(v, inputs[i]!));
        const outs = emit(c.jaxpr, inner);
        e.outBinders.forEach((v, i) => sub.set(v, outs[i]!));
        continue;
      }
      const outBinders = e.outBinders.map((v) => {
        const fresh = new Var(v.aval);
        sub.set(v, fresh);
        return fresh;
      });
      eqns.push({ prim: e.prim, inputs, params: e.params, outBinders });
    }
    return jaxpr.outs.map((a) => substAtom(sub, a));
  };
  const bindConsts = (c: ClosedJaxpr, sub: Substitution): void => {
    c.consts.forEach((x, i) => {
      const v = c.jaxpr.inBinders[i]!;
      const val = x as ArrayImpl;
      if (val.ndim === 0) sub.set(v, new Literal(val));
      else {
        const fresh = new Var(v.aval);
        newConstVars.push(fresh);
        newConsts.push(val);
        sub.set(v, fresh);
      }
    });
  };

  const { jaxpr, consts } = closed;
  const top: Substitution = new Map();
  jaxpr.inBinders.forEach((v) => top.set(v, v));
  const outs = emit(jaxpr, top);
  const constVars = jaxpr.inBinders.slice(0, consts.length);
  const args = jaxpr.inBinders.slice(consts.length);
  return new ClosedJaxpr(new Jaxpr([...constVars, ...newConstVars, ...args], eqns, outs), [...consts, ...newConsts]);
}
