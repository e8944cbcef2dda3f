// Jacobians and Hessians over pytrees: jacfwd pushes forward a basis of the inputs (vmap of
// jvp), jacrev pulls back a basis of the outputs (vmap of vjp). A leaf of the result has
// shape out.shape + in.shape; the result nests the input structure inside the output's.
import type { JaxArray } from "../core/array.js";
import { isFloat } from "../core/dtype.js";
import { sizeOf } from "../core/shape.js";
import { type TreeDef, unflatten } from "../core/tree.js";
import { eye } from "../numpy/creation.js";
import { reshape, transpose } from "../numpy/manipulation.js";
import { instantiate } from "../primitives/rules.js";
import { slice } from "../primitives/shape_ops.js";
import { flattenArrays, flattenOutputs, normArgnums } from "./args.js";
import { vmapFlat } from "./batching.js";
import { jvpFlat } from "./jvp.js";
import { vjpFlat } from "./linearize.js";

export interface JacOpts {
  argnums?: number | readonly number[];
  hasAux?: boolean;
}

type Fn = (...args: any[]) => any;

/** Rows [start, start+n) of a basis (size x total) reshaped to [size, ...shape]. */
function basisBlock(basis: JaxArray, start: number, shape: readonly number[]): JaxArray {
  const n = sizeOf(shape);
  const rows = basis.shape[0]!;
  const block = slice(basis, [0, start], [rows, start + n]);
  return reshape(block, [rows, ...shape]);
}

function setup(name: string, f: Fn, opts: JacOpts, args: unknown[]) {
  const nums = normArgnums(name, opts.argnums, args.length);
  const [leaves, def] = flattenArrays(
    name,
    nums.map((i) => args[i]),
    true,
    "a differentiated argument",
  );
  for (const l of leaves) {
    if (!isFloat(l.dtype)) throw new TypeError(`${name} requires float inputs, got ${l.dtype}. Cast with .astype('float32').`);
  }
  let outDef: TreeDef | undefined;
  const fFlat = (xs: JaxArray[]) => {
    const tree = unflatten(def, xs) as unknown[];
    const call = [...args];
    nums.forEach((n, k) => {
      call[n] = tree[k];
    });
    const [outs, d] = flattenOutputs(name, f(...call));
    outDef = d;
    return outs;
  };
  return { nums, leaves, def, fFlat, getOutDef: () => outDef! };
}

/** Nests per-(out, in) blocks: output structure outside, argument structure inside. */
function assemble(blocks: JaxArray[][], outDef: TreeDef, inDef: TreeDef, argnums: JacOpts["argnums"]): any {
  const perOut = blocks.map((row) => {
    const inTree = unflatten(inDef, row) as unknown[];
    return typeof argnums === "object" ? inTree : inTree[0];
  });
  return unflatten(outDef, perOut);
}

export function jacfwd(f: Fn, opts: JacOpts = {}): Fn {
  return (...args: any[]) => {
    const { leaves, def, fFlat, getOutDef } = setup("jacfwd", f, opts, args);
    const total = leaves.reduce((s, l) => s + l.size, 0);
    const dt = leaves[0]?.dtype ?? "float32";
    const basis = eye(total, null, { dtype: dt });
    let off = 0;
    const tangents = leaves.map((l) => {
      const b = basisBlock(basis, off, l.shape);
      off += l.size;
      return b.dtype === l.dtype ? b : b.astype(l.dtype);
    });
    // outs: one [total, ...outShape] per output leaf
    const outs = vmapFlat(
      (ts) => jvpFlat(fFlat, leaves, ts)[1].map(instantiate),
      total,
      tangents,
      tangents.map(() => 0),
      (n) => new Array(n).fill(0),
    );
    const blocks = outs.map((o) => {
      let start = 0;
      const outShape = o.shape.slice(1);
      return leaves.map((l) => {
        const part = slice(o, [start, ...outShape.map(() => 0)], [start + l.size, ...outShape]);
        start += l.size;
        // [inSize, ...outShape] -> [...outShape, ...inShape]
        const moved = transpose(part, [...outShape.map((_, i) => i + 1), 0]);
        return reshape(moved, [...outShape, ...l.shape]);
      });
    });
    return assemble(blocks, getOutDef(), def, opts.argnums);
  };
}

export function jacrev(f: Fn, opts: JacOpts = {}): Fn {
  return (...args: any[]) => {
    const { leaves, def, fFlat, getOutDef } = setup("jacrev", f, opts, args);
    const [outs, fVjp] = vjpFlat(fFlat, leaves);
    const total = outs.reduce((s, o) => s + o.size, 0);
    const basis = eye(total, null, { dtype: outs[0]?.dtype ?? "float32" });
    let off = 0;
    const cts = outs.map((o) => {
      const b = basisBlock(basis, off, o.shape);
      off += o.size;
      return b.dtype === o.dtype ? b : b.astype(o.dtype);
    });
    // per input leaf: [total, ...inShape]
    const ins = vmapFlat(
      (c) => fVjp(c).map(instantiate),
      total,
      cts,
      cts.map(() => 0),
      (n) => new Array(n).fill(0),
    );
    let start = 0;
    const blocks = outs.map((o) => {
      const row = leaves.map((l, j) => {
        const g = ins[j]!;
        const part = slice(g, [start, ...l.shape.map(() => 0)], [start + o.size, ...l.shape]);
        return reshape(part, [...o.shape, ...l.shape]);
      });
      start += o.size;
      return row;
    });
    return assemble(blocks, getOutDef(), def, opts.argnums);
  };
}

export function hessian(f: Fn, opts: JacOpts = {}): Fn {
  return jacfwd(jacrev(f, opts), opts);
}
