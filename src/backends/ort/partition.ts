// Splitting a jaxpr between ONNX Runtime and the host. Equations that lower to ONNX run in
// sessions, one per maximal run of them; the others (primitives declared `onnx: "host"`,
// such as the linalg decompositions and the gamma/Poisson samplers, and equations whose
// rule rejects their dtypes or shapes) run eagerly through their `impl` in between, as XLA
// runs LAPACK through custom calls. A cond, while or scan whose body holds a host equation
// runs on the host as a whole. Equations keep their order, so effects (debug_callback,
// always host) happen in program order.
import type { JaxArray } from "../../core/array.js";
import type { Atom, ClosedJaxpr, JaxprEqn, Var } from "../../core/jaxpr.js";
import { Literal } from "../../core/jaxpr.js";
import { constsOf, lowerEqns, type OnnxProgram, whyNotLowered } from "./lower.js";

/** A run of equations compiled to one ONNX model: its input and output variables. */
export interface GraphStep {
  readonly kind: "graph";
  readonly program: OnnxProgram;
  readonly inputs: readonly Var[];
  readonly outputs: readonly Var[];
}
/** One equation evaluated on the host, and why it does not lower. */
export interface HostStep {
  readonly kind: "host";
  readonly eqn: JaxprEqn;
  readonly reason: string;
}
export type Step = GraphStep | HostStep;

/**
 * The steps computing `closed`: graph runs and host equations, in program order. The
 * variables a graph step reads from outside it (arguments, host results, earlier graph
 * results) are its inputs; the ones it defines that later steps or the result read are its
 * outputs. Closed-over constants stay initializers of the graphs that read them.
 */
export function partition(closed: ClosedJaxpr): Step[] {
  const { jaxpr } = closed;
  const consts: ReadonlyMap<Var, JaxArray> = constsOf(closed);
  const eqns = jaxpr.eqns;
  // the index of the last equation reading each variable (eqns.length for the result)
  const lastUse = new Map<Var, number>();
  const use = (a: Atom, i: number) => {
    if (!(a instanceof Literal)) lastUse.set(a, i);
  };
  eqns.forEach((e, i) => {
    for (const a of e.inputs) use(a, i);
  });
  for (const a of jaxpr.outs) use(a, eqns.length);

  const steps: Step[] = [];
  let run: JaxprEqn[] = [];
  const flush = (end: number) => {
    if (run.length === 0) return;
    const defined = new Set<Var>(run.flatMap((e) => e.outBinders));
    const inputs = new Set<Var>();
    for (const e of run) {
      for (const a of e.inputs) if (!(a instanceof Literal) && !defined.has(a) && !consts.has(a)) inputs.add(a);
    }
    const outputs = [...defined].filter((v) => (lastUse.get(v) ?? -1) >= end);
    if (outputs.length > 0) {
      const ins = [...inputs];
      steps.push({ kind: "graph", program: lowerEqns(run, ins, outputs, consts), inputs: ins, outputs });
    }
    run = [];
  };
  eqns.forEach((e, i) => {
    const reason = whyNotLowered(e);
    if (reason === null) {
      run.push(e);
    } else {
      flush(i);
      steps.push({ kind: "host", eqn: e, reason });
    }
  });
  flush(eqns.length);
  return steps;
}
