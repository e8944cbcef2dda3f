// Reverse mode = linearize (JVP + partial evaluation) + transpose of the linear jaxpr.
import type { JaxArray } from "../core/array.js";
import { isFloat } from "../core/dtype.js";
import { type Atom, type Jaxpr, Literal, type Var } from "../core/jaxpr.js";
import { type Tangent, UndefPrimal, Zero } from "../core/primitive.js";
import { bind } from "../core/trace.js";
import { addTangents } from "../primitives/rules.js";
import { jvpFlat } from "./jvp.js";
import { partialEvalFlat } from "./partial_eval.js";

export interface Linearized {
  primalsOut: JaxArray[];
  /** The tangent map as a jaxpr: inputs are `consts` then one tangent per differentiable primal. */
  jaxpr: Jaxpr;
  consts: JaxArray[];
  /** Which primals have a tangent input (integer and bool inputs do not). */
  differentiable: boolean[];
}

export function linearizeFlat(f: (xs: JaxArray[]) => JaxArray[], primals: JaxArray[]): Linearized {
  const differentiable = primals.map((p) => isFloat(p.dtype));
  const tangentAvals = primals.filter((_, i) => differentiable[i]).map((p) => p.aval);
  const n = primals.length;
  let outCount = 0;
  const fJvp = (xs: JaxArray[]): JaxArray[] => {
    const ps = xs.slice(0, n);
    let k = n;
    const ts: Tangent[] = ps.map((p, i) => (differentiable[i] ? xs[k++]! : new Zero(p.aval)));
    const [outs, touts] = jvpFlat(f, ps, ts);
    outCount = outs.length;
    return [...outs, ...(touts as JaxArray[])];
  };
  const pvalsIn = [
    ...primals.map((val) => ({ known: true as const, val })),
    ...tangentAvals.map((aval) => ({ known: false as const, aval })),
  ];
  const { jaxpr, consts, pvalsOut } = partialEvalFlat(fJvp, pvalsIn, (i) => i >= outCount);
  const primalsOut = pvalsOut.slice(0, outCount).map((p) => {
    if (!p.known) throw new Error("jaxts internal error: a primal output depends on a tangent");
    return p.val;
  });
  return { primalsOut, jaxpr, consts, differentiable };
}

/** Evaluates a linear jaxpr backwards: cotangents of the outputs to cotangents of the UndefPrimal inputs. */
export function backwardPass(jaxpr: Jaxpr, args: (JaxArray | UndefPrimal)[], cts: Tangent[]): Tangent[] {
  const primalEnv = new Map<Var, JaxArray>();
  const ctEnv = new Map<Var, Tangent>();
  const readPrimal = (a: Atom): JaxArray | UndefPrimal => {
    if (a instanceof Literal) return a.val;
    return primalEnv.get(a) ?? new UndefPrimal(a.aval);
  };
  jaxpr.inBinders.forEach((v, i) => {
    const a = args[i]!;
    if (!(a instanceof UndefPrimal)) primalEnv.set(v, a);
  });
  // Equations whose inputs are all known are not linear: evaluate them forward first.
  const isKnown = (a: Atom) => a instanceof Literal || primalEnv.has(a);
  const linearEqns = [];
  for (const eqn of jaxpr.eqns) {
    if (!eqn.inputs.every(isKnown)) linearEqns.push(eqn);
    else {
      const outs = bind(eqn.prim, eqn.inputs.map(readPrimal) as JaxArray[], eqn.params);
      for (let i = 0; i < outs.length; i++) primalEnv.set(eqn.outBinders[i]!, outs[i]!);
    }
  }
  const writeCt = (a: Atom, ct: Tangent | null) => {
    if (a instanceof Literal || ct === null || ct instanceof Zero) return;
    const prev = ctEnv.get(a);
    ctEnv.set(a, prev === undefined ? ct : addTangents(prev, ct));
  };
  for (let i = 0; i < jaxpr.outs.length; i++) writeCt(jaxpr.outs[i]!, cts[i]!);
  for (let e = linearEqns.length - 1; e >= 0; e--) {
    const eqn = linearEqns[e]!;
    const ctsIn = eqn.outBinders.map((v) => ctEnv.get(v) ?? new Zero(v.aval));
    for (const v of eqn.outBinders) ctEnv.delete(v);
    if (ctsIn.every((c) => c instanceof Zero)) continue;
    if (!eqn.prim.transpose) {
      throw new Error(`jaxts internal error: the non-linear primitive ${eqn.prim.name} appeared in a linear jaxpr`);
    }
    const ctsOut = eqn.prim.transpose(ctsIn, eqn.inputs.map(readPrimal), eqn.params);
    for (let i = 0; i < eqn.inputs.length; i++) writeCt(eqn.inputs[i]!, ctsOut[i] ?? null);
  }
  return jaxpr.inBinders.flatMap((v, i) => (args[i] instanceof UndefPrimal ? [ctEnv.get(v) ?? new Zero(v.aval)] : []));
}

/** vjp on flat lists: returns the outputs and a function from output cotangents to input cotangents. */
export function vjpFlat(f: (xs: JaxArray[]) => JaxArray[], primals: JaxArray[]): [JaxArray[], (cts: Tangent[]) => Tangent[]] {
  const lin = linearizeFlat(f, primals);
  const tangentIns = primals.filter((_, i) => lin.differentiable[i]).map((p) => new UndefPrimal(p.aval));
  const fVjp = (cts: Tangent[]): Tangent[] => {
    const res = backwardPass(lin.jaxpr, [...lin.consts, ...tangentIns], cts);
    let k = 0;
    return primals.map((p, i) => (lin.differentiable[i] ? res[k++]! : new Zero(p.aval)));
  };
  return [lin.primalsOut, fVjp];
}
