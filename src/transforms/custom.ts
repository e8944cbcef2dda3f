// Custom derivatives: customJvp (defjvp) and customVjp (defvjp), as primitives that carry
// the traced function and the user's rule, so they survive jit staging and vmap.
import { inline } from "../backends/ort/control_ops.js";
import { ArrayImpl, type JaxArray } from "../core/array.js";
import type { ShapedArray } from "../core/aval.js";
import type { ClosedJaxpr } from "../core/jaxpr.js";
import { type BatchDim, definePrimitive, type Primitive, type Tangent, Zero } from "../core/primitive.js";
import { atTopLevel, bind } from "../core/trace.js";
import { type TreeDef, unflatten } from "../core/tree.js";
import { instantiate, moveBatchAxis } from "../primitives/rules.js";
import { flattenArrays } from "./args.js";
import { vmapFlat } from "./batching.js";
import { batchJaxpr, callClosed } from "./jaxpr_transforms.js";
import { tracePytreeFn } from "./stage.js";

type Fn = (...args: any[]) => any;
type FlatFn = (xs: JaxArray[]) => JaxArray[];

/** Traces f (on the leaves of `args`) with its closed-over values made leading inputs. */
function traceWithConsts(
  op: string,
  f: Fn,
  args: unknown[],
): { fun: ClosedJaxpr; consts: JaxArray[]; leaves: JaxArray[]; inDef: TreeDef; outDef: TreeDef } {
  // closed-over values (possibly outer tracers) become explicit leading inputs
  const { closed, leaves, inDef, outDef } = tracePytreeFn(op, f, args);
  return { fun: closed.withConstsAsInputs(), consts: closed.consts, leaves, inDef, outDef };
}

/** The shared start of both batching rules: operands at axis 0, the function batched with every output at 0. */
function batchCall(fun: ClosedJaxpr, numConsts: number, size: number, args: JaxArray[], dims: BatchDim[]) {
  const moved = args.map((a, i) => (dims[i] === null ? a : moveBatchAxis(size, dims[i]!, 0, a)));
  const { jaxpr } = batchJaxpr(
    fun,
    size,
    dims.map((d) => d !== null),
    fun.jaxpr.outs.map(() => true),
  );
  const argDims = dims.slice(numConsts).map((d): BatchDim => (d === null ? null : 0));
  return { moved, jaxpr, argDims };
}

/** Batches a flat function with every input mapped at `dims` and every output forced to axis 0. */
function batchedFlat(f: FlatFn, size: number, dims: BatchDim[]): FlatFn {
  return (xs) => vmapFlat(f, size, xs, dims, (n) => new Array<BatchDim>(n).fill(0));
}

// ---------------- customJvp ----------------
interface CustomJvpParams {
  fun: ClosedJaxpr;
  /** (primals, tangents) -> [outs, tangent outs], flat and without the consts */
  jvp: (primals: JaxArray[], tangents: JaxArray[]) => [JaxArray[], JaxArray[]];
  numConsts: number;
}

export const customJvpCallP: Primitive<CustomJvpParams> = definePrimitive<CustomJvpParams>({
  name: "custom_jvp_call",
  abstractEval: (_avals, p) => p.fun.jaxpr.outAvals,
  impl: (args, p) => callClosed(p.fun, args) as ArrayImpl[],
  jvp(primals, tangents, p) {
    const ps = primals.slice(p.numConsts);
    const ts = tangents.slice(p.numConsts).map((t, i) => instantiate(t instanceof Zero ? new Zero(ps[i]!.aval) : t));
    const [outs, touts] = p.jvp(ps, ts);
    return [outs, touts];
  },
  transpose: null,
  batch(size, args, dims, p) {
    const { moved, jaxpr, argDims } = batchCall(p.fun, p.numConsts, size, args, dims);
    const jvp = (ps: JaxArray[], ts: JaxArray[]): [JaxArray[], JaxArray[]] => {
      const n = p.fun.jaxpr.outs.length;
      const flat = batchedFlat(
        (xs) => {
          const [o, t] = p.jvp(xs.slice(0, ps.length), xs.slice(ps.length));
          return [...o, ...t];
        },
        size,
        [...argDims, ...argDims],
      )([...ps, ...ts]);
      return [flat.slice(0, n), flat.slice(n)];
    };
    const outs = bind(customJvpCallP, moved, { fun: jaxpr, jvp, numConsts: p.numConsts });
    return [outs, outs.map(() => 0)];
  },
  printParams: () => "",
  onnx: inline("fun"),
});

export interface CustomJvpFunction<F extends Fn> {
  (...args: Parameters<F>): ReturnType<F>;
  /** Sets the rule: jvpRule(primals, tangents) returns [primalOut, tangentOut]. */
  defjvp(rule: (primals: any[], tangents: any[]) => [any, any]): CustomJvpFunction<F>;
}

/** jax.custom_jvp: f with a user-defined JVP rule (set with .defjvp). */
export function customJvp<F extends Fn>(f: F): CustomJvpFunction<F> {
  let rule: ((primals: any[], tangents: any[]) => [any, any]) | undefined;
  const wrapped = ((...args: unknown[]) => {
    if (!rule) throw new Error("customJvp: call .defjvp(rule) before calling the function.");
    const [leaves] = flattenArrays("customJvp", args, false, "every argument leaf");
    if (atTopLevel() && leaves.every((l) => l instanceof ArrayImpl)) return f(...args);
    const { fun, consts, inDef, outDef } = traceWithConsts("customJvp", f, args);
    const r = rule;
    const jvp = (ps: JaxArray[], ts: JaxArray[]): [JaxArray[], JaxArray[]] => {
      const [po, to] = r(unflatten(inDef, ps) as unknown[], unflatten(inDef, ts) as unknown[]);
      const [pf, pd] = flattenArrays("customJvp rule", po, false, "every primal output leaf");
      const [tf] = flattenArrays("customJvp rule", to, false, "every tangent output leaf");
      if (!pd.equals(outDef))
        throw new TypeError(`customJvp: the rule's primal output has structure ${pd}, but the function returns ${outDef}.`);
      if (tf.length !== pf.length)
        throw new TypeError("customJvp: the rule's tangent output must have the same structure as its primal output.");
      return [pf, tf.map((t, i) => (t.dtype === pf[i]!.dtype ? t : t.astype(pf[i]!.dtype)))];
    };
    const outs = bind(customJvpCallP, [...consts, ...leaves], { fun, jvp, numConsts: consts.length });
    return unflatten(outDef, outs);
  }) as unknown as CustomJvpFunction<F>;
  wrapped.defjvp = (r) => {
    rule = r;
    return wrapped;
  };
  return wrapped;
}

// ---------------- customVjp ----------------
interface CustomVjpParams {
  fun: ClosedJaxpr;
  /** primals -> [outs, residuals] */
  fwd: (primals: JaxArray[]) => [JaxArray[], JaxArray[]];
  /** (residuals, output cotangents) -> input cotangents */
  bwd: (res: JaxArray[], cts: JaxArray[]) => JaxArray[];
  numConsts: number;
}

interface CustomLinParams {
  bwd: (res: JaxArray[], cts: JaxArray[]) => JaxArray[];
  numRes: number;
  outAvals: ShapedArray[];
}

const noForward = () =>
  new Error(
    "customVjp: cannot apply forward-mode differentiation (jvp, jacfwd) to a function with a custom VJP; use vjp/grad/jacrev, or customJvp.",
  );

/** The linear function whose transpose is the user's bwd (JAX's custom_lin). */
export const customLinP: Primitive<CustomLinParams> = definePrimitive<CustomLinParams>({
  name: "custom_lin",
  abstractEval: (_avals, p) => p.outAvals,
  impl() {
    throw noForward();
  },
  jvp() {
    throw noForward();
  },
  transpose(cts, args, p) {
    const res = args.slice(0, p.numRes) as JaxArray[];
    const c = cts.map((t, i) => instantiate(t instanceof Zero ? new Zero(p.outAvals[i]!) : t));
    return [...res.map(() => null), ...p.bwd(res, c)];
  },
  batch() {
    throw new Error("customVjp: vmap of a linearized custom-VJP function is not supported; apply vmap outside grad/vjp.");
  },
  printParams: () => "",
  onnx: () => {
    throw new Error("jaxts internal error: custom_lin reached a compiled program (linearize transposes it away before jit compiles)");
  },
});

export const customVjpCallP: Primitive<CustomVjpParams> = definePrimitive<CustomVjpParams>({
  name: "custom_vjp_call",
  abstractEval: (_avals, p) => p.fun.jaxpr.outAvals,
  impl: (args, p) => callClosed(p.fun, args) as ArrayImpl[],
  jvp(primals, tangents, p) {
    const ps = primals.slice(p.numConsts);
    const [outs, res] = p.fwd(ps);
    const ts = tangents.slice(p.numConsts).map((t, i): Tangent => (t instanceof Zero ? new Zero(ps[i]!.aval) : t));
    const touts = bind(customLinP, [...res, ...ts.map(instantiate)], {
      bwd: p.bwd,
      numRes: res.length,
      outAvals: outs.map((o) => o.aval),
    });
    return [outs, touts];
  },
  transpose: null,
  batch(size, args, dims, p) {
    const { moved, jaxpr, argDims } = batchCall(p.fun, p.numConsts, size, args, dims);
    let numRes = 0;
    const nOut = p.fun.jaxpr.outs.length;
    const fwd = (ps: JaxArray[]): [JaxArray[], JaxArray[]] => {
      const flat = batchedFlat(
        (xs) => {
          const [o, r] = p.fwd(xs);
          numRes = r.length;
          return [...o, ...r];
        },
        size,
        argDims,
      )(ps);
      return [flat.slice(0, nOut), flat.slice(nOut, nOut + numRes)];
    };
    const bwd = (res: JaxArray[], cts: JaxArray[]): JaxArray[] =>
      batchedFlat((xs) => p.bwd(xs.slice(0, res.length), xs.slice(res.length)), size, [...res.map(() => 0), ...cts.map(() => 0)])([
        ...res,
        ...cts,
      ]);
    const outs = bind(customVjpCallP, moved, { fun: jaxpr, fwd, bwd, numConsts: p.numConsts });
    return [outs, outs.map(() => 0)];
  },
  printParams: () => "",
  onnx: inline("fun"),
});

export interface CustomVjpFunction<F extends Fn> {
  (...args: Parameters<F>): ReturnType<F>;
  /** fwd(...args) returns [out, residuals]; bwd(residuals, ct) returns one cotangent per argument. */
  defvjp(fwd: (...args: any[]) => [any, any], bwd: (res: any, ct: any) => any[]): CustomVjpFunction<F>;
}

/** jax.custom_vjp: f with a user-defined VJP (set with .defvjp(fwd, bwd)). */
export function customVjp<F extends Fn>(f: F): CustomVjpFunction<F> {
  let rules: { fwd: (...args: any[]) => [any, any]; bwd: (res: any, ct: any) => any[] } | undefined;
  const wrapped = ((...args: unknown[]) => {
    if (!rules) throw new Error("customVjp: call .defvjp(fwd, bwd) before calling the function.");
    const [leaves] = flattenArrays("customVjp", args, false, "every argument leaf");
    if (atTopLevel() && leaves.every((l) => l instanceof ArrayImpl)) return f(...args);
    const { fun, consts, inDef, outDef } = traceWithConsts("customVjp", f, args);
    const { fwd: userFwd, bwd: userBwd } = rules;
    let resDef: TreeDef | undefined;
    const fwd = (ps: JaxArray[]): [JaxArray[], JaxArray[]] => {
      const r = userFwd(...(unflatten(inDef, ps) as unknown[]));
      if (!Array.isArray(r) || r.length !== 2) throw new TypeError("customVjp: fwd must return a pair [output, residuals].");
      const [outs, od] = flattenArrays("customVjp fwd", r[0], false, "every output leaf");
      if (!od.equals(outDef)) throw new TypeError(`customVjp: fwd's output has structure ${od}, but the function returns ${outDef}.`);
      const [res, rd] = flattenArrays("customVjp fwd", r[1], false, "every residual leaf");
      resDef = rd;
      return [outs, res];
    };
    const bwd = (res: JaxArray[], cts: JaxArray[]): JaxArray[] => {
      const out = userBwd(unflatten(resDef!, res), unflatten(outDef, cts));
      if (!Array.isArray(out) || out.length !== args.length) {
        throw new TypeError(
          `customVjp: bwd must return an array with one cotangent per argument (${args.length}), got ${Array.isArray(out) ? out.length : typeof out}.`,
        );
      }
      const [flat, d] = flattenArrays("customVjp bwd", out, true, "every cotangent leaf");
      if (!d.equals(inDef)) throw new TypeError(`customVjp: bwd's cotangents have structure ${d}, but the arguments have ${inDef}.`);
      return flat.map((c, i) => (c.dtype === leaves[i]!.dtype ? c : c.astype(leaves[i]!.dtype)));
    };
    const outs = bind(customVjpCallP, [...consts, ...leaves], { fun, fwd, bwd, numConsts: consts.length });
    return unflatten(outDef, outs);
  }) as unknown as CustomVjpFunction<F>;
  wrapped.defvjp = (fwd, bwd) => {
    rules = { fwd, bwd };
    return wrapped;
  };
  return wrapped;
}
