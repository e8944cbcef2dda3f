// Transformations are interpreters ("traces") stacked by level, as in JAX's autodidax.
// `bind` applies a primitive: it finds the highest-level trace among the arguments, lifts
// every argument into it, and lets that trace interpret the primitive. Level 0 evaluates
// eagerly on concrete arrays.
import { ArrayImpl, JaxArray } from "./array.js";
import type { ShapedArray } from "./aval.js";
import type { Primitive } from "./primitive.js";

export class MainTrace {
  constructor(
    readonly level: number,
    readonly makeTrace: (main: MainTrace) => Trace,
    readonly globalData: unknown,
  ) {}
  /** Whether this transformation is still running (a tracer from a finished one has escaped). */
  active = true;
  private cached: Trace | null = null;
  /** The trace that interprets primitives at this level (traces hold no state but their main, so one serves every bind). */
  get trace(): Trace {
    if (this.cached === null) this.cached = this.makeTrace(this);
    return this.cached;
  }
}

export abstract class Trace {
  constructor(readonly main: MainTrace) {}
  /** Wraps a value from a lower level (a concrete array or a lower tracer) as this trace's tracer. */
  abstract pure(x: JaxArray): JaxArray;
  lift(x: JaxArray): JaxArray {
    return this.pure(x);
  }
  abstract processPrimitive(prim: Primitive, tracers: JaxArray[], params: unknown): JaxArray[];
}

export abstract class Tracer extends JaxArray {
  abstract readonly trace: Trace;
  /** The value seen by the trace below (what this tracer becomes when lowered). */
  fullLower(): JaxArray {
    return this;
  }
  /** The concrete value behind this tracer when there is one (JVP of a concrete value), else null. */
  concreteValue(): ArrayImpl | null {
    return null;
  }
  override toString(): string {
    return `Traced<${this.aval.toString()}> (inside ${this.trace.constructor.name})`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

class EvalTrace extends Trace {
  pure(x: JaxArray): JaxArray {
    return x;
  }
  processPrimitive(prim: Primitive, args: JaxArray[], params: unknown): JaxArray[] {
    return prim.impl(args as ArrayImpl[], params);
  }
}

const traceStack: MainTrace[] = [new MainTrace(0, (m) => new EvalTrace(m), null)];
/** The staging trace of an enclosing jit/makeJaxpr: even constants are staged into it. */
let dynamicTrace: MainTrace | null = null;

export function currentDynamic(): MainTrace | null {
  return dynamicTrace;
}

/** Runs `fn` with a new transformation on top of the stack. */
export function withMain<T>(makeTrace: (main: MainTrace) => Trace, globalData: unknown, fn: (main: MainTrace) => T): T {
  const main = new MainTrace(traceStack.length, makeTrace, globalData);
  traceStack.push(main);
  try {
    return fn(main);
  } finally {
    main.active = false;
    traceStack.pop();
  }
}

/** Like withMain, and also makes it the dynamic trace (staging captures every op inside). */
export function withDynamicMain<T>(makeTrace: (main: MainTrace) => Trace, globalData: unknown, fn: (main: MainTrace) => T): T {
  return withMain(makeTrace, globalData, (main) => {
    const prev = dynamicTrace;
    dynamicTrace = main;
    try {
      return fn(main);
    } finally {
      dynamicTrace = prev;
    }
  });
}

/** True when no transformation is active: jit and friends may then run concretely. */
export function atTopLevel(): boolean {
  return traceStack.length === 1 && dynamicTrace === null;
}

function findTopMain(args: readonly JaxArray[]): MainTrace {
  let top = traceStack[0]!;
  for (const a of args) {
    if (a instanceof Tracer) {
      const m = a.trace.main;
      if (!m.active) throw escapedTracerError(a);
      if (m.level > top.level) top = m;
    }
  }
  if (dynamicTrace && dynamicTrace.level > top.level) top = dynamicTrace;
  return top;
}

function escapedTracerError(t: Tracer): Error {
  return new Error(
    `Encountered an escaped tracer (${t.aval.toString()}): a value computed inside a transformation ` +
      "(jit, grad, vmap, ...) was kept after that transformation finished, for example by assigning it to an " +
      "outer variable. Return it from the transformed function instead.",
  );
}

export function fullRaise(trace: Trace, x: JaxArray): JaxArray {
  if (!(x instanceof Tracer)) return trace.pure(x);
  const level = trace.main.level;
  if (x.trace.main === trace.main) return x;
  if (x.trace.main.level < level) return trace.lift(x);
  throw new Error(`jaxts internal error: cannot lift a level-${x.trace.main.level} tracer to level ${level}.`);
}

function fullLower(x: JaxArray): JaxArray {
  return x instanceof Tracer ? x.fullLower() : x;
}

export function bind(prim: Primitive, args: readonly JaxArray[], params: unknown): JaxArray[] {
  // Fast path for eager mode: plain arrays and no transformation in flight.
  if (dynamicTrace === null) {
    let concrete = true;
    for (const a of args) if (!(a instanceof ArrayImpl)) concrete = false;
    if (concrete) return prim.impl(args as ArrayImpl[], params);
  }
  const main = findTopMain(args);
  const trace = main.trace;
  const tracers = args.map((a) => fullRaise(trace, a));
  return trace.processPrimitive(prim, tracers, params).map(fullLower);
}

export function bind1(prim: Primitive, args: readonly JaxArray[], params: unknown): JaxArray {
  return bind(prim, args, params)[0]!;
}

/** The aval of anything array-like that reached the core. */
export function avalOf(x: JaxArray): ShapedArray {
  return x.aval;
}
