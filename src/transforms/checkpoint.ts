// checkpoint (jax.checkpoint / remat): in reverse mode, recompute the function's
// intermediates during the backward pass instead of storing them.
import { inline } from "../backends/ort/control_ops.js";
import type { ArrayImpl, JaxArray } from "../core/array.js";
import type { ClosedJaxpr } from "../core/jaxpr.js";
import { definePrimitive, type Primitive, type Tangent, UndefPrimal, Zero } from "../core/primitive.js";
import { bind } from "../core/trace.js";
import { unflatten } from "../core/tree.js";
import { instantiate, moveBatchAxis } from "../primitives/rules.js";
import { fullLike } from "../primitives/shape_ops.js";
import { batchJaxpr, callClosed, hasTangent, inAvalsOf, jaxprOf, jvpJaxpr, partialEvalJaxpr } from "./jaxpr_transforms.js";
import { vjpFlat } from "./linearize.js";
import type { PartialEvalTrace, PartialEvalTracer } from "./partial_eval.js";
import { tracePytreeFn } from "./stage.js";

interface CheckpointParams {
  jaxpr: ClosedJaxpr;
}

export const checkpointP: Primitive<CheckpointParams> = definePrimitive<CheckpointParams>({
  name: "checkpoint",
  abstractEval: (_avals, p) => p.jaxpr.jaxpr.outAvals,
  impl: (args, p) => callClosed(p.jaxpr, args) as ArrayImpl[],
  jvp(primals, tangents, p) {
    const ts = primals.flatMap((x, i) =>
      hasTangent(x.aval) ? [instantiate(tangents[i] instanceof Zero ? new Zero(x.aval) : tangents[i]!)] : [],
    );
    const outs = bind(checkpointP, [...primals, ...ts], { jaxpr: jvpJaxpr(p.jaxpr) });
    const n = p.jaxpr.jaxpr.outs.length;
    const prim = outs.slice(0, n);
    let k = n;
    return [prim, prim.map((o): Tangent => (hasTangent(o.aval) ? outs[k++]! : new Zero(o.aval)))];
  },
  transpose(cts, args, p) {
    // The equation mixes recomputation (on known inputs) with the linear part: transpose
    // it as the VJP of the linear function of the undefined inputs (linear, so any point works).
    const lin = args.map((a) => a instanceof UndefPrimal);
    const linAvals = args.filter((a): a is UndefPrimal => a instanceof UndefPrimal).map((a) => a.aval);
    const f = (xs: JaxArray[]) => {
      let k = 0;
      return callClosed(
        p.jaxpr,
        args.map((a) => (a instanceof UndefPrimal ? xs[k++]! : a)),
      );
    };
    const [, fVjp] = vjpFlat(
      f,
      linAvals.map((a) => fullLike(a, 0)),
    );
    const res = fVjp(cts.map((c, i) => (c instanceof Zero ? new Zero(p.jaxpr.jaxpr.outAvals[i]!) : c)));
    let k = 0;
    return lin.map((l) => (l ? res[k++]! : null));
  },
  batch(size, args, dims, p) {
    const moved = args.map((a, i) => (dims[i] === null ? a : moveBatchAxis(size, dims[i]!, 0, a)));
    const { jaxpr, outBatched } = batchJaxpr(
      p.jaxpr,
      size,
      dims.map((d) => d !== null),
      p.jaxpr.jaxpr.outs.map(() => false),
    );
    return [bind(checkpointP, moved, { jaxpr }), outBatched.map((b) => (b ? 0 : null))];
  },
  partialEval(trace: PartialEvalTrace, tracers: PartialEvalTracer[], p: CheckpointParams) {
    const unknowns = tracers.map((t) => trace.knownValue(t) === null);
    const pe = partialEvalJaxpr(
      p.jaxpr,
      unknowns,
      p.jaxpr.jaxpr.outs.map(() => false),
    );
    const nKnown = pe.outUnknown.filter((u) => !u).length;
    // known outputs now, without saving residuals...
    const knownJ = jaxprOf((xs) => callClosed(pe.known, xs).slice(0, nKnown), inAvalsOf(pe.known));
    const knownOuts = bind(
      checkpointP,
      tracers.filter((_, i) => !unknowns[i]).map((t) => trace.knownValue(t)!),
      { jaxpr: knownJ },
    );
    // ...and the unknown outputs staged from all inputs, recomputing the rest when transposed.
    const ukIdx = pe.outUnknown.flatMap((u, i) => (u ? [i] : []));
    const unknownJ = jaxprOf((xs) => {
      const outs = callClosed(p.jaxpr, xs);
      return ukIdx.map((i) => outs[i]!);
    }, inAvalsOf(p.jaxpr));
    const staged = trace.stage(checkpointP, tracers, { jaxpr: unknownJ });
    let a = 0;
    let b = 0;
    return pe.outUnknown.map((u) => (u ? staged[a++]! : trace.pure(knownOuts[b++]!)));
  },
  printParams: () => "",
  onnx: inline("jaxpr"),
});

/** jax.checkpoint: f whose intermediates are recomputed in the backward pass. */
export function checkpoint<F extends (...args: any[]) => any>(f: F): F {
  return ((...args: unknown[]) => {
    const { closed, leaves, outDef } = tracePytreeFn("checkpoint", f, args);
    const consts = closed.consts;
    const jaxpr = closed.withConstsAsInputs();
    const outs = bind(checkpointP, [...consts, ...leaves], { jaxpr });
    return unflatten(outDef, outs);
  }) as F;
}
export const remat = checkpoint;
