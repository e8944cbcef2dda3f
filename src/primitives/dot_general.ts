// dot_general: contraction over paired axes with batch axes (matmul, dot, einsum, ...).

import * as K from "../backends/cpu/kernels.js";
import * as S from "../backends/ort/structural_ops.js";
import { ArrayImpl, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { type DType, typedArrayFor } from "../core/dtype.js";
import { definePrimitive, UndefPrimal, Zero } from "../core/primitive.js";
import { fmtShape, sizeOf } from "../core/shape.js";
import { bind1 } from "../core/trace.js";
import { convertElementType } from "./elementwise.js";
import { addTangents, instantiate, moveBatchAxis } from "./rules.js";
import { transpose } from "./shape_ops.js";

export interface DotDims {
  lhsContracting: readonly number[];
  rhsContracting: readonly number[];
  lhsBatch: readonly number[];
  rhsBatch: readonly number[];
}
interface DotParams {
  dims: DotDims;
  preferredElementType: DType | null;
}

const remaining = (n: number, ...used: (readonly number[])[]) => [...Array(n).keys()].filter((d) => !used.some((u) => u.includes(d)));

function outAval(lhs: ShapedArray, rhs: ShapedArray, { dims, preferredElementType }: DotParams): ShapedArray {
  const { lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb } = dims;
  const bad = (why: string) =>
    new Error(
      `dot_general: ${why} (lhs ${lhs.dtype}${fmtShape(lhs.shape)}, rhs ${rhs.dtype}${fmtShape(rhs.shape)}, ` +
        `contracting ${fmtShape(lc)}/${fmtShape(rc)}, batch ${fmtShape(lb)}/${fmtShape(rb)}).`,
    );
  if (lc.length !== rc.length || lb.length !== rb.length) throw bad("contracting and batch dimensions must pair up");
  lc.forEach((d, i) => {
    if (lhs.shape[d] !== rhs.shape[rc[i]!]) throw bad(`contracting sizes differ: ${lhs.shape[d]} vs ${rhs.shape[rc[i]!]}`);
  });
  lb.forEach((d, i) => {
    if (lhs.shape[d] !== rhs.shape[rb[i]!]) throw bad(`batch sizes differ: ${lhs.shape[d]} vs ${rhs.shape[rb[i]!]}`);
  });
  if (lhs.dtype !== rhs.dtype) throw bad("operand dtypes differ");
  const shape = [
    ...lb.map((d) => lhs.shape[d]!),
    ...remaining(lhs.ndim, lc, lb).map((d) => lhs.shape[d]!),
    ...remaining(rhs.ndim, rc, rb).map((d) => rhs.shape[d]!),
  ];
  return new ShapedArray(shape, preferredElementType ?? lhs.dtype, lhs.weakType && rhs.weakType);
}

function impl(lhs: ArrayImpl, rhs: ArrayImpl, p: DotParams): ArrayImpl {
  const aval = outAval(lhs.aval, rhs.aval, p);
  const { lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb } = p.dims;
  const lf = remaining(lhs.ndim, lc, lb);
  const rf = remaining(rhs.ndim, rc, rb);
  const B = sizeOf(lb.map((d) => lhs.shape[d]!));
  const M = sizeOf(lf.map((d) => lhs.shape[d]!));
  const Kd = sizeOf(lc.map((d) => lhs.shape[d]!));
  const N = sizeOf(rf.map((d) => rhs.shape[d]!));
  const a = K.permuted(lhs, [...lb, ...lf, ...lc]);
  const b = K.permuted(rhs, [...rb, ...rc, ...rf]);
  if (aval.dtype === "float16" || aval.dtype === "bfloat16") {
    const tmp = new Float64Array(aval.size);
    K.batchedMatmul(a, b, B, M, Kd, N, tmp);
    return K.fromFloat64(tmp, aval);
  }
  const out = typedArrayFor(aval.dtype, aval.size);
  K.batchedMatmul(a, b, B, M, Kd, N, out);
  return new ArrayImpl(out, aval);
}

const argsort = (xs: readonly number[]) => [...xs.keys()].sort((i, j) => xs[i]! - xs[j]!);
function rangesLike(...lists: (readonly number[])[]): number[][] {
  let start = 0;
  return lists.map((l) => {
    const r = l.map((_, i) => start + i);
    start += l.length;
    return r;
  });
}

/** The cotangent of the lhs of a dot_general (JAX's rule); `swapAns` serves the rhs case. */
function transposeLhs(ct: JaxArray, x: ShapedArray, y: JaxArray, dims: DotDims, pref: DType | null, swapAns: boolean): JaxArray {
  const { lhsContracting: xc, rhsContracting: yc, lhsBatch: xb, rhsBatch: yb } = dims;
  const xKept = remaining(x.ndim, xc, xb);
  const yKept = remaining(y.ndim, yc, yb);
  let ansBatch: number[];
  let ansY: number[];
  if (swapAns) [ansBatch, ansY] = rangesLike(xb, yKept, xKept) as [number[], number[]];
  else {
    const r = rangesLike(xb, xKept, yKept);
    ansBatch = r[0]!;
    ansY = r[2]!;
  }
  const xcSortedByY = argsort(yc).map((i) => xc[i]!);
  const outAxes = argsort([...xb, ...xKept, ...xcSortedByY]);
  const d: DotDims = { lhsContracting: ansY, rhsContracting: yKept, lhsBatch: ansBatch, rhsBatch: yb };
  const res = dotGeneral(ct, y, d, pref);
  return transpose(res, outAxes);
}

export const dotGeneralP = definePrimitive<DotParams>({
  name: "dot_general",
  abstractEval: ([l, r], p) => [outAval(l!, r!, p)],
  impl: ([l, r], p) => [impl(l!, r!, p)],
  jvp([l, r], [tl, tr], { dims, preferredElementType: pref }) {
    const out = dotGeneral(l!, r!, dims, pref);
    const a = tl instanceof Zero ? tl : dotGeneral(tl!, r!, dims, pref);
    const b = tr instanceof Zero ? tr : dotGeneral(l!, tr!, dims, pref);
    return [[out], [addTangents(a, b)]];
  },
  transpose([ct], [l, r], { dims, preferredElementType: pref }) {
    const c = instantiate(ct!);
    if (l instanceof UndefPrimal && r instanceof UndefPrimal) throw new Error("dot_general: cannot transpose with both operands linear");
    if (l instanceof UndefPrimal) {
      return [convertBack(transposeLhs(c, l.aval, r as JaxArray, dims, pref, false), l.aval), null];
    }
    const swapped: DotDims = {
      lhsContracting: dims.rhsContracting,
      rhsContracting: dims.lhsContracting,
      lhsBatch: dims.rhsBatch,
      rhsBatch: dims.lhsBatch,
    };
    const ra = (r as UndefPrimal).aval;
    return [null, convertBack(transposeLhs(c, ra, l as JaxArray, swapped, pref, true), ra)];
  },
  batch(size, [l, r], [bl, br], { dims, preferredElementType: pref }) {
    const sh = (xs: readonly number[]) => xs.map((d) => d + 1);
    const { lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb } = dims;
    if (bl !== null && br !== null) {
      const d: DotDims = { lhsContracting: sh(lc), rhsContracting: sh(rc), lhsBatch: [0, ...sh(lb)], rhsBatch: [0, ...sh(rb)] };
      return [[dotGeneral(moveBatchAxis(size, bl!, 0, l!), moveBatchAxis(size, br!, 0, r!), d, pref)], [0]];
    }
    if (bl !== null) {
      const d: DotDims = { lhsContracting: sh(lc), rhsContracting: rc, lhsBatch: sh(lb), rhsBatch: rb };
      return [[dotGeneral(moveBatchAxis(size, bl!, 0, l!), r!, d, pref)], [lb.length]];
    }
    const d: DotDims = { lhsContracting: lc, rhsContracting: sh(rc), lhsBatch: lb, rhsBatch: sh(rb) };
    const lhsFree = l!.ndim - lc.length - lb.length;
    return [[dotGeneral(l!, moveBatchAxis(size, br!, 0, r!), d, pref)], [lb.length + lhsFree]];
  },
  printParams: (p) =>
    `[dimension_numbers=(((${p.dims.lhsContracting.join(", ")}${p.dims.lhsContracting.length === 1 ? "," : ""}), (${p.dims.rhsContracting.join(", ")}${p.dims.rhsContracting.length === 1 ? "," : ""})), ((${p.dims.lhsBatch.join(", ")}), (${p.dims.rhsBatch.join(", ")}))) preferred_element_type=${p.preferredElementType ?? "None"}]`,
  onnx: (g, ins, p, outs) => S.dotGeneral(g, ins, p, outs),
});

function convertBack(x: JaxArray, aval: ShapedArray): JaxArray {
  return x.dtype === aval.dtype ? x : convertElementType(x, aval.dtype, aval.weakType);
}

export function dotGeneral(lhs: JaxArray, rhs: JaxArray, dims: DotDims, preferredElementType: DType | null = null): JaxArray {
  return bind1(dotGeneralP, [lhs, rhs], { dims, preferredElementType });
}
