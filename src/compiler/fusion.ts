// Fusion planning: groups a jaxpr's equations into loop nests. Elementwise equations over
// one shape, the views feeding them (broadcasts, transposes, slices, reversals: strided
// reads of another array) and the reductions of their results run as one loop, so
// intermediates live in registers; a value is stored to memory (materialized) only when
// an equation outside its loop, or the caller, reads it. Everything else (dot products,
// other data movement, control flow) is an opaque node that the engine lowers alone.
//
// The plan is engine-neutral: an engine supplies the policy saying which equations it
// can put in a loop, and lowers the nodes in order.
import { type Atom, type Jaxpr, type JaxprEqn, Var } from "../core/jaxpr.js";
import { type Shape, shapeEq } from "../core/shape.js";

/**
 * elementwise: out[i] = f(in0[i], in1[i], ...) over equal shapes; view: each output
 * element is one element of the operand at an affine offset (broadcast_in_dim, transpose,
 * slice, rev); reduce: a reduce_{sum,max,min,prod} over `params.axes`; opaque: lowered
 * on its own.
 */
export type EqnClass = "elementwise" | "view" | "reduce" | "opaque";

export interface FusionPolicy {
  classify(eqn: JaxprEqn): EqnClass;
}

const REDUCTIONS = new Set(["reduce_sum", "reduce_max", "reduce_min", "reduce_prod"]);
const VIEWS = new Set(["broadcast_in_dim", "transpose", "slice", "rev"]);

/** The classification any engine can start from: by primitive, with `scalar` marking elementwise ones. */
export function defaultClass(eqn: JaxprEqn): EqnClass {
  const name = eqn.prim.name;
  if (REDUCTIONS.has(name)) return "reduce";
  if (VIEWS.has(name)) return "view";
  if (eqn.outBinders.length === 1 && (eqn.prim.scalar !== undefined || name === "convert_element_type")) return "elementwise";
  return "opaque";
}

export const defaultPolicy: FusionPolicy = { classify: defaultClass };

export interface LoopNode {
  kind: "loop";
  /** The iteration space: the shape of the elementwise values (reductions reduce it). */
  shape: Shape;
  /** The axes every reduction in this loop reduces over; null while it has none. */
  reduceAxes: readonly number[] | null;
  /** Members in program order. */
  eqns: JaxprEqn[];
}

export interface OpaqueNode {
  kind: "opaque";
  eqn: JaxprEqn;
}

export type PlanNode = LoopNode | OpaqueNode;

export interface FusionPlan {
  jaxpr: Jaxpr;
  /** Nodes in execution order: every node's inputs come from earlier nodes or from inside it. */
  nodes: PlanNode[];
  /** The node computing each equation output. */
  nodeOf: Map<Var, number>;
  /** Loop-node values that must be stored: read by another node, or returned. */
  materialized: Set<Var>;
  /**
   * Views of a single element (a broadcast scalar): every element is that one, so loops
   * elsewhere read the element itself, and such a value is stored only for other readers.
   */
  scalarViews: Map<Var, Atom>;
}

interface Producer {
  node: number;
  /** Readable inside the loop that computes it (an elementwise value, not a reduction result). */
  inLoop: boolean;
}

export function planFusion(jaxpr: Jaxpr, policy: FusionPolicy = defaultPolicy): FusionPlan {
  const nodes: PlanNode[] = [];
  const producers = new Map<Var, Producer>();

  // Can `e` join loop node t? Each input must be computed before t starts, or inside t
  // as an elementwise value (a view's operand has another shape, so never inside).
  const canJoin = (e: JaxprEqn, cls: EqnClass, t: number, shape: Shape, axes: readonly number[] | null): boolean => {
    const n = nodes[t]!;
    if (n.kind !== "loop" || !shapeEq(n.shape, shape)) return false;
    if (axes !== null && n.reduceAxes !== null && !sameAxes(n.reduceAxes, axes)) return false;
    for (const a of e.inputs) {
      if (!(a instanceof Var)) continue;
      const p = producers.get(a);
      if (!p || p.node < t) continue;
      if (p.node > t || !p.inLoop || cls === "view") return false;
    }
    return true;
  };

  for (const e of jaxpr.eqns) {
    const cls = policy.classify(e);
    if (cls === "opaque") {
      nodes.push({ kind: "opaque", eqn: e });
      for (const v of e.outBinders) producers.set(v, { node: nodes.length - 1, inLoop: false });
      continue;
    }
    const shape = cls === "reduce" ? e.inputs[0]!.aval.shape : e.outBinders[0]!.aval.shape;
    const axes = cls === "reduce" ? [...(e.params as { axes: readonly number[] }).axes] : null;
    // A loop it can join, preferring the one computing most of its inputs (a chain), then
    // the latest (siblings). No loop before the last producer of an input qualifies.
    let target = -1;
    let best = -1;
    let first = 0;
    for (const a of e.inputs) if (a instanceof Var) first = Math.max(first, producers.get(a)?.node ?? 0);
    for (let t = first; t < nodes.length; t++) {
      if (!canJoin(e, cls, t, shape, axes)) continue;
      const inside = e.inputs.filter((a) => a instanceof Var && producers.get(a)?.node === t).length;
      if (inside >= best) {
        best = inside;
        target = t;
      }
    }
    if (target < 0) {
      nodes.push({ kind: "loop", shape, reduceAxes: null, eqns: [] });
      target = nodes.length - 1;
    }
    const node = nodes[target] as LoopNode;
    node.eqns.push(e);
    if (axes !== null) node.reduceAxes = axes;
    for (const v of e.outBinders) producers.set(v, { node: target, inLoop: cls !== "reduce" });
  }

  const nodeOf = new Map<Var, number>();
  for (const [v, p] of producers) nodeOf.set(v, p.node);
  const scalarViews = new Map<Var, Atom>();
  for (const e of jaxpr.eqns) {
    if (policy.classify(e) === "view" && e.inputs[0]!.aval.size === 1) scalarViews.set(e.outBinders[0]!, e.inputs[0]!);
  }
  const materialized = new Set<Var>();
  const need = (v: Var, reader: number | null) => {
    const p = producers.get(v);
    if (!p || nodes[p.node]!.kind !== "loop") return;
    if (reader !== null && scalarViews.has(v)) return;
    if (reader === null || p.node !== reader || !p.inLoop) materialized.add(v);
  };
  nodes.forEach((n, i) => {
    const eqns = n.kind === "loop" ? n.eqns : [n.eqn];
    for (const e of eqns) for (const a of e.inputs) if (a instanceof Var) need(a, n.kind === "loop" ? i : null);
  });
  for (const o of jaxpr.outs) if (o instanceof Var) need(o, null);
  return { jaxpr, nodes, nodeOf, materialized, scalarViews };
}

function sameAxes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The shape a loop node's reductions produce (its iteration shape without the reduced axes). */
export function reducedShape(node: LoopNode): number[] {
  const axes = node.reduceAxes ?? [];
  return node.shape.filter((_, d) => !axes.includes(d));
}
