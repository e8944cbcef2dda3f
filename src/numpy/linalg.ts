// jax.numpy.linalg: factorizations (cholesky, qr, svd, eigh), solvers (solve, inv, lstsq,
// pinv, triangularSolve, choSolve), determinants and norms. Everything takes batches of
// matrices [..., m, n] (lstsq excepted, as in JAX) and is built on the primitives of
// primitives/linalg.ts, so it differentiates, vectorizes and jits like the rest of jnp.
import type { ArrayLike, JaxArray } from "../core/array.js";
import { type DType, isFloat, resultType, toInexact } from "../core/dtype.js";
import { broadcastShapes, fmtShape, normAxis } from "../core/shape.js";
import * as lax from "../primitives/elementwise.js";
import * as L from "../primitives/linalg.js";
import { reduceSum } from "../primitives/reduce.js";
import { fullLike, iota, reshape, slice, transpose } from "../primitives/shape_ops.js";
import { asJax, broadcastTo, castTo, promoteInexact } from "./coerce.js";
import { eye, zeros } from "./creation.js";
import { expandDims } from "./manipulation.js";
import { matmul } from "./products.js";
import { max, min, sum } from "./reductions.js";
import { abs, notEqual, sqrt } from "./ufuncs.js";

/** Machine epsilon of the float dtypes linalg accepts. */
function finfoEps(dtype: DType): number {
  return dtype === "float64" ? 2 ** -52 : 2 ** -23;
}

/** An inexact operand with at least two dims (and square matrices when asked). */
function matrixOperand(op: string, x: ArrayLike, square = false): JaxArray {
  const a = promoteInexact(op, x);
  if (a.ndim < 2)
    throw new Error(`${op}: expected an array of shape [..., m, n] with at least two dimensions, got shape ${fmtShape(a.shape)}.`);
  if (square && a.shape[a.ndim - 1] !== a.shape[a.ndim - 2]) {
    throw new Error(`${op}: expected square matrices of shape [..., n, n], got shape ${fmtShape(a.shape)}.`);
  }
  return a;
}

/** Two operands promoted to their common inexact dtype (shapes untouched). */
function promotePair(op: string, x: ArrayLike, y: ArrayLike): [JaxArray, JaxArray] {
  const a = asJax(x, op);
  const b = asJax(y, op);
  const [dt, weak] = resultType([a, b]);
  const inexact = isFloat(dt) ? dt : toInexact(dt);
  return [castTo(a, inexact, weak), castTo(b, inexact, weak)];
}

const half = (x: JaxArray) => lax.mul(x, fullLike(x.aval, 0.5));
/** (x + xᵀ)/2, as jnp.linalg does before a symmetric factorization. */
const symmetrize = (x: JaxArray) => half(lax.add(x, L.mT(x)));
const batchOf = (x: JaxArray) => x.shape.slice(0, -2);

// ---- factorizations ----

export interface CholeskyOpts {
  /** Return the upper factor U = Lᵀ (A = UᵀU) instead of L. */
  upper?: boolean;
  /** Use (A + Aᵀ)/2 (default); otherwise only the lower triangle is read. */
  symmetrizeInput?: boolean;
}

/** Cholesky factor of (batches of) symmetric positive-definite matrices; NaNs where A is not positive definite. */
export function cholesky(a: ArrayLike, opts: CholeskyOpts = {}): JaxArray {
  let x = matrixOperand("cholesky", a, true);
  if (opts.symmetrizeInput ?? true) x = symmetrize(x);
  const l = L.cholesky(x);
  return opts.upper ? L.mT(l) : l;
}

export type QrMode = "reduced" | "complete" | "r";

/**
 * QR decomposition A = Q·R. mode "reduced" (default): Q [..., m, k], R [..., k, n] with
 * k = min(m, n); "complete": Q [..., m, m], R [..., m, n]; "r": R only (reduced).
 */
export function qr(a: ArrayLike, opts: { mode: "r" }): JaxArray;
export function qr(a: ArrayLike, opts?: { mode?: "reduced" | "complete" }): [JaxArray, JaxArray];
export function qr(a: ArrayLike, opts: { mode?: QrMode } = {}): [JaxArray, JaxArray] | JaxArray {
  const x = matrixOperand("qr", a);
  const mode = opts.mode ?? "reduced";
  if (mode !== "reduced" && mode !== "complete" && mode !== "r") {
    throw new Error(`qr: unsupported mode ${JSON.stringify(mode)}; use "reduced", "complete" or "r".`);
  }
  const [q, r] = L.qr(x, mode === "complete");
  return mode === "r" ? r : [q, r];
}

export interface SvdOpts {
  /** U [..., m, m] and Vh [..., n, n] (default) rather than k = min(m, n) columns/rows. */
  fullMatrices?: boolean;
  /** Return [u, s, vh] (default) or only s. */
  computeUv?: boolean;
  /** The input is symmetric: the SVD of (A + Aᵀ)/2 is taken. */
  hermitian?: boolean;
}

/**
 * Singular value decomposition A = U·diag(s)·Vh, s descending. The signs of singular vectors
 * are a convention (here: each column of U has its largest-magnitude entry positive) and may
 * differ from JAX's LAPACK ones; products like U·diag(s)·Vh do not depend on them.
 */
export function svd(a: ArrayLike, opts: SvdOpts & { computeUv: false }): JaxArray;
export function svd(a: ArrayLike, opts?: SvdOpts & { computeUv?: true }): [JaxArray, JaxArray, JaxArray];
export function svd(a: ArrayLike, opts: SvdOpts = {}): [JaxArray, JaxArray, JaxArray] | JaxArray {
  let x = matrixOperand("svd", a);
  if (opts.hermitian) x = symmetrize(x);
  const computeUv = opts.computeUv ?? true;
  const outs = L.svd(x, opts.fullMatrices ?? true, computeUv);
  return computeUv ? [outs[1]!, outs[0]!, outs[2]!] : outs[0]!;
}

/** Singular values [..., min(m, n)], descending. */
export function svdvals(a: ArrayLike): JaxArray {
  return svd(a, { computeUv: false });
}

export interface EighOpts {
  /** Which triangle is read when symmetrizeInput is false: "L" (default) or "U". */
  UPLO?: "L" | "U" | null;
  /** Use (A + Aᵀ)/2 (default). */
  symmetrizeInput?: boolean;
}

function eighLower(op: string, uplo: unknown): boolean {
  if (uplo === undefined || uplo === null || uplo === "L") return true;
  if (uplo === "U") return false;
  throw new Error(`${op}: UPLO must be one of null, "L" or "U", got ${JSON.stringify(uplo)}.`);
}

/**
 * Eigen-decomposition of symmetric matrices: [eigenvalues [..., n] ascending, eigenvectors
 * [..., n, n] as columns]. Eigenvector signs are a convention (largest-magnitude entry
 * positive) that may differ from JAX's.
 */
export function eigh(a: ArrayLike, opts: EighOpts = {}): [JaxArray, JaxArray] {
  const lower = eighLower("eigh", opts.UPLO);
  let x = matrixOperand("eigh", a, true);
  if (opts.symmetrizeInput ?? true) x = symmetrize(x);
  const [v, w] = L.eigh(x, lower);
  return [w, v];
}

/** Eigenvalues of symmetric matrices, ascending. */
export function eigvalsh(a: ArrayLike, opts: EighOpts = {}): JaxArray {
  return eigh(a, opts)[0];
}

// ---- determinants ----

/** Determinant of square matrices [..., n, n] (its gradient is the adjugate, finite even for singular A). */
export function det(a: ArrayLike): JaxArray {
  return L.det(matrixOperand("det", a, true));
}

/** [sign, log|det|] of square matrices; sign is 0 and logabsdet -inf for singular ones. */
export function slogdet(a: ArrayLike): [JaxArray, JaxArray] {
  const x = matrixOperand("slogdet", a, true);
  const nb = x.ndim - 2;
  const [lu, pivots] = L.lu(x);
  const diag = L.diagPart(lu);
  const zero = fullLike(diag.aval, 0);
  const zeroCount = reduceSum(castTo(lax.eq(diag, zero), "int32"), [nb]);
  const isZero = lax.gt(zeroCount, fullLike(zeroCount.aval, 0));
  const swaps = reduceSum(castTo(lax.ne(pivots, iota("int32", pivots.shape, nb)), "int32"), [nb]);
  const negatives = reduceSum(castTo(lax.lt(diag, zero), "int32"), [nb]);
  const parity = lax.rem(lax.add(swaps, negatives), fullLike(swaps.aval, 2));
  const one = fullLike(swaps.aval, 1);
  const flip = castTo(lax.sub(one, lax.mul(fullLike(swaps.aval, 2), parity)), x.dtype);
  const outZero = fullLike(flip.aval, 0);
  const sign = lax.select(isZero, outZero, flip);
  const logs = reduceSum(lax.log(lax.abs(diag)), [nb]);
  const logdet = lax.select(isZero, fullLike(logs.aval, Number.NEGATIVE_INFINITY), logs);
  return [sign, logdet];
}

// ---- solvers ----

/**
 * Solves A·x = b. a: [..., n, n]; b: [n] (one right-hand side for every matrix, result
 * [..., n]) or [..., n, k] (batch dims broadcast with a's, result [..., n, k]).
 */
export function solve(a: ArrayLike, b: ArrayLike): JaxArray {
  let [A, B] = promotePair("solve", a, b);
  if (A.ndim < 2) throw new Error(`solve: the left-hand array must be at least two-dimensional; got shape ${fmtShape(A.shape)}.`);
  const n = A.shape[A.ndim - 1]!;
  if (A.shape[A.ndim - 2] !== n) throw new Error(`solve: expected square matrices a of shape [..., n, n], got ${fmtShape(A.shape)}.`);
  if (B.ndim > 1 && A.ndim === B.ndim + 1 && B.shape[B.ndim - 1] === n && B.shape[B.ndim - 2] !== n) {
    throw new Error(
      `solve: invalid shapes ${fmtShape(A.shape)} and ${fmtShape(B.shape)}: b of shape [..., n, k] needs n = ${n} rows. ` +
        "For a batch of vector right-hand sides use solve(a, b[..., None]) and squeeze the last axis.",
    );
  }
  if (B.ndim === 0 || B.shape[B.ndim === 1 ? 0 : B.ndim - 2] !== n) {
    throw new Error(`solve: b must have shape [${n}] or [..., ${n}, k] for a of shape ${fmtShape(A.shape)}; got ${fmtShape(B.shape)}.`);
  }
  if (B.ndim === 1) {
    const batch = batchOf(A);
    const x = L.luSolve(A, broadcastTo(reshape(B, [n, 1]), [...batch, n, 1], "solve"));
    return reshape(x, [...batch, n]);
  }
  const batch = broadcastShapes("solve", batchOf(A), batchOf(B));
  A = broadcastTo(A, [...batch, n, n], "solve");
  B = broadcastTo(B, [...batch, n, B.shape[B.ndim - 1]!], "solve");
  return L.luSolve(A, B);
}

/** Inverse of square matrices [..., n, n] (solve(a, I)). */
export function inv(a: ArrayLike): JaxArray {
  const x = matrixOperand("inv", a, true);
  const n = x.shape[x.ndim - 1]!;
  return solve(x, broadcastTo(eye(n, null, { dtype: x.dtype }), x.shape, "inv"));
}

export interface PinvOpts {
  /** Singular values ≤ rtol·σ_max count as zero; default 10·max(m, n)·eps. */
  rtol?: number;
  /** Alias of rtol (numpy's name). */
  rcond?: number;
  /** The input is symmetric: the pseudo-inverse of (A + Aᵀ)/2 is taken. */
  hermitian?: boolean;
}

/** Moore–Penrose pseudo-inverse [..., n, m] of [..., m, n], differentiated with JAX's rule (Golub–Pereyra). */
export function pinv(a: ArrayLike, opts: PinvOpts = {}): JaxArray {
  let x = matrixOperand("pinv", a);
  if (opts.rtol !== undefined && opts.rcond !== undefined) throw new Error("pinv: only one of rtol and rcond may be specified.");
  const m = x.shape[x.ndim - 2]!;
  const n = x.shape[x.ndim - 1]!;
  const rtol = opts.rtol ?? opts.rcond ?? 10 * Math.max(m, n) * finfoEps(x.dtype);
  if (opts.hermitian) x = symmetrize(x);
  return L.pinv(x, rtol);
}

export interface LstsqOpts {
  /** Singular values < rcond·σ_max are treated as zero; default eps·max(m, n) (negative: eps). */
  rcond?: number | null;
  /** Residuals exactly as numpy: empty unless rank == n and m > n (needs concrete values). */
  numpyResid?: boolean;
}

/**
 * Least-squares solution of a·x ≈ b for one matrix a [m, n] and b [m] or [m, k]:
 * [x, residuals (sum of squares per column), rank (int32), singular values of a].
 */
export function lstsq(a: ArrayLike, b: ArrayLike, opts: LstsqOpts = {}): [JaxArray, JaxArray, JaxArray, JaxArray] {
  const [A, B0] = promotePair("lstsq", a, b);
  if (A.shape[0] !== B0.shape[0]) {
    throw new Error(`lstsq: leading dimensions of input arrays must match; got ${fmtShape(A.shape)} and ${fmtShape(B0.shape)}.`);
  }
  if (A.ndim !== 2)
    throw new TypeError(`lstsq: ${A.ndim}-dimensional array given; a must be two-dimensional (lstsq does not batch; use vmap).`);
  const B = B0.ndim === 1 ? reshape(B0, [B0.shape[0]!, 1]) : B0;
  if (B.ndim !== 2) throw new TypeError(`lstsq: ${B0.ndim}-dimensional array given; b must be one- or two-dimensional.`);
  const [m, n] = A.shape as [number, number];
  const eps = finfoEps(A.dtype);
  let x: JaxArray;
  let s: JaxArray;
  let rank: JaxArray;
  if (A.size === 0) {
    s = zeros([0], { dtype: A.dtype });
    rank = zeros([], { dtype: "int32" });
    x = zeros([n, B.shape[1]!], { dtype: A.dtype });
  } else {
    const rcond = opts.rcond === undefined || opts.rcond === null ? eps * Math.max(m, n) : opts.rcond < 0 ? eps : opts.rcond;
    const [sv, u, vt] = L.svd(A, false, true) as [JaxArray, JaxArray, JaxArray];
    s = sv;
    const sMax = broadcastTo(slice(s, [0], [1]), s.shape);
    const zero = fullLike(s.aval, 0);
    const mask = lax.and(lax.gt(s, zero), lax.ge(s, lax.mul(fullLike(s.aval, rcond), sMax)));
    rank = reduceSum(castTo(mask, "int32"), [0]);
    const one = fullLike(s.aval, 1);
    const safe = lax.select(mask, s, one);
    const sInv = lax.select(mask, lax.div(one, safe), zero);
    const uTb = matmul(L.mT(u), B);
    x = matmul(L.mT(vt), lax.mul(broadcastTo(reshape(sInv, [sInv.shape[0]!, 1]), uTb.shape), uTb));
  }
  let resid: JaxArray;
  if (opts.numpyResid && ((rank.item() as number) < n || m <= n)) {
    resid = zeros([0], { dtype: A.dtype });
  } else {
    const r = lax.sub(B, matmul(A, x));
    resid = lax.integerPow(sqrt(sum(lax.mul(r, r), 0)), 2);
  }
  if (B0.ndim === 1) x = reshape(x, [x.size]);
  return [x, resid, rank, s];
}

export interface TriangularSolveOpts {
  /** Solve op(a)·x = b (true) or x·op(a) = b (false, the default as in lax). */
  leftSide?: boolean;
  /** Read the lower triangle of a (default false: the upper one). */
  lower?: boolean;
  /** op(a) = aᵀ. */
  transposeA?: boolean;
  /** a's diagonal is taken as ones and not read. */
  unitDiagonal?: boolean;
}

/**
 * lax.linalg.triangular_solve: a [..., m, m] triangular, b [..., m, n] (leftSide) or
 * [..., n, m], with a's batch dims; b with one dim less than a is a single vector.
 */
export function triangularSolve(a: ArrayLike, b: ArrayLike, opts: TriangularSolveOpts = {}): JaxArray {
  const [A, B] = promotePair("triangularSolve", a, b);
  const leftSide = opts.leftSide ?? false;
  const p = { leftSide, lower: opts.lower ?? false, transposeA: opts.transposeA ?? false, unitDiagonal: opts.unitDiagonal ?? false };
  if (B.ndim === A.ndim - 1) {
    const out = L.triangularSolve(A, expandDims(B, leftSide ? -1 : -2), p);
    return reshape(out, B.shape);
  }
  return L.triangularSolve(A, B, p);
}

/**
 * Solves A·x = b given the Cholesky factor c of A (scipy's cho_solve): c is lower when
 * `lower`, else upper. b: [n] or [..., n, k] (batch dims broadcast with c's).
 */
export function choSolve(cAndLower: readonly [ArrayLike, boolean], b: ArrayLike): JaxArray {
  const [c0, lower] = cAndLower;
  let [C, B] = promotePair("choSolve", c0, b);
  if (C.ndim < 2 || C.shape[C.ndim - 1] !== C.shape[C.ndim - 2])
    throw new Error(`choSolve: c must have shape [..., n, n], got ${fmtShape(C.shape)}.`);
  const n = C.shape[C.ndim - 1]!;
  const vector = B.ndim === 1;
  if (B.ndim === 0 || B.shape[vector ? 0 : B.ndim - 2] !== n) {
    throw new Error(`choSolve: b must have shape [${n}] or [..., ${n}, k] for c of shape ${fmtShape(C.shape)}; got ${fmtShape(B.shape)}.`);
  }
  const k = vector ? 1 : B.shape[B.ndim - 1]!;
  const batch = vector ? batchOf(C) : broadcastShapes("choSolve", batchOf(C), batchOf(B));
  C = broadcastTo(C, [...batch, n, n], "choSolve");
  B = broadcastTo(vector ? reshape(B, [n, 1]) : B, [...batch, n, k], "choSolve");
  // A = L·Lᵀ (or Uᵀ·U): two triangular solves, the first with the factor that is applied last.
  const first = L.triangularSolve(C, B, { leftSide: true, lower, transposeA: !lower, unitDiagonal: false });
  const x = L.triangularSolve(C, first, { leftSide: true, lower, transposeA: lower, unitDiagonal: false });
  return vector ? reshape(x, [...batch, n]) : x;
}

// ---- powers and ranks ----

/** a raised to the integer power n by repeated squaring (negative n: powers of inv(a)). */
export function matrixPower(a: ArrayLike, n: number): JaxArray {
  let x = asJax(a, "matrixPower");
  if (x.ndim < 2) throw new TypeError(`matrixPower: ${x.ndim}-dimensional array given; the array must be at least two-dimensional.`);
  const m = x.shape[x.ndim - 1]!;
  if (x.shape[x.ndim - 2] !== m)
    throw new TypeError(`matrixPower: the last two dimensions must be square, got shape ${fmtShape(x.shape)}.`);
  if (!Number.isInteger(n)) throw new TypeError(`matrixPower: the exponent must be an integer, got ${n}.`);
  if (n === 0) return broadcastTo(eye(m, null, { dtype: x.dtype }), x.shape, "matrixPower");
  if (n < 0) {
    x = inv(x);
    n = -n;
  }
  if (n === 1) return x;
  if (n === 2) return matmul(x, x);
  if (n === 3) return matmul(matmul(x, x), x);
  let z: JaxArray | null = null;
  let result: JaxArray | null = null;
  while (n > 0) {
    z = z === null ? x : matmul(z, z);
    if (n % 2 === 1) result = result === null ? z : matmul(result, z);
    n = Math.floor(n / 2);
  }
  return result!;
}

export interface MatrixRankOpts {
  /** Singular values ≤ rtol count as zero (an absolute threshold, as in JAX); default σ_max·max(m, n)·eps. */
  rtol?: ArrayLike | null;
  /** Alias of rtol. */
  tol?: ArrayLike | null;
  /** The input is symmetric. */
  hermitian?: boolean;
}

/** Rank of matrices [..., m, n]: the number of singular values above the tolerance (int32). */
export function matrixRank(M: ArrayLike, opts: MatrixRankOpts = {}): JaxArray {
  const given = opts.tol ?? null;
  if (given !== null && (opts.rtol ?? null) !== null) throw new Error("matrixRank: only one of tol or rtol may be specified.");
  const x = promoteInexact("matrixRank", M);
  if (x.ndim < 2) return castTo(max(castTo(notEqual(x, 0), "int32")), "int32");
  const S = svd(x, { fullMatrices: false, computeUv: false, hermitian: opts.hermitian ?? false });
  const rtolIn = opts.rtol ?? given;
  let tol: JaxArray;
  if (rtolIn === null) {
    const factor = Math.max(x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!) * finfoEps(S.dtype);
    const sMax = max(S, -1);
    tol = lax.mul(sMax, fullLike(sMax.aval, factor));
  } else {
    tol = castTo(asJax(rtolIn, "matrixRank"), S.dtype);
  }
  const t = expandDims(tol, tol.ndim);
  const [Sb, tb] = [S, t].map((v) => broadcastTo(v, broadcastShapes("matrixRank", S.shape, t.shape), "matrixRank")) as [JaxArray, JaxArray];
  return sum(lax.gt(Sb, tb), -1);
}

// ---- norms ----

export type NormOrd = number | "fro" | "f" | "nuc" | null;

/** The vector p-norm along `axis` (all axes by default); ord: 2 (default), ±Infinity, 0, 1 or any number. */
export function vectorNorm(
  x: ArrayLike,
  opts: { axis?: number | readonly number[] | null; keepdims?: boolean; ord?: number | string | null } = {},
): JaxArray {
  const a = promoteInexact("vectorNorm", x);
  const axis = opts.axis ?? null;
  const keepdims = opts.keepdims ?? false;
  const ord = opts.ord ?? 2;
  if (ord === 2) return sqrt(sum(lax.mul(a, a), axis, { keepdims }));
  if (ord === Number.POSITIVE_INFINITY) return max(abs(a), axis, { keepdims });
  if (ord === Number.NEGATIVE_INFINITY) return min(abs(a), axis, { keepdims });
  if (ord === 0) return sum(notEqual(a, 0), axis, { keepdims, dtype: a.dtype });
  if (ord === 1) return sum(abs(a), axis, { keepdims });
  if (typeof ord === "string") {
    throw new Error(`vectorNorm: invalid order ${JSON.stringify(ord)} for a vector norm; use a number (Infinity for the max norm).`);
  }
  const absX = abs(a);
  const powered = sum(lax.pow(absX, fullLike(absX.aval, ord)), axis, { keepdims });
  return lax.pow(powered, fullLike(powered.aval, 1 / ord));
}

/** The matrix norm over the last two axes (default Frobenius). */
export function matrixNorm(x: ArrayLike, opts: { keepdims?: boolean; ord?: NormOrd } = {}): JaxArray {
  return norm(x, opts.ord ?? "fro", [-2, -1], { keepdims: opts.keepdims });
}

/**
 * numpy's norm: with one axis a vector norm, with two a matrix norm — ord null/"fro" (Frobenius),
 * "nuc" (sum of singular values), 1/-1 (max/min column sum), Infinity/-Infinity (max/min row sum),
 * 2/-2 (largest/smallest singular value). With axis and ord null, the 2-norm of all entries.
 */
export function norm(
  x: ArrayLike,
  ord: NormOrd = null,
  axis: number | readonly number[] | null = null,
  opts: { keepdims?: boolean } = {},
): JaxArray {
  const a = promoteInexact("norm", x);
  const keepdims = opts.keepdims ?? false;
  if (axis === null && ord === null) return sqrt(sum(lax.mul(a, a), null, { keepdims }));
  const axes =
    axis === null ? [...Array(a.ndim).keys()] : (typeof axis === "number" ? [axis] : [...axis]).map((d) => normAxis("norm", d, a.ndim));
  if (axes.length === 1) return vectorNorm(a, { ord: ord ?? 2, axis: axes, keepdims });
  if (axes.length !== 2) {
    throw new Error(
      `norm: improper number of axes (${JSON.stringify(axis)}) for an array of rank ${a.ndim}: pass one axis for a vector norm, or two for a matrix norm.`,
    );
  }
  let [row, col] = axes as [number, number];
  if (row === col) throw new Error(`norm: duplicate axes ${JSON.stringify(axis)}.`);
  if (ord === null || ord === "fro" || ord === "f") return sqrt(sum(lax.mul(a, a), axes, { keepdims }));
  if (ord === 1 || ord === -1) {
    if (!keepdims && col > row) col -= 1;
    const colSums = sum(abs(a), row, { keepdims });
    return (ord === 1 ? max : min)(colSums, col, { keepdims });
  }
  if (ord === Number.POSITIVE_INFINITY || ord === Number.NEGATIVE_INFINITY) {
    if (!keepdims && row > col) row -= 1;
    const rowSums = sum(abs(a), col, { keepdims });
    return (ord > 0 ? max : min)(rowSums, row, { keepdims });
  }
  if (ord === "nuc" || ord === 2 || ord === -2) {
    const rest = [...Array(a.ndim).keys()].filter((d) => d !== row && d !== col);
    const s = svd(transpose(a, [...rest, row, col]), { computeUv: false });
    const y = ord === 2 ? max(s, -1) : ord === -2 ? min(s, -1) : sum(s, -1);
    return keepdims
      ? expandDims(
          y,
          [...axes].sort((p, q) => p - q),
        )
      : y;
  }
  throw new Error(
    `norm: invalid order ${JSON.stringify(ord)} for a matrix norm; use null, "fro", "nuc", 1, -1, 2, -2, Infinity or -Infinity.`,
  );
}
