// Expanding composite primitives (those declaring `composite`, like softmax) into the
// primitives they are made of, for the JavaScript code generator: there the parts fuse
// into loops with the equations around them, where one opaque call would split the
// fusion. ONNX Runtime keeps the single node, which it runs as one vectorized kernel.
import { type ClosedJaxpr, evalJaxpr } from "../core/jaxpr.js";
import { bind } from "../core/trace.js";
import { traceToJaxpr } from "../transforms/stage.js";

/** `closed` with every composite equation replaced by its expansion (the same closed jaxpr when there is none). */
export function expandComposites(closed: ClosedJaxpr): ClosedJaxpr {
  if (!closed.jaxpr.eqns.some((e) => e.prim.composite)) return closed;
  const args = closed.jaxpr.inBinders.slice(closed.consts.length);
  return traceToJaxpr(
    (xs) =>
      evalJaxpr(closed.jaxpr, [...closed.consts, ...xs], (eqn, ins) =>
        eqn.prim.composite ? eqn.prim.composite(ins, eqn.params) : bind(eqn.prim, ins, eqn.params),
      ),
    args.map((v) => v.aval),
  );
}
