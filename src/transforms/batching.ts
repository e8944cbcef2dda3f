// Vectorization: the batching interpreter carries each value with the axis it is mapped
// over (or null for values that are the same for every example).
import type { JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import type { BatchDim, Primitive } from "../core/primitive.js";
import { bind, type MainTrace, Trace, Tracer, withMain } from "../core/trace.js";
import { moveBatchAxis } from "../primitives/rules.js";

export class BatchTracer extends Tracer {
  constructor(
    readonly trace: BatchTrace,
    readonly val: JaxArray,
    readonly bdim: BatchDim,
  ) {
    super();
  }
  get aval(): ShapedArray {
    const a = this.val.aval;
    if (this.bdim === null) return a;
    const shape = a.shape.filter((_, d) => d !== this.bdim);
    return new ShapedArray(shape, a.dtype, a.weakType);
  }
  override fullLower(): JaxArray {
    return this.bdim === null ? this.val : this;
  }
}

export class BatchTrace extends Trace {
  get axisSize(): number {
    return this.main.globalData as number;
  }
  pure(x: JaxArray): JaxArray {
    return new BatchTracer(this, x, null);
  }
  processPrimitive(prim: Primitive, tracers: JaxArray[], params: unknown): JaxArray[] {
    const ts = tracers as BatchTracer[];
    const vals = ts.map((t) => t.val);
    const dims = ts.map((t) => t.bdim);
    if (dims.every((d) => d === null)) return bind(prim, vals, params).map((v) => new BatchTracer(this, v, null));
    const [outs, outDims] = prim.batch(this.axisSize, vals, dims, params);
    return outs.map((v, i) => new BatchTracer(this, v, outDims[i] ?? null));
  }
}

/** Runs `f` with each input batched along its dim; returns outputs moved to `outDims`. */
export function vmapFlat(
  f: (xs: JaxArray[]) => JaxArray[],
  axisSize: number,
  ins: JaxArray[],
  inDims: BatchDim[],
  outDims: (outCount: number) => BatchDim[],
): JaxArray[] {
  return withMain(
    (m: MainTrace) => new BatchTrace(m),
    axisSize,
    (main) => {
      const trace = new BatchTrace(main);
      const tracers = ins.map((x, i) => new BatchTracer(trace, x, inDims[i] ?? null));
      const outs = f(tracers);
      const want = outDims(outs.length);
      return outs.map((o, i) => {
        const [val, bd] = o instanceof BatchTracer && o.trace.main === main ? [o.val, o.bdim] : [o, null];
        const to = want[i] ?? null;
        if (to === null) {
          if (bd !== null) throw new Error("vmap: an output with outAxes null must not depend on the mapped inputs.");
          return val;
        }
        return moveBatchAxis(axisSize, bd, to < 0 ? to + val.ndim + (bd === null ? 1 : 0) : to, val);
      });
    },
  );
}
