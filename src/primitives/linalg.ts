// Linear-algebra primitives (jax.lax.linalg): cholesky, lu, triangular_solve, qr, eigh and
// svd as in JAX, plus det and pinv, which jax.numpy differentiates with custom rules
// (cofactors for det, Golub–Pereyra for pinv) that need a primitive here since jaxts has no
// custom_jvp. Each takes a batch of matrices [..., m, n] of float32 or float64; the eager
// kernels (backends/cpu/linalg.ts) compute in float64. The JVP rules are JAX's
// (jax/_src/lax/linalg.py and jax/_src/numpy/linalg.py), written with primitives that are
// linear in the tangent, so reverse mode transposes them. ONNX has no decompositions:
// under jit on ort they run on the host between sessions (`onnx: "host"`), as XLA calls
// LAPACK; det lowers to ONNX's Det where onnxruntime has a kernel (float32).

import * as K from "../backends/cpu/linalg.js";
import { OrtUnsupported } from "../backends/ort/graph.js";
import { ArrayImpl, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import type { DType } from "../core/dtype.js";
import { definePrimitive, type Primitive, type Tangent, UndefPrimal, Zero } from "../core/primitive.js";
import { fmtShape, type Shape, sizeOf } from "../core/shape.js";
import { bind, bind1 } from "../core/trace.js";
import { dotGeneral } from "./dot_general.js";
import { add, convertElementType, div, eq, isFinite as finite, mul, ne, neg, not, rem, select, sub } from "./elementwise.js";
import { reduceMax, reduceProd, reduceSum } from "./reduce.js";
import { addTangents, batchElementwise, instantiate } from "./rules.js";
import { broadcastInDim, concatenate, fullLike, iota, pad, reshape, slice, transpose } from "./shape_ops.js";

// ---- checks and eager plumbing ----

function checkOperand(op: string, x: ShapedArray, square: boolean): void {
  if (x.dtype !== "float32" && x.dtype !== "float64") {
    throw new TypeError(`${op}: expected a float32 or float64 array, got ${x.dtype}${fmtShape(x.shape)}. Cast it with .astype("float32").`);
  }
  if (x.ndim < 2) throw new Error(`${op}: expected a batch of matrices of shape [..., m, n], got shape ${fmtShape(x.shape)}.`);
  if (square && x.shape[x.ndim - 1] !== x.shape[x.ndim - 2]) {
    throw new Error(`${op}: expected square matrices of shape [..., n, n], got shape ${fmtShape(x.shape)}.`);
  }
}

const batchOf = (x: { shape: Shape }): number[] => x.shape.slice(0, -2);
const rowsOf = (x: { shape: Shape }): number => x.shape[x.shape.length - 2]!;
const colsOf = (x: { shape: Shape }): number => x.shape[x.shape.length - 1]!;

/** The b-th matrix of a batch [..., r, c], as float64. */
function matrixAt(x: ArrayImpl, b: number): Float64Array {
  const per = rowsOf(x) * colsOf(x);
  return Float64Array.from((x.data as Float64Array).subarray(b * per, (b + 1) * per));
}

/** Writes the b-th item of a batched output (converting to its dtype). */
function put(out: ArrayImpl, b: number, vals: ArrayLike<number>): void {
  (out.data as Float64Array).set(vals, b * vals.length);
}

// ---- matrix helpers for the JVP rules (leading dims are batch dims) ----

/** Swaps the last two axes. */
export function mT(x: JaxArray): JaxArray {
  const nd = x.ndim;
  return transpose(x, [...Array(nd - 2).keys(), nd - 1, nd - 2]);
}

/** Batched matrix product of [..., m, k] and [..., k, n] with equal batch dims. */
function mm(a: JaxArray, b: JaxArray): JaxArray {
  const nb = a.ndim - 2;
  const bd = [...Array(nb).keys()];
  return dotGeneral(a, b, { lhsContracting: [nb + 1], rhsContracting: [nb], lhsBatch: bd, rhsBatch: bd });
}

/** A constant of `like`'s shape and dtype whose matrix entries are f(i, j) (same for every batch item). */
function matrixConst(like: { shape: Shape; dtype: DType }, f: (i: number, j: number) => number): JaxArray {
  const r = rowsOf(like);
  const c = colsOf(like);
  const m = ArrayImpl.zeros([r, c], like.dtype);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) m.data[i * c + j] = f(i, j);
  const nd = like.shape.length;
  return broadcastInDim(m, like.shape, [nd - 2, nd - 1]);
}

/** Entries on or below the k-th diagonal (jnp.tril). */
const tril = (x: JaxArray, k = 0): JaxArray =>
  mul(
    x,
    matrixConst(x, (i, j) => (j <= i + k ? 1 : 0)),
  );
/** Entries on or above the k-th diagonal (jnp.triu). */
const triu = (x: JaxArray, k = 0): JaxArray =>
  mul(
    x,
    matrixConst(x, (i, j) => (j >= i + k ? 1 : 0)),
  );
const eyeLike = (x: { shape: Shape; dtype: DType }): JaxArray => matrixConst(x, (i, j) => (i === j ? 1 : 0));

/** The diagonal [..., n] of square matrices [..., n, n]. */
export function diagPart(x: JaxArray): JaxArray {
  return reduceSum(mul(x, eyeLike(x)), [x.ndim - 1]);
}

/** Batched vectors [..., n] as matrices [..., n, n]: entry [i, j] is v[j] (alongRows) or v[i]. */
function spread(v: JaxArray, alongRows: boolean): JaxArray {
  const nb = v.ndim - 1;
  const n = v.shape[nb]!;
  const dims = [...Array(nb).keys(), alongRows ? nb + 1 : nb];
  return broadcastInDim(v, [...v.shape.slice(0, nb), n, n], dims);
}

function sliceMatrix(x: JaxArray, r0: number, r1: number, c0: number, c1: number): JaxArray {
  const b = batchOf(x);
  return slice(x, [...b.map(() => 0), r0, c0], [...b, r1, c1]);
}

const scalarOf = (x: { dtype: DType }, v: number): ArrayImpl => ArrayImpl.scalar(v, x.dtype);

/** The permutation matrix P of a permutation vector [..., m]: (P·A)[i] = A[perm[i]]. */
function permutationMatrix(perm: JaxArray, dtype: DType): JaxArray {
  const nb = perm.ndim - 1;
  const m = perm.shape[nb]!;
  const shape = [...perm.shape.slice(0, nb), m, m];
  const rows = broadcastInDim(perm, shape, [...Array(nb + 1).keys()]);
  return convertElementType(eq(rows, iota("int32", shape, nb + 1)), dtype);
}

// ---- cholesky ----

export const choleskyP: Primitive<Record<string, never>> = definePrimitive<Record<string, never>>({
  name: "cholesky",
  abstractEval([x]) {
    checkOperand("cholesky", x!, true);
    return [x!.strong()];
  },
  impl([x]) {
    const [aval] = choleskyP.abstractEval([x!.aval], {});
    const n = colsOf(x!);
    const out = ArrayImpl.zeros(aval!.shape, aval!.dtype);
    for (let b = 0; b < sizeOf(batchOf(x!)); b++) put(out, b, K.cholesky(matrixAt(x!, b), n));
    return [out];
  },
  jvp([x], [t]) {
    // Murray, "Differentiation of the Cholesky decomposition" (arXiv:1602.07527), as in JAX:
    // L̇ = L·Φ(L⁻¹·Σ̇·L⁻ᵀ), Φ = lower triangle with the diagonal halved.
    const L = cholesky(x!);
    const tmp = triangularSolve(L, instantiate(t!), { leftSide: false, lower: true, transposeA: true, unitDiagonal: false });
    const inner = triangularSolve(L, tmp, { leftSide: true, lower: true, transposeA: false, unitDiagonal: false });
    const phi = mul(
      inner,
      matrixConst(inner, (i, j) => (j < i ? 1 : j === i ? 0.5 : 0)),
    );
    return [[L], [mm(L, phi)]];
  },
  transpose: null,
  batch: batchElementwise((args) => [cholesky(args[0]!)]),
  onnx: "host",
});

/** lax.linalg.cholesky without symmetrization: the lower factor of the lower triangle of x (NaNs if not positive definite). */
export const cholesky = (x: JaxArray): JaxArray => bind1(choleskyP, [x], {});

// ---- triangular_solve ----

export interface TriangularSolveParams {
  /** Solve op(A)·X = B (true) or X·op(A) = B (false). */
  leftSide: boolean;
  /** Which triangle of A is read. */
  lower: boolean;
  /** op(A) = Aᵀ. */
  transposeA: boolean;
  /** Treat A's diagonal as ones (it is not read). */
  unitDiagonal: boolean;
}

export const triangularSolveP: Primitive<TriangularSolveParams> = definePrimitive<TriangularSolveParams>({
  name: "triangular_solve",
  abstractEval([a, b], p) {
    checkOperand("triangular_solve", a!, true);
    checkOperand("triangular_solve", b!, false);
    const m = colsOf(a!);
    const common = p.leftSide ? rowsOf(b!) : colsOf(b!);
    const sameBatch = a!.ndim === b!.ndim && batchOf(a!).every((d, i) => d === b!.shape[i]);
    if (!sameBatch || common !== m || a!.dtype !== b!.dtype) {
      throw new Error(
        `triangular_solve: incompatible operands a ${a!.dtype}${fmtShape(a!.shape)} and b ${b!.dtype}${fmtShape(b!.shape)} ` +
          `with leftSide=${p.leftSide}: b must have a's batch dims and dtype, and ${p.leftSide ? "m rows" : "m columns"} for a of size m×m.`,
      );
    }
    return [b!.strong()];
  },
  impl([a, b], p) {
    triangularSolveP.abstractEval([a!.aval, b!.aval], p);
    const m = colsOf(a!);
    const r = rowsOf(b!);
    const c = colsOf(b!);
    const out = ArrayImpl.zeros(b!.shape, b!.dtype);
    for (let i = 0; i < sizeOf(batchOf(b!)); i++) {
      const A = matrixAt(a!, i);
      const B = matrixAt(b!, i);
      if (p.leftSide) {
        put(out, i, K.triangularSolveLeft(A, m, B, c, p.lower, p.transposeA, p.unitDiagonal));
        continue;
      }
      // X·op(A) = B  ⇔  op(A)ᵀ·Xᵀ = Bᵀ
      const bt = new Float64Array(c * r);
      for (let y = 0; y < r; y++) for (let x = 0; x < c; x++) bt[x * r + y] = B[y * c + x]!;
      const xt = K.triangularSolveLeft(A, m, bt, r, p.lower, !p.transposeA, p.unitDiagonal);
      const X = new Float64Array(r * c);
      for (let y = 0; y < r; y++) for (let x = 0; x < c; x++) X[y * c + x] = xt[x * r + y]!;
      put(out, i, X);
    }
    return [out];
  },
  jvp([a, b], [ta, tb], p) {
    const out = triangularSolve(a!, b!, p);
    const fromB: Tangent = tb instanceof Zero ? tb : triangularSolve(a!, tb!, p);
    if (ta instanceof Zero) return [[out], [fromB]];
    // d(op(A)⁻¹·B) = -op(A)⁻¹·op(dA)·X (left side) and -X·op(dA)·op(A)⁻¹ (right side), with
    // dA restricted to the triangle that is read; the order of products follows JAX (cheaper first).
    const m = rowsOf(b!);
    const n = colsOf(b!);
    const k = p.unitDiagonal ? 1 : 0;
    let g = neg(p.lower ? tril(ta!, -k) : triu(ta!, k));
    if (p.transposeA) g = mT(g);
    const aInv = (rhs: JaxArray) => triangularSolve(a!, rhs, p);
    let fromA: JaxArray;
    if (p.leftSide) fromA = m > n ? aInv(mm(g, out)) : mm(aInv(g), out);
    else fromA = m < n ? aInv(mm(out, g)) : mm(out, aInv(g));
    return [[out], [addTangents(fromA, fromB)]];
  },
  transpose([ct], [a, b], p) {
    if (a instanceof UndefPrimal || !(b instanceof UndefPrimal)) {
      throw new Error("triangular_solve is linear in b only; it cannot be transposed with respect to a.");
    }
    if (ct instanceof Zero) return [null, ct];
    return [null, triangularSolve(a!, ct!, { ...p, transposeA: !p.transposeA })];
  },
  batch: batchElementwise((args, p) => [triangularSolve(args[0]!, args[1]!, p)]),
  printParams: (p) =>
    `[left_side=${py(p.leftSide)} lower=${py(p.lower)} transpose_a=${py(p.transposeA)} conjugate_a=False unit_diagonal=${py(p.unitDiagonal)}]`,
  onnx: "host",
});

const py = (b: boolean) => (b ? "True" : "False");

/** lax.linalg.triangular_solve on operands with equal batch dims: solves op(A)·X = B or X·op(A) = B. */
export function triangularSolve(a: JaxArray, b: JaxArray, p: TriangularSolveParams): JaxArray {
  return bind1(triangularSolveP, [a, b], p);
}

// ---- lu ----

export const luP: Primitive<Record<string, never>> = definePrimitive<Record<string, never>>({
  name: "lu",
  abstractEval([x]) {
    checkOperand("lu", x!, false);
    const b = batchOf(x!);
    const m = rowsOf(x!);
    const k = Math.min(m, colsOf(x!));
    return [x!.strong(), new ShapedArray([...b, k], "int32"), new ShapedArray([...b, m], "int32")];
  },
  impl([x]) {
    const [luA, pivA, permA] = luP.abstractEval([x!.aval], {});
    const outs = [luA!, pivA!, permA!].map((a) => ArrayImpl.zeros(a.shape, a.dtype));
    const m = rowsOf(x!);
    const n = colsOf(x!);
    for (let b = 0; b < sizeOf(batchOf(x!)); b++) {
      const r = K.lu(matrixAt(x!, b), m, n);
      put(outs[0]!, b, r.lu);
      put(outs[1]!, b, r.pivots);
      put(outs[2]!, b, r.perm);
    }
    return outs;
  },
  jvp([a], [t]) {
    // De Hoog, Anderssen & Lukas: with P·A = L·U, L⁻¹·P·Ȧ·U⁻¹ = L⁻¹·L̇ + U̇·U⁻¹ splits into
    // its strictly lower part (L̇ = L·tril(·, -1)) and its upper part (U̇ = triu(·)·U).
    const [luA, pivots, perm] = lu(a!);
    const m = rowsOf(a!);
    const n = colsOf(a!);
    const k = Math.min(m, n);
    const nb = a!.ndim - 2;
    const zero = scalarOf(a!, 0);
    const padLast = (x: JaxArray, rows: number, cols: number) =>
      pad(x, zero, [...Array(nb).fill([0, 0, 0]), [0, rows, 0], [0, cols, 0]] as [number, number, number][]);
    const lPart = padLast(tril(sliceMatrix(luA, 0, m, 0, k), -1), 0, m - k);
    const l = add(lPart, eyeLike(lPart));
    const uPart = padLast(triu(sliceMatrix(luA, 0, k, 0, n)), n - k, 0);
    const u = add(
      uPart,
      matrixConst(uPart, (i, j) => (i === j && i >= k ? 1 : 0)),
    );
    const pa = mm(permutationMatrix(perm, a!.dtype), instantiate(t!));
    const la = triangularSolve(l, pa, { leftSide: true, lower: true, transposeA: false, unitDiagonal: true });
    const lau = triangularSolve(u, la, { leftSide: false, lower: false, transposeA: false, unitDiagonal: false });
    const dLU = add(mm(l, tril(lau, -1)), mm(triu(lau), u));
    return [
      [luA, pivots, perm],
      [dLU, new Zero(pivots.aval), new Zero(perm.aval)],
    ];
  },
  transpose: null,
  batch: batchElementwise((args) => lu(args[0]!)),
  onnx: "host",
});

/** lax.linalg.lu: [lu, pivots, permutation] with P·A = L·U (L unit lower, U upper, packed in lu). */
export const lu = (x: JaxArray): [JaxArray, JaxArray, JaxArray] => bind(luP, [x], {}) as [JaxArray, JaxArray, JaxArray];

/** Solves A·X = B (or Aᵀ·X = B) for square A [..., n, n] and B [..., n, k] with A's batch dims, through lu. */
export function luSolve(a: JaxArray, b: JaxArray, transposeA = false): JaxArray {
  const [luA, , perm] = lu(a);
  const P = permutationMatrix(perm, a.dtype);
  const lower = { leftSide: true, lower: true, transposeA, unitDiagonal: true };
  const upper = { leftSide: true, lower: false, transposeA, unitDiagonal: false };
  if (!transposeA) return triangularSolve(luA, triangularSolve(luA, mm(P, b), lower), upper);
  // Aᵀ = Uᵀ·Lᵀ·P, so X = Pᵀ·L⁻ᵀ·U⁻ᵀ·B
  return mm(mT(P), triangularSolve(luA, triangularSolve(luA, b, upper), lower));
}

// ---- qr ----

export const qrP: Primitive<{ fullMatrices: boolean }> = definePrimitive<{ fullMatrices: boolean }>({
  name: "qr",
  abstractEval([x], { fullMatrices }) {
    checkOperand("qr", x!, false);
    const b = batchOf(x!);
    const m = rowsOf(x!);
    const n = colsOf(x!);
    const q = fullMatrices ? m : Math.min(m, n);
    return [new ShapedArray([...b, m, q], x!.dtype), new ShapedArray([...b, q, n], x!.dtype)];
  },
  impl([x], p) {
    const outs = qrP.abstractEval([x!.aval], p).map((a) => ArrayImpl.zeros(a.shape, a.dtype));
    for (let b = 0; b < sizeOf(batchOf(x!)); b++) {
      const r = K.qr(matrixAt(x!, b), rowsOf(x!), colsOf(x!), p.fullMatrices);
      put(outs[0]!, b, r.q);
      put(outs[1]!, b, r.r);
    }
    return outs;
  },
  jvp([x], [t], { fullMatrices }) {
    const [q, r] = qr(x!, fullMatrices);
    const dx = instantiate(t!);
    const m = rowsOf(x!);
    const n = colsOf(x!);
    if (m < n) {
      // Wide: X = [X1 X2] = Q·[R1 R2]; X1 = Q·R1 is a square QR and R2 = Qᵀ·X2.
      const [dq, dr1] = thinQrJvp(q, sliceMatrix(r, 0, m, 0, m), sliceMatrix(dx, 0, m, 0, m));
      const dr2 = add(mm(mT(dq), sliceMatrix(x!, 0, m, m, n)), mm(mT(q), sliceMatrix(dx, 0, m, m, n)));
      return [
        [q, r],
        [dq, concatenate([dr1, dr2], x!.ndim - 1)],
      ];
    }
    const qmn = fullMatrices ? sliceMatrix(q, 0, m, 0, n) : q;
    const rnn = fullMatrices ? sliceMatrix(r, 0, n, 0, n) : r;
    const [dqmn, drnn] = thinQrJvp(qmn, rnn, dx);
    if (!fullMatrices || m === n)
      return [
        [q, r],
        [dqmn, drnn],
      ];
    // The extra columns of a complete Q (arXiv:2409.13374, eqs. 32-33, as in JAX).
    const qnn = sliceMatrix(qmn, 0, n, 0, n);
    const qpn = sliceMatrix(qmn, n, m, 0, n);
    const qmp = sliceMatrix(q, 0, m, n, m);
    const dqnn = sliceMatrix(dqmn, 0, n, 0, n);
    const dqpn = sliceMatrix(dqmn, n, m, 0, n);
    const zpnT = luSolve(sub(qnn, eyeLike(qnn)), mT(qpn), true);
    const zpn = mT(zpnT);
    const dqmp = sub(mm(dqmn, zpnT), mm(add(qmn, mm(qmp, zpn)), mT(sub(dqpn, mm(zpn, dqnn)))));
    const nb = x!.ndim - 2;
    const dr = pad(drnn, scalarOf(x!, 0), [...Array(nb).fill([0, 0, 0]), [0, m - n, 0], [0, 0, 0]] as [number, number, number][]);
    return [
      [q, r],
      [concatenate([dqmn, dqmp], x!.ndim - 1), dr],
    ];
  },
  transpose: null,
  batch: batchElementwise((args, p) => qr(args[0]!, p.fullMatrices)),
  printParams: (p) => `[full_matrices=${py(p.fullMatrices)} pivoting=False]`,
  onnx: "host",
});

/** JVP of a thin QR (m ≥ n): see j-towns.github.io/papers/qr-derivative.pdf. */
function thinQrJvp(q: JaxArray, r: JaxArray, dx: JaxArray): [JaxArray, JaxArray] {
  const dxRinv = triangularSolve(r, dx, { leftSide: false, lower: false, transposeA: false, unitDiagonal: false });
  const qtDxRinv = mm(mT(q), dxRinv);
  const low = tril(qtDxRinv, -1);
  const dOmega = sub(low, mT(low)); // skew-symmetric
  const dq = add(mm(q, sub(dOmega, qtDxRinv)), dxRinv);
  const dr = mm(sub(qtDxRinv, dOmega), r);
  return [dq, dr];
}

/** lax.linalg.qr: [q, r] with q [..., m, m] and r [..., m, n] when fullMatrices, else k = min(m, n) columns/rows. */
export const qr = (x: JaxArray, fullMatrices: boolean): [JaxArray, JaxArray] => bind(qrP, [x], { fullMatrices }) as [JaxArray, JaxArray];

// ---- eigh ----

export const eighP: Primitive<{ lower: boolean }> = definePrimitive<{ lower: boolean }>({
  name: "eigh",
  abstractEval([x]) {
    checkOperand("eigh", x!, true);
    return [x!.strong(), new ShapedArray(x!.shape.slice(0, -1), x!.dtype)];
  },
  impl([x], p) {
    const [va, wa] = eighP.abstractEval([x!.aval], p);
    const n = colsOf(x!);
    const v = ArrayImpl.zeros(va!.shape, va!.dtype);
    const w = ArrayImpl.zeros(wa!.shape, wa!.dtype);
    for (let b = 0; b < sizeOf(batchOf(x!)); b++) {
      const r = K.eigh(matrixAt(x!, b), n, p.lower);
      put(v, b, r.v);
      put(w, b, r.w);
    }
    return [v, w];
  },
  jvp([a], [t], { lower }) {
    // Non-degenerate perturbation theory: ẇ = diag(Vᵀ·Ȧ·V), V̇ = V·(F ∘ Vᵀ·Ȧ·V) with
    // F[i, j] = 1/(w_j - w_i) off the diagonal (infinite for repeated eigenvalues, as in JAX).
    // Like JAX, the rule decomposes (A + Aᵀ)/2: the same matrix whenever A is symmetric (the
    // default symmetrizeInput), and JAX's choice for the one-triangle case too.
    const sym = mul(add(a!, mT(a!)), fullLike(a!.aval, 0.5));
    const [v, w] = eigh(sym, lower);
    const eye = eyeLike(a!);
    const F = sub(div(fullLike(a!.aval, 1), add(eye, sub(spread(w, true), spread(w, false)))), eye);
    const vtav = mm(mm(mT(v), instantiate(t!)), v);
    return [
      [v, w],
      [mm(v, mul(F, vtav)), diagPart(vtav)],
    ];
  },
  transpose: null,
  batch: batchElementwise((args, p) => eigh(args[0]!, p.lower)),
  printParams: (p) => `[lower=${py(p.lower)} sort_eigenvalues=True subset_by_index=None]`,
  onnx: "host",
});

/** lax.linalg.eigh without symmetrization: [v, w], eigenvectors as columns of v, eigenvalues w ascending. */
export const eigh = (x: JaxArray, lower = true): [JaxArray, JaxArray] => bind(eighP, [x], { lower }) as [JaxArray, JaxArray];

// ---- svd ----

interface SvdParams {
  fullMatrices: boolean;
  computeUv: boolean;
}

export const svdP: Primitive<SvdParams> = definePrimitive<SvdParams>({
  name: "svd",
  abstractEval([x], { fullMatrices, computeUv }) {
    checkOperand("svd", x!, false);
    const b = batchOf(x!);
    const m = rowsOf(x!);
    const n = colsOf(x!);
    const k = Math.min(m, n);
    const s = new ShapedArray([...b, k], x!.dtype);
    if (!computeUv) return [s];
    return [s, new ShapedArray([...b, m, fullMatrices ? m : k], x!.dtype), new ShapedArray([...b, fullMatrices ? n : k, n], x!.dtype)];
  },
  impl([x], p) {
    const outs = svdP.abstractEval([x!.aval], p).map((a) => ArrayImpl.zeros(a.shape, a.dtype));
    for (let b = 0; b < sizeOf(batchOf(x!)); b++) {
      const r = K.svd(matrixAt(x!, b), rowsOf(x!), colsOf(x!), p.fullMatrices);
      put(outs[0]!, b, r.s);
      if (p.computeUv) {
        put(outs[1]!, b, r.u);
        put(outs[2]!, b, r.vt);
      }
    }
    return outs;
  },
  jvp([a], [t], { fullMatrices, computeUv }) {
    const m = rowsOf(a!);
    const n = colsOf(a!);
    if (computeUv && fullMatrices && m !== n) {
      throw new Error(
        `svd: the derivative of full_matrices singular vectors is not implemented for non-square matrices (shape ${fmtShape(a!.shape)}), ` +
          "as in JAX. Use fullMatrices: false.",
      );
    }
    const [s, U, Vt] = svd(a!, false, true) as [JaxArray, JaxArray, JaxArray];
    const dA = instantiate(t!);
    const Ut = mT(U);
    const V = mT(Vt);
    const dS = mm(mm(Ut, dA), V);
    const ds = diagPart(dS);
    if (!computeUv) return [[s], [ds]];
    // F[i, j] = 1/(s_j² - s_i²) off the diagonal.
    const sRow = spread(s, true); // s_j at [i, j]
    const sCol = spread(s, false); // s_i at [i, j]
    const eye = eyeLike(sRow);
    const F = sub(div(fullLike(eye.aval, 1), add(mul(add(sRow, sCol), sub(sRow, sCol)), eye)), eye);
    const dSS = mul(sRow, dS);
    const SdS = mul(sCol, dS);
    // (For real matrices the ½(dS - dSᵀ)·S⁻¹ diagonal term of JAX's rule is exactly zero.)
    let dU = mm(U, mul(F, add(dSS, mT(dSS))));
    let dV = mm(V, mul(F, add(SdS, mT(SdS))));
    const sDim = (x: JaxArray) => broadcastInDim(s, x.shape, [...Array(x.ndim - 2).keys(), x.ndim - 1]);
    if (m > n) {
      const dAV = mm(dA, V);
      dU = add(dU, div(sub(dAV, mm(U, mm(Ut, dAV))), sDim(dAV)));
    }
    if (n > m) {
      const dAtU = mm(mT(dA), U);
      dV = add(dV, div(sub(dAtU, mm(V, mm(Vt, dAtU))), sDim(dAtU)));
    }
    return [
      [s, U, Vt],
      [ds, dU, mT(dV)],
    ];
  },
  transpose: null,
  batch: batchElementwise((args, p) => svd(args[0]!, p.fullMatrices, p.computeUv)),
  printParams: (p) => `[compute_uv=${py(p.computeUv)} full_matrices=${py(p.fullMatrices)} subset_by_index=None]`,
  onnx: "host",
});

/** lax.linalg.svd's primitive: [s, u, vt] (s descending) when computeUv, else [s]. */
export const svd = (x: JaxArray, fullMatrices: boolean, computeUv: boolean): JaxArray[] => bind(svdP, [x], { fullMatrices, computeUv });

// ---- det ----

export const detP: Primitive<Record<string, never>> = definePrimitive<Record<string, never>>({
  name: "det",
  abstractEval([x]) {
    checkOperand("det", x!, true);
    return [new ShapedArray(x!.shape.slice(0, -2), x!.dtype)];
  },
  impl([x]) {
    const [aval] = detP.abstractEval([x!.aval], {});
    const n = colsOf(x!);
    const count = sizeOf(batchOf(x!));
    const out = ArrayImpl.zeros(aval!.shape, aval!.dtype);
    for (let b = 0; b < count; b++) out.data[b] = K.det(matrixAt(x!, b), n);
    return [out];
  },
  jvp([x], [t]) {
    // d det(A) = tr(adj(A)·Ȧ). As in JAX, 2×2 and 3×3 matrices use the cofactor polynomials
    // (differentiable to any order, singular or not); larger ones the adjugate product from
    // the LU factors (JAX's _cofactor_solve), finite and right for singular A too.
    const n = colsOf(x!);
    const last2 = [x!.ndim - 2, x!.ndim - 1];
    if (n === 2 || n === 3) return [[det(x!)], [reduceSum(mul(cofactors(x!), instantiate(t!)), last2)]];
    const z = adjugateSolve(x!, instantiate(t!));
    return [[det(x!)], [reduceSum(mul(z, eyeLike(z)), last2)]];
  },
  transpose: null,
  batch: batchElementwise((args) => [det(args[0]!)]),
  // onnxruntime's CPU Det kernel is float32 only (LU in float32); float64 runs on the host
  onnx: (g, [x], _p, [out]) => {
    if (x!.dtype !== "float32") throw new OrtUnsupported(`det on ${x!.dtype}`);
    return [g.op("Det", [x!], "float32", out!.shape)];
  },
});

/** det of square matrices [..., n, n]. */
export const det = (x: JaxArray): JaxArray => bind1(detP, [x], {});

/** The signed cofactors C[i, j] of 2×2 or 3×3 matrices (adj(A) = Cᵀ), as polynomials in the entries. */
function cofactors(a: JaxArray): JaxArray {
  const n = colsOf(a);
  const b = batchOf(a);
  const at = (i: number, j: number) => reshape(sliceMatrix(a, i % n, (i % n) + 1, j % n, (j % n) + 1), [...b, 1]);
  const entries: JaxArray[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (n === 2) entries.push((i + j) % 2 === 0 ? at(1 - i, 1 - j) : neg(at(1 - i, 1 - j)));
      // for 3×3 the cyclic minor already carries the sign (-1)^(i+j)
      else entries.push(sub(mul(at(i + 1, j + 1), at(i + 2, j + 2)), mul(at(i + 1, j + 2), at(i + 2, j + 1))));
    }
  }
  return reshape(concatenate(entries, b.length), a.shape);
}

/**
 * adj(A)·B, i.e. det(A)·A⁻¹·B for invertible A (JAX's _cofactor_solve): the last diagonal
 * entry of U is replaced by 1/(its cofactor's product) so rank n-1 matrices stay finite; for
 * lower ranks the result is zero. Linear in B.
 */
function adjugateSolve(a: JaxArray, b: JaxArray): JaxArray {
  const n = colsOf(a);
  const nb = a.ndim - 2;
  if (n <= 1) return b;
  const [luA, pivots, perm] = lu(a);
  const dt = a.dtype;
  const diag = diagPart(luA);
  const swapped = convertElementType(ne(pivots, iota("int32", pivots.shape, nb)), "int32");
  const parity = rem(reduceSum(swapped, [nb]), fullLike(new ShapedArray(batchOf(a), "int32"), 2));
  const sign = convertElementType(sub(fullLike(parity.aval, 1), mul(fullLike(parity.aval, 2), parity)), dt);
  const batchZeros = batchOf(a).map(() => 0);
  const detAll = mul(reduceProd(diag, [nb]), sign);
  const detButLast = mul(reduceProd(slice(diag, [...batchZeros, 0], [...batchOf(a), n - 1]), [nb]), sign);
  const corner = matrixConst(a, (i, j) => (i === n - 1 && j === n - 1 ? 1 : 0));
  const toMatrix = (v: JaxArray, like: JaxArray) => broadcastInDim(v, like.shape, [...Array(nb).keys()]);
  const luC = add(mul(luA, sub(fullLike(a.aval, 1), corner)), mul(corner, toMatrix(div(fullLike(detButLast.aval, 1), detButLast), a)));
  const upper = { leftSide: true, lower: false, transposeA: false, unitDiagonal: false };
  // Matrices of rank < n-1 still blow up the solve: their adjugate is zero.
  const probe = triangularSolve(luC, fullLike(new ShapedArray([...batchOf(a), n, 1], dt), 1), upper);
  const blowsUp = reduceMax(convertElementType(not(finite(probe)), dt), [nb, nb + 1]);
  const bad = toMatrix(eq(blowsUp, fullLike(blowsUp.aval, 1)), b);
  const zeros = fullLike(b.aval, 0);
  let x = select(bad, zeros, b);
  x = triangularSolve(luC, mm(permutationMatrix(perm, dt), x), { leftSide: true, lower: true, transposeA: false, unitDiagonal: true });
  const rowScale = select(
    eq(
      matrixConst(x, (i) => (i === n - 1 ? 1 : 0)),
      fullLike(x.aval, 1),
    ),
    fullLike(x.aval, 1),
    toMatrix(detAll, x),
  );
  x = triangularSolve(luC, mul(x, rowScale), upper);
  return select(bad, zeros, x);
}

// ---- pinv ----

export const pinvP: Primitive<{ rtol: number }> = definePrimitive<{ rtol: number }>({
  name: "pinv",
  abstractEval([x]) {
    checkOperand("pinv", x!, false);
    return [new ShapedArray([...batchOf(x!), colsOf(x!), rowsOf(x!)], x!.dtype)];
  },
  impl([x], { rtol }) {
    const [aval] = pinvP.abstractEval([x!.aval], { rtol });
    const m = rowsOf(x!);
    const n = colsOf(x!);
    const out = ArrayImpl.zeros(aval!.shape, aval!.dtype);
    for (let b = 0; b < sizeOf(batchOf(x!)); b++) put(out, b, K.pinv(matrixAt(x!, b), m, n, rtol));
    return [out];
  },
  jvp([a], [t], { rtol }) {
    // Golub & Pereyra (1973), as in JAX's _pinv_jvp; the product order depends on the shape.
    const p = pinv(a!, rtol);
    const ad = instantiate(t!);
    const adT = mT(ad);
    const pT = mT(p);
    let dp: JaxArray;
    if (rowsOf(a!) >= colsOf(a!)) {
      const s = mm(mm(p, pT), adT);
      const u = mm(mm(adT, pT), p);
      dp = add(sub(add(sub(neg(mm(mm(p, ad), p)), mm(mm(s, a!), p)), s), mm(mm(p, a!), u)), u);
    } else {
      const s = mm(p, mm(pT, adT));
      const u = mm(adT, mm(pT, p));
      dp = add(sub(add(sub(neg(mm(p, mm(ad, p))), mm(s, mm(a!, p))), s), mm(p, mm(a!, u))), u);
    }
    return [[p], [dp]];
  },
  transpose: null,
  batch: batchElementwise((args, p) => [pinv(args[0]!, p.rtol)]),
  printParams: (p) => `[rtol=${p.rtol}]`,
  onnx: "host",
});

/** Moore–Penrose pseudo-inverse [..., n, m]; singular values ≤ rtol·σ_max are treated as zero. */
export const pinv = (x: JaxArray, rtol: number): JaxArray => bind1(pinvP, [x], { rtol });
