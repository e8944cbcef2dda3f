// The jaxpr pass pipeline shared by both jit engines: inline calls, fold constants,
// drop identities, merge common subexpressions, eliminate dead code. Fusion planning
// (fusion.ts) comes after, per engine, on the optimized jaxpr.
import { ClosedJaxpr, type Jaxpr } from "../core/jaxpr.js";
import { constantFold } from "./constant_fold.js";
import { cse } from "./cse.js";
import { dce, pruneConsts } from "./dce.js";
import { inlineCalls } from "./inline.js";
import { simplify } from "./simplify.js";

function onJaxpr(closed: ClosedJaxpr, pass: (j: Jaxpr) => Jaxpr): ClosedJaxpr {
  const j = pass(closed.jaxpr);
  return j === closed.jaxpr ? closed : new ClosedJaxpr(j, closed.consts);
}

/** The optimized equivalent of `closed`: same non-const inputs and outputs, fewer equations. */
export function optimizeJaxpr(closed: ClosedJaxpr): ClosedJaxpr {
  let c = inlineCalls(closed);
  c = onJaxpr(c, simplify);
  c = constantFold(c);
  c = onJaxpr(c, simplify);
  c = onJaxpr(c, cse);
  c = onJaxpr(c, dce);
  return pruneConsts(c);
}
