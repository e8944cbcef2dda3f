// Buffers of compiled code. A value computed by a fused loop (or a matmul) and read by
// another node needs memory: if it is returned, a fresh array per call (callers keep
// outputs); otherwise a buffer allocated once, at compile time, and reused by every call.
// Two such values share a buffer when the first one's last reader runs before the second
// is written (liveness by node order), so a long program needs few buffers.

import type { FusionPlan } from "../../compiler/fusion.js";
import { type DType, ownTypedArray, type TypedArray } from "../../core/dtype.js";
import { type Atom, type JaxprEqn, Var } from "../../core/jaxpr.js";

export type Storage = { kind: "fresh" } | { kind: "pool"; buffer: TypedArray };

/**
 * Storage for every value that needs a buffer: stored values of loop nodes (more than one
 * element; single numbers stay in locals) and the outputs of the opaque equations for
 * which `writesOwnBuffer` holds. Other opaque equations allocate their own results, which
 * may share storage with their inputs (reshape does, for one).
 */
export function planBuffers(
  plan: FusionPlan,
  writesOwnBuffer: (e: JaxprEqn) => boolean,
  allocate: (dtype: DType, n: number) => TypedArray = ownTypedArray,
): Map<Var, Storage> {
  const { nodes, materialized, jaxpr } = plan;
  const storage = new Map<Var, Storage>();

  // Values that need a buffer: stored loop values and dot results with more than one element.
  const buffered: Var[] = [];
  const defNode = new Map<Var, number>();
  nodes.forEach((n, i) => {
    const outs = n.kind === "loop" ? n.eqns.flatMap((e) => e.outBinders) : writesOwnBuffer(n.eqn) ? n.eqn.outBinders : [];
    for (const v of outs) {
      if (n.kind === "loop" && (!materialized.has(v) || v.aval.size === 1)) continue;
      buffered.push(v);
      defNode.set(v, i);
    }
  });
  // Which buffers each value may share storage with: reshape aliases its operand, and
  // an opaque primitive may return (part of) any of its inputs.
  const roots = new Map<Var, Set<Var>>();
  for (const v of buffered) roots.set(v, new Set([v]));
  const lastUse = new Map<Var, number>();
  const use = (a: Atom, at: number) => {
    if (!(a instanceof Var)) return;
    for (const r of roots.get(a) ?? []) lastUse.set(r, Math.max(lastUse.get(r) ?? -1, at));
  };
  nodes.forEach((n, i) => {
    const eqns = n.kind === "loop" ? n.eqns : [n.eqn];
    for (const e of eqns) for (const a of e.inputs) use(a, i);
    if (n.kind === "opaque" && !writesOwnBuffer(n.eqn)) {
      const rs = new Set<Var>();
      for (const a of n.eqn.inputs) if (a instanceof Var) for (const r of roots.get(a) ?? []) rs.add(r);
      if (rs.size > 0) for (const o of n.eqn.outBinders) roots.set(o, rs);
    }
  });
  // Returned values: a buffer a returned reshape aliases is fresh too; others are copied.
  const freshRoots = new Set<Var>();
  for (const o of jaxpr.outs) {
    if (!(o instanceof Var)) continue;
    const direct = reshapeRoot(o, plan);
    if (defNode.has(direct)) freshRoots.add(direct);
    else use(o, nodes.length);
  }
  const free = new Map<string, TypedArray[]>();
  const release: { at: number; key: string; buffer: TypedArray }[] = [];
  const ordered = buffered.filter((v) => !freshRoots.has(v));
  for (const v of buffered) if (freshRoots.has(v)) storage.set(v, { kind: "fresh" });
  for (const v of ordered) {
    const at = defNode.get(v)!;
    // buffers whose last reader ran before this node can be taken again
    for (let k = release.length - 1; k >= 0; k--) {
      const r = release[k]!;
      if (r.at < at) {
        const list = free.get(r.key) ?? [];
        list.push(r.buffer);
        free.set(r.key, list);
        release.splice(k, 1);
      }
    }
    const key = `${v.aval.dtype}:${v.aval.size}`;
    const buffer = free.get(key)?.pop() ?? allocate(v.aval.dtype, v.aval.size);
    storage.set(v, { kind: "pool", buffer });
    release.push({ at: lastUse.get(v) ?? at, key, buffer });
  }
  return storage;
}

/** The value a returned var is a reshape (chain) of, or the var itself. */
function reshapeRoot(v: Var, plan: FusionPlan): Var {
  let cur = v;
  for (;;) {
    const n = plan.nodeOf.get(cur);
    if (n === undefined) return cur;
    const node = plan.nodes[n]!;
    if (node.kind !== "opaque" || node.eqn.prim.name !== "reshape") return cur;
    const src = node.eqn.inputs[0]!;
    if (!(src instanceof Var)) return cur;
    cur = src;
  }
}
