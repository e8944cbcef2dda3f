// Constant folding: an equation whose inputs are all literals or consts, and whose
// outputs are small, is evaluated once at compile time. Scalar results become literals,
// others new consts. A broadcast of a constant stays in the program (a fused loop reads
// the scalar from a register, which beats reading a folded array from memory), but its
// value is known, so the equations consuming it still fold, and then nothing reads it.
import { ArrayImpl } from "../core/array.js";
import { ClosedJaxpr, Jaxpr, type JaxprEqn, Literal, type Var } from "../core/jaxpr.js";
import { isEffectful } from "./effects.js";
import { rebuild, type Substitution, substEqn } from "./rewrite.js";

export interface FoldOptions {
  /** Largest output (in elements) worth folding into a const; default 1024. */
  maxSize?: number;
}

export function constantFold(closed: ClosedJaxpr, opts: FoldOptions = {}): ClosedJaxpr {
  const maxSize = opts.maxSize ?? 1024;
  const { jaxpr, consts } = closed;
  const known = new Map<Var, ArrayImpl>();
  consts.forEach((c, i) => {
    if (c instanceof ArrayImpl) known.set(jaxpr.inBinders[i]!, c);
  });
  const knownValue = (a: Var | Literal): ArrayImpl | undefined => (a instanceof Literal ? a.val : known.get(a));
  const sub: Substitution = new Map();
  const newConstVars: Var[] = [];
  const newConsts: ArrayImpl[] = [];
  const eqns: JaxprEqn[] = [];
  for (const e0 of jaxpr.eqns) {
    const e = substEqn(sub, e0);
    const outs = foldable(e, maxSize) ? evaluate(e, knownValue) : null;
    if (!outs) {
      eqns.push(e);
      continue;
    }
    if (isExpansion(e)) {
      e.outBinders.forEach((v, i) => known.set(v, outs[i]!));
      eqns.push(e);
      continue;
    }
    e.outBinders.forEach((v, i) => {
      const val = outs[i]!;
      if (v.aval.ndim === 0) sub.set(v, new Literal(val));
      else {
        known.set(v, val);
        newConstVars.push(v);
        newConsts.push(val);
      }
    });
  }
  if (eqns.length === jaxpr.eqns.length && sub.size === 0) return closed;
  const constVars = jaxpr.inBinders.slice(0, consts.length);
  const args = jaxpr.inBinders.slice(consts.length);
  const body = rebuild(jaxpr, eqns, sub);
  return new ClosedJaxpr(new Jaxpr([...constVars, ...newConstVars, ...args], body.eqns, body.outs), [...consts, ...newConsts]);
}

function foldable(e: JaxprEqn, maxSize: number): boolean {
  return e.outBinders.length > 0 && !isEffectful(e) && e.outBinders.every((v) => v.aval.size <= maxSize);
}

/** A broadcast to more than one element: its value is known, but the equation stays. */
function isExpansion(e: JaxprEqn): boolean {
  return e.prim.name === "broadcast_in_dim" && e.outBinders[0]!.aval.size > 1;
}

/** The outputs, each with exactly its binder's aval; null when an input is unknown or evaluation fails. */
function evaluate(e: JaxprEqn, knownValue: (a: Var | Literal) => ArrayImpl | undefined): ArrayImpl[] | null {
  const args: ArrayImpl[] = [];
  for (const a of e.inputs) {
    const v = knownValue(a);
    if (!v) return null;
    args.push(v);
  }
  let outs: ArrayImpl[];
  try {
    outs = e.prim.impl(args, e.params);
  } catch {
    // An equation that fails on these constants fails at run time too; leave it there.
    return null;
  }
  const res: ArrayImpl[] = [];
  for (let i = 0; i < e.outBinders.length; i++) {
    const want = e.outBinders[i]!.aval;
    const got = outs[i];
    if (!(got instanceof ArrayImpl) || got.dtype !== want.dtype || got.size !== want.size) return null;
    res.push(got.aval.key() === want.key() ? got : new ArrayImpl(got.data, want));
  }
  return res;
}
