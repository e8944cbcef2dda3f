// Tensor contractions and diagonals: einsum (full subscript syntax: ellipsis, implicit
// output, repeated indices, any number of operands contracted pairwise with dot_general),
// tensordot, kron, cross, trace, diagonal, matrixTranspose and the batched vector/matrix
// products vecdot, matvec and vecmat. All are dot_general, slicing, masking and
// reshaping, so they differentiate, batch and jit.
import { type ArrayLike, JaxArray } from "../core/array.js";
import { type DType, resultType } from "../core/dtype.js";
import { broadcastShapes, fmtShape, normAxis, sizeOf } from "../core/shape.js";
import { dotGeneral } from "../primitives/dot_general.js";
import * as lax from "../primitives/elementwise.js";
import * as R from "../primitives/reduce.js";
import * as S from "../primitives/shape_ops.js";
import { asJax, broadcastTo, castTo, dtypeArg } from "./coerce.js";
import { sum } from "./reductions.js";
import { moveaxis } from "./shaping.js";
import { multiply, subtract } from "./ufuncs.js";

function promoteAll(op: string, xs: ArrayLike[]): JaxArray[] {
  const arrs = xs.map((x) => asJax(x, op));
  const [dt, weak] = resultType(arrs);
  return arrs.map((a) => castTo(a, dt, weak));
}

// ---------------------------------------------------------------------------
// einsum

type Labels = number[];
const ELLIPSIS_BASE = -1; // ellipsis dimensions get labels -1, -2, ... (right-aligned across operands)

function parseTerm(term: string, ndim: number, op: number, spec: string): Labels {
  const dots = term.indexOf("...");
  const letters = term.replace("...", "");
  if (letters.includes(".")) throw new Error(`einsum: invalid subscripts ${JSON.stringify(spec)}: a lone '.' (use '...').`);
  for (const ch of letters) {
    if (!/[a-zA-Z]/.test(ch))
      throw new Error(`einsum: invalid subscript character ${JSON.stringify(ch)} in ${JSON.stringify(spec)}; use letters.`);
  }
  const codes = [...letters].map((ch) => ch.charCodeAt(0));
  if (dots < 0) {
    if (codes.length !== ndim) {
      throw new Error(`einsum: operand ${op} has ${ndim} dimensions but its subscripts ${JSON.stringify(term)} name ${codes.length}.`);
    }
    return codes;
  }
  const nEll = ndim - codes.length;
  if (nEll < 0) throw new Error(`einsum: operand ${op} has ${ndim} dimensions, fewer than its subscripts ${JSON.stringify(term)} name.`);
  const before = [...term.slice(0, dots)].map((ch) => ch.charCodeAt(0));
  const after = [...term.slice(dots + 3)].map((ch) => ch.charCodeAt(0));
  const ell = [...Array(nEll).keys()].map((i) => ELLIPSIS_BASE - (nEll - 1 - i));
  return [...before, ...ell, ...after];
}

/** An operand with one label per axis during contraction. */
interface Term {
  x: JaxArray;
  labels: Labels;
}

/** Sums out `drop` labels; repeated labels become their diagonal first (mask with an identity, sum the copies). */
function simplify(t: Term, keep: (l: number) => boolean): Term {
  let { x, labels } = t;
  // repeated labels: keep the first axis, zero the off-diagonal, sum over the other copies
  for (const l of [...new Set(labels)]) {
    const axes = labels.flatMap((m, i) => (m === l ? [i] : []));
    if (axes.length < 2) continue;
    let mask: JaxArray | null = null;
    const first = S.iota("int32", x.shape, axes[0]!);
    for (const ax of axes.slice(1)) {
      const eq = lax.eq(first, S.iota("int32", x.shape, ax));
      mask = mask ? lax.and(mask, eq) : eq;
    }
    x = lax.select(mask!, x, S.fullLike(x.aval, 0));
    const drop = axes.slice(1);
    x = R.reduceSum(x, drop);
    labels = labels.filter((_, i) => !drop.includes(i));
  }
  const sumAxes = labels.flatMap((l, i) => (keep(l) ? [] : [i]));
  if (sumAxes.length) {
    x = R.reduceSum(x, sumAxes);
    labels = labels.filter((_, i) => !sumAxes.includes(i));
  }
  return { x, labels };
}

function contractPair(a: Term, b: Term, keep: (l: number) => boolean): Term {
  const inB = (l: number) => b.labels.includes(l);
  const inA = (l: number) => a.labels.includes(l);
  const A = simplify(a, (l) => keep(l) || inB(l));
  const B = simplify(b, (l) => keep(l) || inA(l));
  const shared = A.labels.filter((l) => B.labels.includes(l));
  const batch = shared.filter(keep);
  const contract = shared.filter((l) => !keep(l));
  const x = dotGeneral(A.x, B.x, {
    lhsContracting: contract.map((l) => A.labels.indexOf(l)),
    rhsContracting: contract.map((l) => B.labels.indexOf(l)),
    lhsBatch: batch.map((l) => A.labels.indexOf(l)),
    rhsBatch: batch.map((l) => B.labels.indexOf(l)),
  });
  const labels = [...batch, ...A.labels.filter((l) => !shared.includes(l)), ...B.labels.filter((l) => !shared.includes(l))];
  return { x, labels };
}

export interface EinsumOpts {
  /** Compute and return in this dtype (the operands are cast to it). */
  preferredElementType?: DType;
}

/**
 * Einstein summation, numpy's subscript syntax: "ij,jk->ik", implicit output ("ij,jk"),
 * ellipsis broadcasting ("...ij,...jk->...ik"), repeated indices (traces and diagonals,
 * "ii->i"), and any number of operands, contracted pairwise (smallest result first) with
 * dot_general. An options object may follow the operands.
 */
export function einsum(subscripts: string, ...rest: (ArrayLike | EinsumOpts)[]): JaxArray {
  const last = rest[rest.length - 1];
  const hasOpts =
    typeof last === "object" && last !== null && !Array.isArray(last) && !ArrayBuffer.isView(last) && !(last instanceof JaxArray);
  const opts = (hasOpts ? last : {}) as EinsumOpts;
  const operands = (hasOpts ? rest.slice(0, -1) : rest) as ArrayLike[];
  if (operands.length === 0) throw new Error("einsum: at least one operand is required.");
  const spec = subscripts.replace(/\s+/g, "");
  const arrow = spec.indexOf("->");
  const lhs = arrow < 0 ? spec : spec.slice(0, arrow);
  const terms = lhs.split(",");
  if (terms.length !== operands.length) {
    throw new Error(
      `einsum: the subscripts ${JSON.stringify(subscripts)} describe ${terms.length} operands but ${operands.length} were given.`,
    );
  }
  let xs = promoteAll("einsum", operands);
  const pet = dtypeArg("einsum", opts.preferredElementType);
  const outDtype = pet ?? xs[0]!.dtype;
  const outWeak = pet ? false : xs[0]!.weakType;
  // booleans contract as integers (then compare with 0), as a logical or-of-ands
  const work: DType = outDtype === "bool" ? "int32" : outDtype;
  xs = xs.map((x) => castTo(x, work, outWeak));
  const labels = terms.map((t, i) => parseTerm(t, xs[i]!.ndim, i, subscripts));

  // every label's size: equal across operands, or 1 (broadcast)
  const size = new Map<number, number>();
  labels.forEach((ls, i) =>
    ls.forEach((l, ax) => {
      const n = xs[i]!.shape[ax]!;
      const prev = size.get(l);
      if (prev === undefined || prev === 1) size.set(l, n);
      else if (n !== 1 && n !== prev) {
        const name = l < 0 ? "the ellipsis" : `'${String.fromCharCode(l)}'`;
        throw new Error(
          `einsum: size mismatch for ${name} in ${JSON.stringify(subscripts)}: ${prev} vs ${n} (operand ${i}, shape ${fmtShape(xs[i]!.shape)}).`,
        );
      }
    }),
  );

  let out: Labels;
  const ellLabels = [...size.keys()].filter((l) => l < 0).sort((p, q) => p - q);
  if (arrow >= 0) {
    const rhs = spec.slice(arrow + 2);
    if (rhs.includes("->") || rhs.includes(",")) throw new Error(`einsum: invalid output subscripts in ${JSON.stringify(subscripts)}.`);
    const dots = rhs.indexOf("...");
    const letters = [...rhs.replace("...", "")].map((ch) => ch.charCodeAt(0));
    if (new Set(letters).size !== letters.length) throw new Error(`einsum: repeated output subscript in ${JSON.stringify(subscripts)}.`);
    for (const l of letters) {
      if (!size.has(l))
        throw new Error(
          `einsum: output subscript '${String.fromCharCode(l)}' does not appear in the inputs of ${JSON.stringify(subscripts)}.`,
        );
    }
    out =
      dots < 0
        ? letters
        : [...[...rhs.slice(0, dots)].map((c) => c.charCodeAt(0)), ...ellLabels, ...[...rhs.slice(dots + 3)].map((c) => c.charCodeAt(0))];
  } else {
    // implicit output: the broadcast (ellipsis) dimensions, then labels used exactly once, sorted
    const counts = new Map<number, number>();
    for (const ls of labels) for (const l of ls) if (l >= 0) counts.set(l, (counts.get(l) ?? 0) + 1);
    out = [
      ...ellLabels,
      ...[...counts.entries()]
        .filter(([, c]) => c === 1)
        .map(([l]) => l)
        .sort((p, q) => p - q),
    ];
  }

  // broadcast size-1 axes to their label's size, so every operand agrees
  let terms_: Term[] = xs.map((x, i) => {
    const ls = labels[i]!;
    const target = ls.map((l) => size.get(l)!);
    return { x: target.every((n, d) => n === x.shape[d]) ? x : S.broadcastInDim(x, target, [...x.shape.keys()]), labels: ls };
  });

  const outSet = new Set(out);
  const keepFor = (others: Term[]) => (l: number) => outSet.has(l) || others.some((t) => t.labels.includes(l));
  while (terms_.length > 1) {
    // greedy: contract the pair with the smallest result
    let best: [number, number] = [0, 1];
    let bestSize = Number.POSITIVE_INFINITY;
    for (let i = 0; i < terms_.length; i++) {
      for (let j = i + 1; j < terms_.length; j++) {
        const keep = keepFor(terms_.filter((_, q) => q !== i && q !== j));
        const ls = new Set([...terms_[i]!.labels, ...terms_[j]!.labels].filter(keep));
        const n = sizeOf([...ls].map((l) => size.get(l)!));
        if (n < bestSize) {
          bestSize = n;
          best = [i, j];
        }
      }
    }
    const [i, j] = best;
    const others = terms_.filter((_, q) => q !== i && q !== j);
    const merged = contractPair(terms_[i]!, terms_[j]!, keepFor(others));
    terms_ = [...others, merged];
  }
  const final = simplify(terms_[0]!, (l) => outSet.has(l));
  let result = S.transpose(
    final.x,
    out.map((l) => final.labels.indexOf(l)),
  );
  if (outDtype === "bool") result = lax.ne(result, S.fullLike(result.aval, 0));
  return castTo(result, outDtype, outWeak);
}

// ---------------------------------------------------------------------------
// tensordot, kron, cross

/** Contracts the last `axes` axes of a with the first of b, or the given axis lists [aAxes, bAxes]. */
export function tensordot(
  a: ArrayLike,
  b: ArrayLike,
  axes: number | readonly [number | readonly number[], number | readonly number[]] = 2,
): JaxArray {
  const [x, y] = promoteAll("tensordot", [a, b]) as [JaxArray, JaxArray];
  let ca: number[];
  let cb: number[];
  if (typeof axes === "number") {
    if (!Number.isInteger(axes) || axes < 0 || axes > Math.min(x.ndim, y.ndim)) {
      throw new Error(
        `tensordot: axes=${axes} must be an integer between 0 and the smaller rank (${fmtShape(x.shape)}, ${fmtShape(y.shape)}).`,
      );
    }
    ca = [...Array(axes).keys()].map((i) => x.ndim - axes + i);
    cb = [...Array(axes).keys()];
  } else {
    const [p, q] = axes;
    const pa = typeof p === "number" ? [p] : [...p];
    const qa = typeof q === "number" ? [q] : [...q];
    if (pa.length !== qa.length)
      throw new Error(`tensordot: the axis lists must have equal lengths, got ${JSON.stringify(p)} and ${JSON.stringify(q)}.`);
    ca = pa.map((d) => normAxis("tensordot", d, x.ndim));
    cb = qa.map((d) => normAxis("tensordot", d, y.ndim));
  }
  ca.forEach((d, i) => {
    if (x.shape[d] !== y.shape[cb[i]!]) {
      throw new Error(
        `tensordot: contracted axes differ in size: axis ${d} of ${fmtShape(x.shape)} vs axis ${cb[i]} of ${fmtShape(y.shape)}.`,
      );
    }
  });
  return dotGeneral(x, y, { lhsContracting: ca, rhsContracting: cb, lhsBatch: [], rhsBatch: [] });
}

/** The Kronecker product: blocks a[i, j] * b (ranks aligned by leading 1s). */
export function kron(a: ArrayLike, b: ArrayLike): JaxArray {
  let [x, y] = promoteAll("kron", [a, b]) as [JaxArray, JaxArray];
  const nd = Math.max(x.ndim, y.ndim);
  x = S.reshape(x, [...Array(nd - x.ndim).fill(1), ...x.shape]);
  y = S.reshape(y, [...Array(nd - y.ndim).fill(1), ...y.shape]);
  const xi = S.reshape(
    x,
    x.shape.flatMap((n) => [n, 1]),
  );
  const yi = S.reshape(
    y,
    y.shape.flatMap((n) => [1, n]),
  );
  return S.reshape(
    multiply(xi, yi),
    x.shape.map((n, i) => n * y.shape[i]!),
  );
}

/** x[..., i] along the last axis. */
function lastAt(x: JaxArray, i: number): JaxArray {
  const last = x.ndim - 1;
  const s = S.slice(
    x,
    x.shape.map((_, d) => (d === last ? i : 0)),
    x.shape.map((n, d) => (d === last ? i + 1 : n)),
  );
  return S.reshape(s, x.shape.slice(0, -1));
}

export interface CrossOpts {
  axisa?: number;
  axisb?: number;
  axisc?: number;
  /** Overrides axisa, axisb and axisc. */
  axis?: number;
}
/** Cross product of 3-vectors (a 2-vector counts as z = 0; two 2-vectors give the scalar z component). */
export function cross(a: ArrayLike, b: ArrayLike, opts: CrossOpts = {}): JaxArray {
  const axisa = opts.axis ?? opts.axisa ?? -1;
  const axisb = opts.axis ?? opts.axisb ?? -1;
  const axisc = opts.axis ?? opts.axisc ?? -1;
  const x = moveaxis(a, axisa, -1);
  const y = moveaxis(b, axisb, -1);
  const nx = x.shape[x.ndim - 1];
  const ny = y.shape[y.ndim - 1];
  if ((nx !== 2 && nx !== 3) || (ny !== 2 && ny !== 3)) {
    throw new Error(
      `cross: the vector axes must have length 2 or 3, got shapes ${fmtShape(x.shape)} and ${fmtShape(y.shape)} (vectors along the last axis).`,
    );
  }
  const [x0, x1, y0, y1] = [lastAt(x, 0), lastAt(x, 1), lastAt(y, 0), lastAt(y, 1)];
  if (nx === 2 && ny === 2) return subtract(multiply(x0, y1), multiply(x1, y0));
  const x2 = nx === 3 ? lastAt(x, 2) : S.fullLike(x0.aval, 0);
  const y2 = ny === 3 ? lastAt(y, 2) : S.fullLike(y0.aval, 0);
  const comps = [
    subtract(multiply(x1, y2), multiply(x2, y1)),
    subtract(multiply(x2, y0), multiply(x0, y2)),
    subtract(multiply(x0, y1), multiply(x1, y0)),
  ];
  const [dt, weak] = resultType(comps);
  const shape = broadcastShapes("cross", ...comps.map((c) => c.shape));
  const c = S.concatenate(
    comps.map((v) => S.reshape(broadcastTo(castTo(v, dt, weak), shape, "cross"), [1, ...shape])),
    0,
  );
  return moveaxis(c, 0, axisc);
}

// ---------------------------------------------------------------------------
// diagonals and traces

/**
 * The `offset` diagonal of the (axis1, axis2) planes, as a last axis. Gather-free: slice the
 * d x d block holding the diagonal, flatten it, and take every (d + 1)-th element.
 */
export function diagonal(a: ArrayLike, offset = 0, axis1 = 0, axis2 = 1): JaxArray {
  const x0 = asJax(a, "diagonal");
  if (x0.ndim < 2) throw new Error(`diagonal: the input must be at least 2-D, got shape ${fmtShape(x0.shape)}.`);
  if (!Number.isInteger(offset)) throw new TypeError(`diagonal: offset must be an integer, got ${offset}.`);
  const ax1 = normAxis("diagonal", axis1, x0.ndim);
  const ax2 = normAxis("diagonal", axis2, x0.ndim);
  if (ax1 === ax2) throw new Error("diagonal: axis1 and axis2 must be different.");
  const x = moveaxis(x0, [ax1, ax2], [-2, -1]);
  const lead = x.shape.slice(0, -2);
  const n = x.shape[x.ndim - 2]!;
  const m = x.shape[x.ndim - 1]!;
  const d = Math.max(0, Math.min(n + Math.min(offset, 0), m - Math.max(offset, 0)));
  if (d === 0)
    return S.reshape(
      S.slice(
        x,
        x.shape.map(() => 0),
        [...lead, 0, 0],
      ),
      [...lead, 0],
    );
  const r0 = offset < 0 ? -offset : 0;
  const c0 = offset > 0 ? offset : 0;
  const block = S.slice(x, [...lead.map(() => 0), r0, c0], [...lead, r0 + d, c0 + d]);
  const flat = S.reshape(block, [...lead, d * d]);
  return S.slice(flat, [...lead.map(() => 0), 0], [...lead, d * d], [...lead.map(() => 1), d + 1]);
}

/** The sum along the `offset` diagonal of the (axis1, axis2) planes (small ints accumulate in int32). */
export function trace(a: ArrayLike, offset = 0, axis1 = 0, axis2 = 1, opts: { dtype?: DType } = {}): JaxArray {
  return sum(diagonal(a, offset, axis1, axis2), -1, { dtype: dtypeArg("trace", opts.dtype) });
}

/** Swaps the last two axes (x.mT). */
export function matrixTranspose(x: ArrayLike): JaxArray {
  const a = asJax(x, "matrixTranspose");
  if (a.ndim < 2) throw new Error(`matrixTranspose: the input must be at least 2-D, got shape ${fmtShape(a.shape)}.`);
  const perm = [...Array(a.ndim).keys()];
  perm[a.ndim - 2] = a.ndim - 1;
  perm[a.ndim - 1] = a.ndim - 2;
  return S.transpose(a, perm);
}

// ---------------------------------------------------------------------------
// batched vector/matrix products (batch dimensions broadcast)

/** dot_general with every leading (broadcast) batch axis paired, contracting the given trailing axes. */
function batchedDot(op: string, x: JaxArray, y: JaxArray, xCore: number, yCore: number, xContract: number, yContract: number): JaxArray {
  const batch = broadcastShapes(op, x.shape.slice(0, x.ndim - xCore), y.shape.slice(0, y.ndim - yCore));
  const xb = broadcastTo(x, [...batch, ...x.shape.slice(x.ndim - xCore)], op);
  const yb = broadcastTo(y, [...batch, ...y.shape.slice(y.ndim - yCore)], op);
  const nb = batch.length;
  const cx = nb + xContract;
  const cy = nb + yContract;
  if (xb.shape[cx] !== yb.shape[cy]) {
    throw new Error(`${op}: contracted dimensions differ: ${fmtShape(x.shape)} and ${fmtShape(y.shape)}.`);
  }
  const bd = [...Array(nb).keys()];
  return dotGeneral(xb, yb, { lhsContracting: [cx], rhsContracting: [cy], lhsBatch: bd, rhsBatch: bd });
}

/** Dot products of vectors along `axis`, batch dimensions broadcast. */
export function vecdot(x1: ArrayLike, x2: ArrayLike, opts: { axis?: number } = {}): JaxArray {
  const [a0, b0] = promoteAll("vecdot", [x1, x2]) as [JaxArray, JaxArray];
  const axis = opts.axis ?? -1;
  const a = moveaxis(a0, axis, -1);
  const b = moveaxis(b0, axis, -1);
  return batchedDot("vecdot", a, b, 1, 1, 0, 0);
}
/** Matrix-vector products: (..., n, m) x (..., m) -> (..., n). */
export function matvec(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const [a, b] = promoteAll("matvec", [x1, x2]) as [JaxArray, JaxArray];
  if (a.ndim < 2 || b.ndim < 1)
    throw new Error(`matvec: need a matrix and a vector, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}.`);
  return batchedDot("matvec", a, b, 2, 1, 1, 0);
}
/** Vector-matrix products: (..., m) x (..., m, n) -> (..., n). */
export function vecmat(x1: ArrayLike, x2: ArrayLike): JaxArray {
  const [a, b] = promoteAll("vecmat", [x1, x2]) as [JaxArray, JaxArray];
  if (a.ndim < 1 || b.ndim < 2)
    throw new Error(`vecmat: need a vector and a matrix, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}.`);
  return batchedDot("vecmat", a, b, 1, 2, 0, 0);
}
