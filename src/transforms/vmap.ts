// vmap: vectorizing a function over an axis of its (pytree) arguments.
import type { JaxArray } from "../core/array.js";
import type { BatchDim } from "../core/primitive.js";
import { fmtShape } from "../core/shape.js";
import { broadcastPrefix, type TreeDef, unflatten } from "../core/tree.js";
import { flattenArrays, flattenOutputs } from "./args.js";
import { vmapFlat } from "./batching.js";

export type AxisSpec = number | null | readonly AxisSpec[] | { readonly [k: string]: AxisSpec };

export interface VmapOpts {
  /** One entry per argument (each a number, null, or a pytree prefix), or one for all. */
  inAxes?: AxisSpec;
  outAxes?: AxisSpec;
  /** The mapped size, needed when no input is mapped. */
  axisSize?: number;
}

export function vmap(f: (...args: any[]) => any, opts: VmapOpts = {}): (...args: any[]) => any {
  const inAxes = opts.inAxes === undefined ? 0 : opts.inAxes;
  const outAxes = opts.outAxes === undefined ? 0 : opts.outAxes;
  return (...args: any[]) => {
    if (Array.isArray(inAxes) && inAxes.length !== args.length) {
      throw new Error(
        `vmap: inAxes has ${inAxes.length} entries but the function was called with ${args.length} arguments; give one entry per argument.`,
      );
    }
    const [leaves, def] = flattenArrays("vmap", args, false, "every argument leaf");
    const axes = broadcastPrefix(inAxes, args, "vmap inAxes") as (number | null)[];
    const dims: BatchDim[] = leaves.map((x, i) => {
      const a = axes[i];
      if (a === null || a === undefined) return null;
      if (!Number.isInteger(a) || a < -x.ndim || a >= x.ndim) {
        throw new Error(`vmap: inAxes value ${a} is out of range for argument leaf ${i} of shape ${fmtShape(x.shape)}.`);
      }
      return a < 0 ? a + x.ndim : a;
    });
    const sizes = leaves.map((x, i) => (dims[i] === null ? null : x.shape[dims[i]!]!));
    const mapped = sizes.filter((s): s is number => s !== null);
    let size = opts.axisSize;
    if (mapped.length === 0 && size === undefined) {
      throw new Error("vmap: no argument is mapped (all inAxes are null); pass {axisSize} to say how many to produce.");
    }
    if (size === undefined) size = mapped[0]!;
    if (mapped.some((s) => s !== size)) {
      const lines = leaves.flatMap((x, i) =>
        dims[i] === null ? [] : [`  leaf ${i} has shape ${fmtShape(x.shape)} and axis ${dims[i]} is to be mapped (size ${sizes[i]})`],
      );
      throw new Error(`vmap got inconsistent sizes for array axes to be mapped:\n${lines.join("\n")}`);
    }
    let outDef: TreeDef | undefined;
    let outTree: unknown;
    const fFlat = (xs: JaxArray[]) => {
      outTree = f(...(unflatten(def, xs) as unknown[]));
      const [outs, d] = flattenOutputs("vmap", outTree);
      outDef = d;
      return outs;
    };
    const outs = vmapFlat(fFlat, size, leaves, dims, () => broadcastPrefix(outAxes, outTree, "vmap outAxes") as BatchDim[]);
    return unflatten(outDef!, outs);
  };
}
