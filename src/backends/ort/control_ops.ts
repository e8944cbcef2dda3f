// ONNX lowering rules of the primitives that hold sub-jaxprs, which their declarations
// name: cond -> If, while and scan -> Loop (never unrolled), and the call-like ones
// (checkpoint, custom_jvp_call, custom_vjp_call), whose body is simply inlined: on a
// forward pass they compute exactly their body.
import type { ClosedJaxpr } from "../../core/jaxpr.js";
import { type Formal, int, type Scope, subgraph, type Val } from "./graph.js";
import type { LowerRule } from "./rule.js";
import * as T from "./typed_ops.js";

const fullVals = (names: readonly string[], outs: readonly Formal[]): Val[] =>
  names.map((name, i) => ({ name, dtype: outs[i]!.dtype, shape: outs[i]!.shape, pshape: outs[i]!.shape }));

const LOOP_FORMALS: Formal[] = [
  { dtype: "int64", shape: [] },
  { dtype: "bool", shape: [] },
];

export const cond: LowerRule = (g, [index, ...ops], { branches }: { branches: ClosedJaxpr[] }, outs, ctx) => {
  // index <= 0 takes branch 0, index <= 1 branch 1, ...: the cpu engine clamps the index
  const build = (sc: Scope, i: number): Val[] => {
    if (i === branches.length - 1) return ctx.lowerClosed(sc, branches[i]!, ops);
    const pick = sc.full(T.cmp(sc, "LessOrEqual", index!, sc.scalar(i, index!.dtype)));
    const then_branch = subgraph(sc, [], (s) => ctx.lowerClosed(s, branches[i]!, ops));
    const else_branch = subgraph(sc, [], (s) => build(s, i + 1));
    return fullVals(sc.emit("If", [pick.name], outs.length, { then_branch, else_branch }), outs);
  };
  return build(g, 0);
};

interface WhileParams {
  cond: ClosedJaxpr;
  body: ClosedJaxpr;
  condNumConsts: number;
  bodyNumConsts: number;
}

export const whileLoop: LowerRule = (g, args, p: WhileParams, outs, ctx) => {
  const cc = args.slice(0, p.condNumConsts);
  const bc = args.slice(p.condNumConsts, p.condNumConsts + p.bodyNumConsts);
  const carry = args.slice(p.condNumConsts + p.bodyNumConsts).map((c) => g.full(c));
  const first = g.full(ctx.lowerClosed(g, p.cond, [...cc, ...carry])[0]!);
  const body = subgraph(g, [...LOOP_FORMALS, ...carry], (sg, [, , ...k]) => {
    const next = ctx.lowerClosed(sg, p.body, [...bc, ...k]);
    return [ctx.lowerClosed(sg, p.cond, [...cc, ...next])[0]!, ...next];
  });
  return fullVals(g.emit("Loop", ["", first.name, ...carry.map((c) => c.name)], carry.length, { body }), outs);
};

interface ScanParams {
  jaxpr: ClosedJaxpr;
  numConsts: number;
  numCarry: number;
  length: number;
  reverse: boolean;
}

export const scan: LowerRule = (g, args, p: ScanParams, outs, ctx) => {
  const consts = args.slice(0, p.numConsts);
  const init = args.slice(p.numConsts, p.numConsts + p.numCarry).map((c) => g.full(c));
  const xs = args.slice(p.numConsts + p.numCarry).map((x) => g.full(x));
  const body = subgraph(g, [...LOOP_FORMALS, ...init], (sg, [iter, keepGoing, ...k]) => {
    const i = p.reverse ? sg.ew("Sub", [sg.scalar(p.length - 1, "int64"), iter!], "int64") : iter!;
    const xi = xs.map((x) => sg.op("Gather", [x, i], x.dtype, x.shape.slice(1), { axis: int(0) }));
    return [keepGoing!, ...ctx.lowerClosed(sg, p.jaxpr, [...consts, ...k, ...xi])];
  });
  const res = fullVals(g.emit("Loop", [g.scalar(p.length, "int64").name, "", ...init.map((c) => c.name)], outs.length, { body }), outs);
  if (!p.reverse) return res;
  // the stacked ys come out in iteration order; a reverse scan stores y_i at index i
  return res.map((v, j) => {
    if (j < p.numCarry) return v;
    return g.op("Slice", [v, g.i64s([p.length - 1]), g.i64s([-(p.length + 1)]), g.i64s([0]), g.i64s([-1])], v.dtype, v.shape);
  });
};

/** A call-like primitive: its jaxpr (params[key]) inlined. */
export const inline =
  (key: "jaxpr" | "fun"): LowerRule =>
  (g, ins, p, _outs, ctx) =>
    ctx.lowerClosed(g, p[key] as ClosedJaxpr, ins);
