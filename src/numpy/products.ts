// Products: matmul (numpy semantics, batch broadcasting), dot, outer, inner, vdot.
import type { ArrayLike, JaxArray } from "../core/array.js";
import { resultType } from "../core/dtype.js";
import { broadcastShapes, fmtShape } from "../core/shape.js";
import { dotGeneral } from "../primitives/dot_general.js";
import { asJax, broadcastTo, castTo } from "./coerce.js";
import { reshape } from "./manipulation.js";
import { multiply } from "./ufuncs.js";

function promotePair(op: string, x: ArrayLike, y: ArrayLike): [JaxArray, JaxArray] {
  const a = asJax(x, op);
  const b = asJax(y, op);
  const [dt, weak] = resultType([a, b]);
  return [castTo(a, dt, weak), castTo(b, dt, weak)];
}

export function matmul(x: ArrayLike, y: ArrayLike): JaxArray {
  let [a, b] = promotePair("matmul", x, y);
  if (a.ndim === 0 || b.ndim === 0)
    throw new Error(
      `matmul: operands must be at least 1-D; got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}. Use multiply for scalars.`,
    );
  const aVec = a.ndim === 1;
  const bVec = b.ndim === 1;
  if (aVec) a = reshape(a, [1, a.shape[0]!]);
  if (bVec) b = reshape(b, [b.shape[0]!, 1]);
  const k1 = a.shape[a.ndim - 1]!;
  const k2 = b.shape[b.ndim - 2]!;
  if (k1 !== k2) {
    throw new Error(
      `matmul: the contracting dimensions differ: shapes ${fmtShape(asJax(x).shape)} and ${fmtShape(asJax(y).shape)} ` +
        `(${k1} != ${k2}). The last axis of the first operand must equal the second-to-last of the second.`,
    );
  }
  if (b.ndim === 2 && !bVec) {
    // a 2-D right operand contracts directly: the left operand's leading axes stay free
    const out = dotGeneral(a, b, { lhsContracting: [a.ndim - 1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] });
    return aVec ? reshape(out, out.shape.slice(0, -2).concat(out.shape.slice(-1))) : out;
  }
  const batch = broadcastShapes("matmul", a.shape.slice(0, -2), b.shape.slice(0, -2));
  a = broadcastTo(a, [...batch, ...a.shape.slice(-2)], "matmul");
  b = broadcastTo(b, [...batch, ...b.shape.slice(-2)], "matmul");
  const nb = batch.length;
  const bd = [...Array(nb).keys()];
  let out = dotGeneral(a, b, { lhsContracting: [nb + 1], rhsContracting: [nb], lhsBatch: bd, rhsBatch: bd });
  if (aVec || bVec) {
    const s = [...batch];
    if (!aVec) s.push(out.shape[nb]!);
    if (!bVec) s.push(out.shape[out.ndim - 1]!);
    out = reshape(out, s);
  }
  return out;
}

/** numpy dot: scalars multiply; otherwise sum over the last axis of x and the second-to-last of y. */
export function dot(x: ArrayLike, y: ArrayLike): JaxArray {
  const [a, b] = promotePair("dot", x, y);
  if (a.ndim === 0 || b.ndim === 0) return multiply(a, b);
  const ca = a.ndim - 1;
  const cb = b.ndim === 1 ? 0 : b.ndim - 2;
  if (a.shape[ca] !== b.shape[cb]) {
    throw new Error(
      `dot: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are not aligned: ${a.shape[ca]} (axis ${ca}) != ${b.shape[cb]} (axis ${cb}).`,
    );
  }
  return dotGeneral(a, b, { lhsContracting: [ca], rhsContracting: [cb], lhsBatch: [], rhsBatch: [] });
}

export function outer(x: ArrayLike, y: ArrayLike): JaxArray {
  const [a, b] = promotePair("outer", x, y);
  return multiply(reshape(a, [a.size, 1]), reshape(b, [1, b.size]));
}

export function inner(x: ArrayLike, y: ArrayLike): JaxArray {
  const [a, b] = promotePair("inner", x, y);
  if (a.ndim === 0 || b.ndim === 0) return multiply(a, b);
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 1]) {
    throw new Error(`inner: the last axes differ: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}.`);
  }
  return dotGeneral(a, b, { lhsContracting: [a.ndim - 1], rhsContracting: [b.ndim - 1], lhsBatch: [], rhsBatch: [] });
}

export function vdot(x: ArrayLike, y: ArrayLike): JaxArray {
  const [a, b] = promotePair("vdot", x, y);
  return dot(reshape(a, [a.size]), reshape(b, [b.size]));
}
