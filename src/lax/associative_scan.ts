// lax.associativeScan: an inclusive scan with an associative combine function in
// O(log n) depth (the even/odd recursion of Blelloch's algorithm, as JAX does it), built
// from slices, pads and the user's combine — so it is differentiable and batchable.
import { ArrayImpl, type JaxArray } from "../core/array.js";
import { normAxis } from "../core/shape.js";
import { type TreeDef, unflatten } from "../core/tree.js";
import { add, or } from "../primitives/elementwise.js";
import { concatenate, pad, rev, slice } from "../primitives/shape_ops.js";
import { flattenArrays } from "../transforms/args.js";

export interface AssociativeScanOpts {
  reverse?: boolean;
  axis?: number;
}

function sliceInDim(x: JaxArray, start: number, limit: number | null, stride: number, axis: number): JaxArray {
  const n = x.shape[axis]!;
  const lim = limit === null ? n : limit < 0 ? n + limit : limit;
  return slice(
    x,
    x.shape.map((_, d) => (d === axis ? start : 0)),
    x.shape.map((m, d) => (d === axis ? Math.max(lim, start) : m)),
    x.shape.map((_, d) => (d === axis ? stride : 1)),
  );
}

/** Interleaves a (positions 0, 2, 4, ...) with b (positions 1, 3, ...) along axis. */
function interleave(a: JaxArray, b: JaxArray, axis: number): JaxArray {
  const same = a.shape[axis] === b.shape[axis];
  const cfgA = a.shape.map((_, d) => (d === axis ? ([0, same ? 1 : 0, 1] as const) : ([0, 0, 0] as const)));
  const cfgB = b.shape.map((_, d) => (d === axis ? ([1, same ? 0 : 1, 1] as const) : ([0, 0, 0] as const)));
  const zero = (x: JaxArray) => ArrayImpl.scalar(0, x.dtype, x.weakType);
  const combine = a.dtype === "bool" ? or : add;
  return combine(pad(a, zero(a), cfgA), pad(b, zero(b), cfgB));
}

export function associativeScan(fn: (a: any, b: any) => any, elems: unknown, opts: AssociativeScanOpts = {}): any {
  const [flat, def] = flattenArrays("associativeScan", elems, false, "every element leaf");
  if (flat.length === 0) return elems;
  const axis = normAxis("associativeScan", opts.axis ?? 0, flat[0]!.ndim);
  const n = flat[0]!.shape[axis]!;
  for (const e of flat) {
    if (e.shape[axis] !== n) throw new Error(`associativeScan: every leaf needs the same length ${n} along axis ${axis}.`);
  }
  const combine = (a: JaxArray[], b: JaxArray[]): JaxArray[] => {
    const out = fn(unflatten(def, a), unflatten(def, b));
    const [c, cdef] = flattenArrays("associativeScan", out, false, "every combined leaf");
    if (!cdef.equals(def as TreeDef)) throw new TypeError(`associativeScan: fn must return the structure ${def}, got ${cdef}.`);
    return c;
  };
  const scanRec = (es: JaxArray[]): JaxArray[] => {
    const m = es[0]!.shape[axis]!;
    if (m < 2) return es;
    const reduced = combine(
      es.map((e) => sliceInDim(e, 0, -1, 2, axis)),
      es.map((e) => sliceInDim(e, 1, null, 2, axis)),
    );
    const odd = scanRec(reduced);
    const even =
      m % 2 === 0
        ? combine(
            odd.map((e) => sliceInDim(e, 0, -1, 1, axis)),
            es.map((e) => sliceInDim(e, 2, null, 2, axis)),
          )
        : combine(
            odd,
            es.map((e) => sliceInDim(e, 2, null, 2, axis)),
          );
    const evenFull = es.map((e, i) => concatenate([sliceInDim(e, 0, 1, 1, axis), even[i]!], axis));
    return evenFull.map((e, i) => interleave(e, odd[i]!, axis));
  };
  let xs = opts.reverse ? flat.map((e) => rev(e, [axis])) : flat;
  xs = scanRec(xs);
  if (opts.reverse) xs = xs.map((e) => rev(e, [axis]));
  return unflatten(def, xs);
}
