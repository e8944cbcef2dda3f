// The shape of a lowering rule: a primitive's inputs (graph values) to its outputs.
import type { ShapedArray } from "../../core/aval.js";
import type { ClosedJaxpr } from "../../core/jaxpr.js";
import type { Scope, Val } from "./graph.js";

export interface LowerCtx {
  /** Lowers a sub-jaxpr (a branch, a loop body, an inlined call) into `g` on these inputs. */
  lowerClosed(g: Scope, closed: ClosedJaxpr, ins: readonly Val[]): Val[];
  /**
   * Whether this equation's 16-bit float operands and results arrive widened to float32
   * (lower.ts computes 16-bit floats so): a rule whose result depends on the format itself
   * (bit casts, nextafter) rejects them.
   */
  readonly widened: boolean;
}

/**
 * Emits the ONNX nodes computing one equation; returns one value per output (of the output
 * avals' dtypes and shapes). Throws OrtUnsupported where it has no exact lowering (that
 * equation then runs on the host).
 */
export type LowerRule<P = any> = (g: Scope, ins: Val[], params: P, outs: readonly ShapedArray[], ctx: LowerCtx) => Val[];
