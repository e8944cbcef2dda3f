// The shape of a lowering rule: a primitive's inputs (graph values) to its outputs.
import type { ShapedArray } from "../../core/aval.js";
import type { ClosedJaxpr } from "../../core/jaxpr.js";
import type { Scope, Val } from "./graph.js";

export interface LowerCtx {
  /** Lowers a sub-jaxpr (a branch, a loop body, an inlined call) into `g` on these inputs. */
  lowerClosed(g: Scope, closed: ClosedJaxpr, ins: readonly Val[]): Val[];
}

/** Emits the ONNX nodes computing one equation; returns one value per output (of the output avals' dtypes and shapes). */
export type LowerRule = (g: Scope, ins: Val[], params: any, outs: readonly ShapedArray[], ctx: LowerCtx) => Val[];
