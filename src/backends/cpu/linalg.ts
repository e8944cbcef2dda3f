// Dense linear-algebra kernels of the CPU backend. Each works on ONE row-major matrix in
// float64 (whatever the array's dtype: rounding happens once, when the primitive writes
// its output); the primitives in primitives/linalg.ts loop them over batch dimensions.
// Accuracy matters more than speed here: the matrices of a JS program are small.

export type Mat = Float64Array;

const EPS = 2 ** -52;

/** Lower Cholesky factor of the SPD matrix whose lower triangle is `a` (n×n); all NaN if it is not positive definite. */
export function cholesky(a: Mat, n: number): Mat {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2;
    // LAPACK reports failure and JAX turns the whole factor into NaNs; do the same.
    if (!(d > 0)) return l.fill(Number.NaN);
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

export interface LU {
  /** L (unit diagonal, not stored) below the diagonal, U on and above it; m×n. */
  lu: Mat;
  /** Row swaps: at step k, row k was swapped with row pivots[k] (LAPACK getrf, 0-based). */
  pivots: Int32Array;
  /** The same swaps as a permutation: row i of P·A is row perm[i] of A. */
  perm: Int32Array;
}

/** LU with partial pivoting, P·A = L·U (LAPACK getrf: the first entry of largest magnitude is the pivot). */
export function lu(a: Mat, m: number, n: number): LU {
  const x = Float64Array.from(a);
  const k = Math.min(m, n);
  const pivots = new Int32Array(k);
  const perm = Int32Array.from({ length: m }, (_, i) => i);
  for (let c = 0; c < k; c++) {
    let p = c;
    let best = Math.abs(x[c * n + c]!);
    for (let i = c + 1; i < m; i++) {
      const v = Math.abs(x[i * n + c]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    pivots[c] = p;
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        const t = x[c * n + j]!;
        x[c * n + j] = x[p * n + j]!;
        x[p * n + j] = t;
      }
      const t = perm[c]!;
      perm[c] = perm[p]!;
      perm[p] = t;
    }
    const d = x[c * n + c]!;
    // A zero pivot leaves the column as it is (the factorization is singular, not invalid).
    if (d !== 0) for (let i = c + 1; i < m; i++) x[i * n + c] = x[i * n + c]! / d;
    for (let i = c + 1; i < m; i++) {
      const f = x[i * n + c]!;
      if (f === 0) continue;
      for (let j = c + 1; j < n; j++) x[i * n + j] = x[i * n + j]! - f * x[c * n + j]!;
    }
  }
  return { lu: x, pivots, perm };
}

/** Determinant through LU (product of U's diagonal, signed by the permutation's parity). */
export function det(a: Mat, n: number): number {
  const { lu: x, pivots } = lu(a, n, n);
  let d = 1;
  for (let i = 0; i < n; i++) {
    d *= x[i * n + i]!;
    if (pivots[i] !== i) d = -d;
  }
  return d;
}

/**
 * Solves op(A)·X = B for X, with A m×m triangular (only the `lower` or upper triangle is
 * read; a unit diagonal is not read at all), op(A) = Aᵀ when `transpose`, B m×k.
 */
export function triangularSolveLeft(a: Mat, m: number, b: Mat, k: number, lower: boolean, transpose: boolean, unitDiagonal: boolean): Mat {
  const x = Float64Array.from(b);
  const at = transpose ? (i: number, j: number) => a[j * m + i]! : (i: number, j: number) => a[i * m + j]!;
  // op(A) is lower triangular (forward substitution) when A is lower and not transposed, or upper and transposed.
  const forward = lower !== transpose;
  for (let s = 0; s < m; s++) {
    const i = forward ? s : m - 1 - s;
    for (let t = 0; t < s; t++) {
      const j = forward ? t : m - 1 - t;
      const f = at(i, j);
      if (f === 0) continue;
      for (let c = 0; c < k; c++) x[i * k + c] = x[i * k + c]! - f * x[j * k + c]!;
    }
    if (!unitDiagonal) {
      const d = at(i, i);
      for (let c = 0; c < k; c++) x[i * k + c] = x[i * k + c]! / d;
    }
  }
  return x;
}

/**
 * Householder QR with LAPACK's conventions (geqrf reflectors, orgqr accumulation), so Q and R
 * match LAPACK's, signs included: A = Q·R, Q m×q and R q×n with q = m when `full`, else min(m, n).
 */
export function qr(a: Mat, m: number, n: number, full: boolean): { q: Mat; r: Mat } {
  const x = Float64Array.from(a);
  const k = Math.min(m, n);
  const taus = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    // larfg: a reflector H = I - tau·v·vᵀ (v[0] = 1) with H·x[c:, c] = beta·e1.
    let tail2 = 0;
    for (let i = c + 1; i < m; i++) tail2 += x[i * n + c]! ** 2;
    const alpha = x[c * n + c]!;
    if (tail2 === 0) continue; // tau = 0: H = I, the column is already reduced
    const beta = (alpha >= 0 ? -1 : 1) * Math.hypot(alpha, Math.sqrt(tail2));
    const tau = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = c + 1; i < m; i++) x[i * n + c] = x[i * n + c]! * scale;
    x[c * n + c] = beta;
    taus[c] = tau;
    for (let j = c + 1; j < n; j++) {
      let w = x[c * n + j]!;
      for (let i = c + 1; i < m; i++) w += x[i * n + c]! * x[i * n + j]!;
      w *= tau;
      x[c * n + j] = x[c * n + j]! - w;
      for (let i = c + 1; i < m; i++) x[i * n + j] = x[i * n + j]! - w * x[i * n + c]!;
    }
  }
  const qc = full ? m : k;
  // Q = H_0·H_1·…·H_{k-1} applied to the first qc columns of I, innermost reflector first.
  const q = new Float64Array(m * qc);
  for (let i = 0; i < Math.min(m, qc); i++) q[i * qc + i] = 1;
  for (let c = k - 1; c >= 0; c--) {
    const tau = taus[c]!;
    if (tau === 0) continue;
    for (let j = 0; j < qc; j++) {
      let w = q[c * qc + j]!;
      for (let i = c + 1; i < m; i++) w += x[i * n + c]! * q[i * qc + j]!;
      w *= tau;
      q[c * qc + j] = q[c * qc + j]! - w;
      for (let i = c + 1; i < m; i++) q[i * qc + j] = q[i * qc + j]! - w * x[i * n + c]!;
    }
  }
  const r = new Float64Array(qc * n);
  for (let i = 0; i < Math.min(qc, m); i++) for (let j = i; j < n; j++) r[i * n + j] = x[i * n + j]!;
  return { q, r };
}

/** Flips each column of `v` (rows×cols) so that its entry of largest magnitude is positive; returns the signs. */
function normalizeColumnSigns(v: Mat, rows: number, cols: number): Int8Array {
  const signs = new Int8Array(cols).fill(1);
  for (let j = 0; j < cols; j++) {
    let best = 0;
    for (let i = 0; i < rows; i++) if (Math.abs(v[i * cols + j]!) > Math.abs(best)) best = v[i * cols + j]!;
    if (best < 0) {
      signs[j] = -1;
      for (let i = 0; i < rows; i++) v[i * cols + j] = -v[i * cols + j]!;
    }
  }
  return signs;
}

/**
 * Symmetric eigendecomposition by cyclic Jacobi rotations, reading the `lower` (or upper)
 * triangle of `a`. Eigenvalues ascending; eigenvectors are the columns of v, each signed
 * so that its entry of largest magnitude is positive (LAPACK's signs are arbitrary).
 */
export function eigh(a: Mat, n: number, lower: boolean): { w: Mat; v: Mat } {
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const val = lower ? a[i * n + j]! : a[j * n + i]!;
      s[i * n + j] = val;
      s[j * n + i] = val;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q]!;
        const app = s[p * n + p]!;
        const aqq = s[q * n + q]!;
        // Rotate only while the coupling matters at working precision (relative to the two
        // diagonal entries), which gives small eigenvalues high relative accuracy.
        if (!(Math.abs(apq) > EPS * Math.sqrt(Math.abs(app * aqq))) || apq === 0) continue;
        rotated = true;
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = t * c;
        for (let k = 0; k < n; k++) {
          const kp = s[k * n + p]!;
          const kq = s[k * n + q]!;
          s[k * n + p] = c * kp - sn * kq;
          s[k * n + q] = sn * kp + c * kq;
        }
        for (let k = 0; k < n; k++) {
          const pk = s[p * n + k]!;
          const qk = s[q * n + k]!;
          s[p * n + k] = c * pk - sn * qk;
          s[q * n + k] = sn * pk + c * qk;
        }
        s[p * n + q] = 0;
        s[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const kp = v[k * n + p]!;
          const kq = v[k * n + q]!;
          v[k * n + p] = c * kp - sn * kq;
          v[k * n + q] = sn * kp + c * kq;
        }
      }
    }
    if (!rotated) break;
  }
  const order = [...Array(n).keys()].sort((i, j) => s[i * n + i]! - s[j * n + j]!);
  const w = Float64Array.from(order, (i) => s[i * n + i]!);
  const vs = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    order.forEach((src, dst) => {
      vs[r * n + dst] = v[r * n + src]!;
    });
  }
  normalizeColumnSigns(vs, n, n);
  return { w, v: vs };
}

/**
 * Extends orthonormal columns (each of length m, at most m of them) to `want` columns: the
 * extra ones are the trailing columns of the complete Householder Q of the given ones.
 */
function completeBasis(cols: Mat[], m: number, want: number): void {
  const r = cols.length;
  if (want <= r) return;
  const a = new Float64Array(m * r);
  cols.forEach((c, j) => {
    for (let i = 0; i < m; i++) a[i * r + j] = c[i]!;
  });
  const { q } = qr(a, m, r, true);
  for (let j = r; j < want; j++) cols.push(Float64Array.from({ length: m }, (_, i) => q[i * m + j]!));
}

function norm2(x: Mat): number {
  let acc = 0;
  for (let i = 0; i < x.length; i++) acc += x[i]! * x[i]!;
  return Math.sqrt(acc);
}

export interface SVD {
  /** Singular values, descending (min(m, n) of them). */
  s: Mat;
  /** Left singular vectors, m×(full ? m : k). */
  u: Mat;
  /** Right singular vectors transposed, (full ? n : k)×n. */
  vt: Mat;
}

/**
 * SVD by one-sided (Hestenes) Jacobi rotations, accurate to high relative precision (unlike
 * an eigendecomposition of AᵀA). Singular vectors are signed so that each column of u has its
 * entry of largest magnitude positive; columns for zero singular values, and the extra columns
 * of full matrices, complete an orthonormal basis.
 */
export function svd(a: Mat, m: number, n: number, full: boolean): SVD {
  if (m < n) {
    // A = (Aᵀ)ᵀ: the SVD of Aᵀ = U'·S·V'ᵀ gives A = V'·S·U'ᵀ.
    const at = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) at[j * m + i] = a[i * n + j]!;
    const t = svd(at, n, m, full);
    const uc = full ? n : m;
    // u (m×m) = V' = t.vtᵀ; vt (uc×n) = U'ᵀ = t.uᵀ
    const u = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) u[i * m + j] = t.vt[j * m + i]!;
    const vt = new Float64Array(uc * n);
    for (let i = 0; i < uc; i++) for (let j = 0; j < n; j++) vt[i * n + j] = t.u[j * uc + i]!;
    // re-sign so that u's columns follow the convention (vt's rows flip with them)
    const signs = normalizeColumnSigns(u, m, m);
    for (let i = 0; i < m; i++) if (signs[i] === -1) for (let j = 0; j < n; j++) vt[i * n + j] = -vt[i * n + j]!;
    return { s: t.s, u, vt };
  }
  // m >= n: rotate the columns of A (kept as separate column vectors) until they are orthogonal.
  const cols: Mat[] = Array.from({ length: n }, (_, j) => Float64Array.from({ length: m }, (_, i) => a[i * n + j]!));
  const vcols: Mat[] = Array.from({ length: n }, (_, j) => {
    const e = new Float64Array(n);
    e[j] = 1;
    return e;
  });
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const up = cols[p]!;
        const uq = cols[q]!;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += up[i]! * up[i]!;
          beta += uq[i]! * uq[i]!;
          gamma += up[i]! * uq[i]!;
        }
        if (!(Math.abs(gamma) > EPS * Math.sqrt(alpha * beta)) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        for (let i = 0; i < m; i++) {
          const x = up[i]!;
          const y = uq[i]!;
          up[i] = c * x - sn * y;
          uq[i] = sn * x + c * y;
        }
        const vp = vcols[p]!;
        const vq = vcols[q]!;
        for (let i = 0; i < n; i++) {
          const x = vp[i]!;
          const y = vq[i]!;
          vp[i] = c * x - sn * y;
          vq[i] = sn * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = cols.map(norm2);
  const order = [...Array(n).keys()].sort((i, j) => norms[j]! - norms[i]!);
  const s = Float64Array.from(order, (i) => norms[i]!);
  const smax = s[0] ?? 0;
  const tiny = smax * EPS * Math.max(m, n);
  // u's columns: the normalized columns of the (numerically) nonzero singular values, which
  // come first since s is descending, then an orthonormal completion for the rest.
  const ucols: Mat[] = [];
  order.forEach((src, dst) => {
    if (s[dst]! > tiny) ucols.push(cols[src]!.map((x) => x / s[dst]!));
  });
  const uc = full ? m : n;
  completeBasis(ucols, m, uc);
  const u = new Float64Array(m * uc);
  ucols.forEach((c, j) => {
    for (let i = 0; i < m; i++) u[i * uc + j] = c[i]!;
  });
  const vt = new Float64Array(n * n);
  order.forEach((src, dst) => {
    const v = vcols[src]!;
    for (let i = 0; i < n; i++) vt[dst * n + i] = v[i]!;
  });
  const signs = normalizeColumnSigns(u, m, uc);
  for (let i = 0; i < n; i++) if (signs[i] === -1) for (let j = 0; j < n; j++) vt[i * n + j] = -vt[i * n + j]!;
  return { s, u, vt };
}

/** Moore–Penrose pseudo-inverse (n×m) via the SVD; singular values ≤ rtol·σ_max count as zero. */
export function pinv(a: Mat, m: number, n: number, rtol: number): Mat {
  const out = new Float64Array(n * m);
  if (m === 0 || n === 0) return out;
  const { s, u, vt } = svd(a, m, n, false);
  const k = Math.min(m, n);
  const cutoff = rtol * s[0]!;
  for (let c = 0; c < k; c++) {
    if (!(s[c]! > cutoff)) continue;
    const inv = 1 / s[c]!;
    for (let i = 0; i < n; i++) {
      const vi = vt[c * n + i]! * inv;
      if (vi === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] = out[i * m + j]! + vi * u[j * k + c]!;
    }
  }
  return out;
}
