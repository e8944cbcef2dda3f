// Forward mode: the JVP interpreter carries (primal, tangent) pairs through every primitive.
import { ArrayImpl, type JaxArray } from "../core/array.js";
import type { ShapedArray } from "../core/aval.js";
import { type Primitive, type Tangent, Zero } from "../core/primitive.js";
import { bind, type MainTrace, Trace, Tracer, withMain } from "../core/trace.js";
import { instantiate } from "../primitives/rules.js";

export class JVPTracer extends Tracer {
  constructor(
    readonly trace: JVPTrace,
    readonly primal: JaxArray,
    readonly tangent: Tangent,
  ) {
    super();
  }
  get aval(): ShapedArray {
    return this.primal.aval;
  }
  override concreteValue(): ArrayImpl | null {
    const p = this.primal;
    return p instanceof ArrayImpl ? p : p instanceof Tracer ? p.concreteValue() : null;
  }
}

export class JVPTrace extends Trace {
  pure(x: JaxArray): JaxArray {
    return new JVPTracer(this, x, new Zero(x.aval));
  }
  processPrimitive(prim: Primitive, tracers: JaxArray[], params: unknown): JaxArray[] {
    const ts = tracers as JVPTracer[];
    const primals = ts.map((t) => t.primal);
    const tangents = ts.map((t) => t.tangent);
    if (tangents.every((t) => t instanceof Zero)) {
      return bind(prim, primals, params).map((p) => new JVPTracer(this, p, new Zero(p.aval)));
    }
    const [outs, outTangents] = prim.jvp(primals, tangents, params);
    return outs.map((p, i) => new JVPTracer(this, p, outTangents[i]!));
  }
}

/** jvp on flat lists: tangents may be Zero; returned tangents are instantiated unless asked. */
export function jvpFlat(
  f: (xs: JaxArray[]) => JaxArray[],
  primals: JaxArray[],
  tangents: Tangent[],
  keepZeros = false,
): [JaxArray[], Tangent[]] {
  return withMain(
    (m: MainTrace) => new JVPTrace(m),
    null,
    (main) => {
      const trace = new JVPTrace(main);
      const ins = primals.map((p, i) => new JVPTracer(trace, p, tangents[i]!));
      const outs = f(ins).map((o) => lowerOut(trace, o));
      return [outs.map((o) => o.primal), outs.map((o) => (keepZeros ? o.tangent : instantiate(o.tangent)))];
    },
  );
}

function lowerOut(trace: JVPTrace, o: JaxArray): JVPTracer {
  if (o instanceof JVPTracer && o.trace.main === trace.main) return o;
  return new JVPTracer(trace, o, new Zero(o.aval));
}
