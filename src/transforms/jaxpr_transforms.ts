// Transformations of whole jaxprs, used by primitives that hold sub-jaxprs (control flow,
// checkpoint): each traces the transformed evaluation of the jaxpr into a new jaxpr.
import type { JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { isFloat } from "../core/dtype.js";
import { ClosedJaxpr, evalJaxpr } from "../core/jaxpr.js";
import { type Tangent, UndefPrimal, Zero } from "../core/primitive.js";
import { type MainTrace, withMain } from "../core/trace.js";
import { instantiate, moveBatchAxis } from "../primitives/rules.js";
import { BatchTrace, BatchTracer } from "./batching.js";
import { jvpFlat } from "./jvp.js";
import { backwardPass } from "./linearize.js";
import { type PartialVal, partialEvalFlat } from "./partial_eval.js";
import { traceToJaxpr } from "./stage.js";

/** Evaluates a closed jaxpr on its non-const inputs. */
export function callClosed(closed: ClosedJaxpr, args: readonly JaxArray[]): JaxArray[] {
  return evalJaxpr(closed.jaxpr, [...closed.consts, ...args]);
}

/** The avals of a closed jaxpr's non-const inputs. */
export function inAvalsOf(closed: ClosedJaxpr): ShapedArray[] {
  return closed.jaxpr.inAvals.slice(closed.consts.length);
}

/** Which avals carry tangents (floats only; integer values have zero tangents). */
export const hasTangent = (a: { dtype: ShapedArray["dtype"] }) => isFloat(a.dtype);

/**
 * JVP of a jaxpr: inputs (primals, tangents of the float primals), outputs (outs, tangents
 * of the float outs, instantiated).
 */
export function jvpJaxpr(closed: ClosedJaxpr): ClosedJaxpr {
  const avals = inAvalsOf(closed);
  const tanAvals = avals.filter(hasTangent);
  return traceToJaxpr(
    (xs) => {
      const ps = xs.slice(0, avals.length);
      let k = avals.length;
      const ts: Tangent[] = ps.map((p) => (hasTangent(p.aval) ? xs[k++]! : new Zero(p.aval)));
      const [outs, touts] = jvpFlat((a) => callClosed(closed, a), ps, ts, true);
      const floatT = touts.filter((_, i) => hasTangent(outs[i]!.aval)).map(instantiate);
      return [...outs, ...floatT];
    },
    [...avals, ...tanAvals],
  );
}

/**
 * vmap of a jaxpr with batch dims at axis 0 (or unbatched). Outputs listed in `force` are
 * batched even if they do not depend on a batched input. Returns which outputs are batched.
 */
export function batchJaxpr(
  closed: ClosedJaxpr,
  size: number,
  batched: readonly boolean[],
  force: readonly boolean[],
): { jaxpr: ClosedJaxpr; outBatched: boolean[] } {
  const avals = inAvalsOf(closed).map((a, i) => (batched[i] ? new ShapedArray([size, ...a.shape], a.dtype, a.weakType) : a));
  let outBatched: boolean[] = [];
  const jaxpr = traceToJaxpr((xs) => {
    return withMain(
      (m: MainTrace) => new BatchTrace(m),
      size,
      (main) => {
        const trace = new BatchTrace(main);
        const ins = xs.map((x, i) => new BatchTracer(trace, x, batched[i] ? 0 : null));
        const outs = callClosed(closed, ins).map((o) =>
          o instanceof BatchTracer && o.trace.main === main ? o : new BatchTracer(trace, o, null),
        );
        outBatched = outs.map((o, i) => o.bdim !== null || (force[i] ?? false));
        return outs.map((o, i) => (outBatched[i] ? moveBatchAxis(size, o.bdim, 0, o.val) : o.val));
      },
    );
  }, avals);
  return { jaxpr, outBatched };
}

export interface PartialJaxpr {
  /** known inputs -> [known outputs, residuals] */
  known: ClosedJaxpr;
  /** [residuals, unknown inputs] -> unknown outputs */
  unknown: ClosedJaxpr;
  outUnknown: boolean[];
  numRes: number;
}

/** Splits a jaxpr into the part computable from the known inputs and the staged rest. */
export function partialEvalJaxpr(closed: ClosedJaxpr, unknowns: readonly boolean[], instantiate: readonly boolean[]): PartialJaxpr {
  const avals = inAvalsOf(closed);
  let unknown: ClosedJaxpr | undefined;
  let outUnknown: boolean[] = [];
  let numRes = 0;
  const known = traceToJaxpr(
    (kxs) => {
      let k = 0;
      const pvals: PartialVal[] = avals.map((a, i) => (unknowns[i] ? { known: false, aval: a } : { known: true, val: kxs[k++]! }));
      const res = partialEvalFlat(
        (xs) => callClosed(closed, xs),
        pvals,
        (i) => instantiate[i] ?? false,
      );
      outUnknown = res.pvalsOut.map((p) => !p.known);
      numRes = res.consts.length;
      unknown = new ClosedJaxpr(res.jaxpr, []);
      const knownOuts = res.pvalsOut.flatMap((p) => (p.known ? [p.val] : []));
      return [...knownOuts, ...res.consts];
    },
    avals.filter((_, i) => !unknowns[i]),
  );
  return { known, unknown: unknown!, outUnknown, numRes };
}

/**
 * Transpose of a jaxpr linear in the inputs marked `linear`: inputs (the non-linear
 * inputs, cotangents of the outputs), outputs (cotangents of the linear inputs).
 */
export function transposeJaxpr(closed: ClosedJaxpr, linear: readonly boolean[]): ClosedJaxpr {
  const avals = inAvalsOf(closed);
  const outAvals = closed.jaxpr.outAvals;
  const nonlin = avals.filter((_, i) => !linear[i]);
  return traceToJaxpr(
    (xs) => {
      let k = 0;
      const args = avals.map((a, i) => (linear[i] ? new UndefPrimal(a) : xs[k++]!));
      const cts = xs.slice(nonlin.length);
      const res = backwardPass(closed.jaxpr, [...closed.consts, ...args], cts);
      return res.map(instantiate);
    },
    [...nonlin, ...outAvals],
  );
}

/** A jaxpr built by calling `f` on arguments of these avals (a thin alias, for readability). */
export function jaxprOf(f: (xs: JaxArray[]) => JaxArray[], avals: readonly ShapedArray[]): ClosedJaxpr {
  return traceToJaxpr(f, avals);
}
