// User-facing structured control flow over pytrees: cond, switch, whileLoop, foriLoop,
// scan, map. Bodies are traced once to jaxprs (closures over traced values become explicit
// operands), so loops run without unrolling under jit, grad and vmap.
import { ArrayImpl, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { type ClosedJaxpr, evalJaxpr } from "../core/jaxpr.js";
import { fmtShape } from "../core/shape.js";
import { atTopLevel, bind } from "../core/trace.js";
import { type TreeDef, unflatten } from "../core/tree.js";
import { asJax } from "../numpy/coerce.js";
import { condP, scanP, whileP } from "../primitives/control_flow.js";
import { add, convertElementType } from "../primitives/elementwise.js";
import { flattenArrays } from "../transforms/args.js";
import { traceToJaxpr } from "../transforms/stage.js";

type Fn = (...args: any[]) => any;

interface Traced {
  jaxpr: ClosedJaxpr;
  outDef: TreeDef;
}

/** Traces f on abstract pytree inputs; returns a jaxpr whose consts are hoisted to inputs. */
function traceFn(op: string, f: Fn, inDef: TreeDef, avals: ShapedArray[], wrapArgs: (tree: unknown) => unknown[]): Traced {
  let outDef: TreeDef | undefined;
  const jaxpr = traceToJaxpr((xs) => {
    const [outs, d] = flattenArrays(op, f(...wrapArgs(unflatten(inDef, xs))), false, "every output leaf");
    outDef = d;
    return outs;
  }, avals);
  return { jaxpr, outDef: outDef! };
}

const isConcrete = (xs: readonly JaxArray[]) => xs.every((x) => x instanceof ArrayImpl);

/** Makes the consts of several jaxprs explicit leading inputs shared by all of them. */
function withCommonConsts(jaxprs: ClosedJaxpr[]): { consts: JaxArray[]; jaxprs: ClosedJaxpr[] } {
  const consts = jaxprs.flatMap((j) => j.consts);
  const constAvals = consts.map((c) => c.aval);
  let offset = 0;
  const out = jaxprs.map((j) => {
    const start = offset;
    offset += j.consts.length;
    const n = j.consts.length;
    const inAvals = j.jaxpr.inAvals.slice(n);
    return traceToJaxpr((xs) => evalJaxprWith(j, xs.slice(start, start + n), xs.slice(constAvals.length)), [...constAvals, ...inAvals]);
  });
  return { consts, jaxprs: out };
}
function evalJaxprWith(j: ClosedJaxpr, consts: JaxArray[], args: JaxArray[]): JaxArray[] {
  return evalJaxpr(j.jaxpr, [...consts, ...args]);
}

function checkSameOutputs(op: string, a: Traced, b: Traced, what: string): void {
  if (!a.outDef.equals(b.outDef)) throw new TypeError(`${op}: ${what} must return the same structure; got ${a.outDef} and ${b.outDef}.`);
  const x = a.jaxpr.jaxpr.outAvals;
  const y = b.jaxpr.jaxpr.outAvals;
  x.forEach((v, i) => {
    const w = y[i]!;
    if (v.dtype !== w.dtype || fmtShape(v.shape) !== fmtShape(w.shape)) {
      throw new TypeError(
        `${op}: ${what} must return the same types; output leaf ${i} is ${v.dtype}${fmtShape(v.shape)} in one and ${w.dtype}${fmtShape(w.shape)} in the other.`,
      );
    }
  });
}

/** switch(index, branches, ...operands): branches[clamp(index)](...operands). */
export function switch_(index: unknown, branches: readonly Fn[], ...operands: unknown[]): any {
  if (branches.length === 0) throw new Error("switch: needs at least one branch.");
  const idx = convertElementType(asJax(index as number, "switch"), "int32");
  if (idx.ndim !== 0) throw new TypeError(`switch: the index must be a scalar, got shape ${fmtShape(idx.shape)}.`);
  const [leaves, inDef] = flattenArrays("switch", operands, false, "every operand leaf");
  if (atTopLevel() && isConcrete([idx, ...leaves])) {
    const i = Math.min(Math.max(Number(idx.item()), 0), branches.length - 1);
    return branches[i]!(...operands);
  }
  const traced = branches.map((b) =>
    traceFn(
      "switch",
      b,
      inDef,
      leaves.map((l) => l.aval),
      (t) => t as unknown[],
    ),
  );
  for (const t of traced.slice(1)) checkSameOutputs("switch", traced[0]!, t, "all branches");
  const { consts, jaxprs } = withCommonConsts(traced.map((t) => t.jaxpr));
  const outs = bind(condP, [idx, ...consts, ...leaves], { branches: jaxprs });
  return unflatten(traced[0]!.outDef, outs);
}

/** cond(pred, trueFun, falseFun, ...operands). */
export function cond(pred: unknown, trueFun: Fn, falseFun: Fn, ...operands: unknown[]): any {
  const p = asJax(pred as boolean, "cond");
  if (p.ndim !== 0)
    throw new TypeError(`cond: the predicate must be a scalar, got shape ${fmtShape(p.shape)}; use jnp.where for elementwise selection.`);
  return switch_(convertElementType(p, "int32"), [falseFun, trueFun], ...operands);
}

/** whileLoop(condFun, bodyFun, initVal): forward-differentiable only, as in JAX. */
export function whileLoop(condFun: Fn, bodyFun: Fn, initVal: unknown): any {
  const [leaves, def] = flattenArrays("whileLoop", initVal, false, "every carry leaf");
  if (atTopLevel() && isConcrete(leaves)) {
    let v = initVal;
    for (;;) {
      const c = asJax(condFun(v) as boolean, "whileLoop");
      if (!c.item()) return v;
      v = bodyFun(v);
    }
  }
  const avals = leaves.map((l) => l.aval);
  const c = traceFn("whileLoop", condFun, def, avals, (t) => [t]);
  const b = traceFn("whileLoop", bodyFun, def, avals, (t) => [t]);
  if (!b.outDef.equals(def)) throw new TypeError(`whileLoop: bodyFun must return the carry structure ${def}, got ${b.outDef}.`);
  const bodyOut = coerceCarry("whileLoop", b.jaxpr, avals);
  const cc = c.jaxpr.consts;
  const bc = bodyOut.consts;
  const outs = bind(whileP, [...cc, ...bc, ...leaves], {
    cond: c.jaxpr.withConstsAsInputs(),
    body: bodyOut.withConstsAsInputs(),
    condNumConsts: cc.length,
    bodyNumConsts: bc.length,
  });
  return unflatten(def, outs);
}

/** Casts a body's carry outputs to the carry input types (JS numbers in init are weak). */
function coerceCarry(op: string, j: ClosedJaxpr, carryAvals: ShapedArray[]): ClosedJaxpr {
  const numCarry = carryAvals.length;
  const outs = j.jaxpr.outAvals;
  const needs = carryAvals.some((a, i) => {
    const o = outs[i]!;
    if (fmtShape(o.shape) !== fmtShape(a.shape)) {
      throw new TypeError(
        `${op}: the body returns carry leaf ${i} with shape ${fmtShape(o.shape)}, but the carry has shape ${fmtShape(a.shape)}.`,
      );
    }
    return o.dtype !== a.dtype || o.weakType !== a.weakType;
  });
  if (!needs) return j;
  const inAvals = j.jaxpr.inAvals.slice(j.consts.length);
  return traceToJaxpr((xs) => {
    const res = evalJaxpr(j.jaxpr, [...j.consts, ...xs]);
    return res.map((r, i) => (i < numCarry ? convertElementType(r, carryAvals[i]!.dtype, carryAvals[i]!.weakType) : r));
  }, inAvals);
}

export interface ScanOpts {
  length?: number;
  reverse?: boolean;
}

/** scan(f, init, xs, {length, reverse}): f(carry, x) -> [carry, y]; returns [carry, ys]. */
export function scan(f: Fn, init: unknown, xs: unknown = null, opts: ScanOpts = {}): [any, any] {
  const [carry, cdef] = flattenArrays("scan", init, false, "every carry leaf");
  const [xl, xdef] = flattenArrays("scan", xs, false, "every scanned leaf");
  const lengths = xl.map((x) => {
    if (x.ndim === 0) throw new TypeError("scan: scanned inputs need a leading axis; got a scalar.");
    return x.shape[0]!;
  });
  let length = opts.length;
  if (length === undefined) {
    if (lengths.length === 0) throw new Error("scan: pass {length} when xs is null.");
    length = lengths[0]!;
  }
  if (lengths.some((n) => n !== length)) {
    throw new Error(`scan: scanned inputs must all have leading axis length ${length}; got ${lengths.join(", ")}.`);
  }
  const carryAvals = carry.map((c) => c.aval);
  const xAvals = xl.map((x) => new ShapedArray(x.shape.slice(1), x.dtype, x.weakType));
  let ydef: TreeDef | undefined;
  const body = traceToJaxpr(
    (ins) => {
      const c = unflatten(cdef, ins.slice(0, carry.length));
      const x = unflatten(xdef, ins.slice(carry.length));
      const res = f(c, x);
      if (!Array.isArray(res) || res.length !== 2) throw new TypeError("scan: f must return a pair [carry, y].");
      const [co, cd] = flattenArrays("scan", res[0], false, "every carry leaf");
      if (!cd.equals(cdef)) throw new TypeError(`scan: f must return a carry with the structure ${cdef}, got ${cd}.`);
      const [yo, yd] = flattenArrays("scan", res[1], false, "every y leaf");
      ydef = yd;
      return [...co, ...yo];
    },
    [...carryAvals, ...xAvals],
  );
  const coerced = coerceCarry("scan", body, carryAvals);
  const outs = bind(scanP, [...coerced.consts, ...carry, ...xl], {
    jaxpr: coerced.withConstsAsInputs(),
    numConsts: coerced.consts.length,
    numCarry: carry.length,
    length,
    reverse: opts.reverse ?? false,
  });
  return [unflatten(cdef, outs.slice(0, carry.length)), unflatten(ydef!, outs.slice(carry.length))];
}

/**
 * foriLoop(lower, upper, body, init): body(i, val) -> val. With JS-number bounds it is a
 * scan (reverse-differentiable); with traced bounds a whileLoop (forward mode only).
 */
export function foriLoop(
  lower: number | JaxArray,
  upper: number | JaxArray,
  bodyFun: (i: JaxArray, val: any) => any,
  initVal: unknown,
): any {
  if (typeof lower === "number" && typeof upper === "number") {
    const n = Math.max(0, upper - lower);
    const [[, val]] = scan(
      ([i, v]: [JaxArray, unknown]) => [[add(i, ArrayImpl.scalar(1, "int32")), bodyFun(i, v)], null],
      [ArrayImpl.scalar(lower, "int32"), initVal],
      null,
      { length: n },
    );
    return val;
  }
  const lo = convertElementType(asJax(lower, "foriLoop"), "int32");
  const hi = convertElementType(asJax(upper, "foriLoop"), "int32");
  const [, , val] = whileLoop(
    ([i, h]: [JaxArray, JaxArray]) => i.lt(h),
    ([i, h, v]: [JaxArray, JaxArray, unknown]) => [add(i, ArrayImpl.scalar(1, "int32")), h, bodyFun(i, v)],
    [lo, hi, initVal],
  );
  return val;
}

/** map(f, xs): f over the leading axis of xs, sequentially (a scan without carry). */
export function map(f: Fn, xs: unknown): any {
  const [, ys] = scan((c: null, x: unknown) => [c, f(x)], null, xs);
  return ys;
}
