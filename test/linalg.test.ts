// jnp.linalg against real JAX (test/fixtures/linalg.json and linalg_f64.json, written by
// scripts/fixtures_linalg.py): values and gradients in float32 and float64, then vmap
// (equals stacking), jit (equals eager) and forward mode (jacfwd equals jacrev).
// Each function below mirrors the Python case of the same name.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, jacfwd, jacrev, jit, numpy as jnp, vmap } from "../src/index.js";
import * as LA from "../src/numpy/linalg.js";
import {
  assertAllClose,
  assertTreeClose,
  type Fixture,
  type FixtureArray,
  fromFixture,
  get,
  getLeaf,
  keysOf,
  loadFixture,
  type Tolerance,
} from "./helpers.js";

type Fn = (...args: JArray[]) => unknown;

const w2 = (a: JArray) => jnp.array([1, -2], { dtype: a.dtype });

const VALUES: Record<string, Fn> = {
  cholesky_S3: (a) => LA.cholesky(a),
  cholesky_S23: (a) => LA.cholesky(a),
  cholesky_upper: (a) => LA.cholesky(a, { upper: true }),
  inv_A3: (a) => LA.inv(a),
  inv_A4: (a) => LA.inv(a),
  inv_A23: (a) => LA.inv(a),
  solve_vec: (a, b) => LA.solve(a, b),
  solve_mat: (a, b) => LA.solve(a, b),
  solve_batched_a_vec_b: (a, b) => LA.solve(a, b),
  solve_broadcast_a: (a, b) => LA.solve(a, b),
  det_A2: (a) => LA.det(a),
  det_A3: (a) => LA.det(a),
  det_A4: (a) => LA.det(a),
  det_A23: (a) => LA.det(a),
  slogdet_A4: (a) => LA.slogdet(a),
  slogdet_A4neg: (a) => LA.slogdet(a),
  slogdet_A23: (a) => LA.slogdet(a),
  slogdet_A2: (a) => LA.slogdet(a),
  qr_A3: (a) => LA.qr(a),
  qr_T53: (a) => LA.qr(a),
  qr_T53_complete: (a) => LA.qr(a, { mode: "complete" }),
  qr_W35: (a) => LA.qr(a),
  qr_W35_complete: (a) => LA.qr(a, { mode: "complete" }),
  qr_T53_r: (a) => LA.qr(a, { mode: "r" }),
  qr_T243: (a) => LA.qr(a),
  eigvalsh_Sym4: (a) => LA.eigvalsh(a),
  eigvalsh_Sym24: (a) => LA.eigvalsh(a),
  eigvalsh_upper_nosym: (a) => LA.eigvalsh(a, { UPLO: "U", symmetrizeInput: false }),
  eigvalsh_lower_nosym: (a) => LA.eigvalsh(a, { UPLO: "L", symmetrizeInput: false }),
  svdvals_T53: (a) => LA.svdvals(a),
  svdvals_W35: (a) => LA.svdvals(a),
  svdvals_T243: (a) => LA.svdvals(a),
  svdvals_Low43: (a) => LA.svdvals(a),
  pinv_T53: (a) => LA.pinv(a),
  pinv_W35: (a) => LA.pinv(a),
  pinv_A3: (a) => LA.pinv(a),
  pinv_T243: (a) => LA.pinv(a),
  pinv_Low43: (a) => LA.pinv(a),
  pinv_hermitian: (a) => LA.pinv(a, { hermitian: true }),
  lstsq_vec: (a, b) => LA.lstsq(a, b),
  lstsq_mat: (a, b) => LA.lstsq(a, b),
  lstsq_under: (a, b) => LA.lstsq(a, b),
  lstsq_lowrank: (a, b) => LA.lstsq(a, b, { rcond: 1e-3 }),
  matrix_power_0: (a) => LA.matrixPower(a, 0),
  matrix_power_1: (a) => LA.matrixPower(a, 1),
  matrix_power_2: (a) => LA.matrixPower(a, 2),
  matrix_power_3: (a) => LA.matrixPower(a, 3),
  matrix_power_5: (a) => LA.matrixPower(a, 5),
  matrix_power_m2: (a) => LA.matrixPower(a, -2),
  matrix_rank_A3: (a) => LA.matrixRank(a),
  matrix_rank_Low43: (a) => LA.matrixRank(a),
  matrix_rank_tol: (a) => LA.matrixRank(a, { tol: 4 }),
  matrix_rank_batched: (a) => LA.matrixRank(a),
  norm_default: (x) => LA.norm(x),
  norm_vec_none: (x) => LA.norm(x, null),
  norm_vec_1: (x) => LA.norm(x, 1),
  norm_vec_2: (x) => LA.norm(x, 2),
  norm_vec_inf: (x) => LA.norm(x, Number.POSITIVE_INFINITY),
  norm_vec_minf: (x) => LA.norm(x, Number.NEGATIVE_INFINITY),
  norm_vec_0: (x) => LA.norm(x, 0),
  norm_vec_3: (x) => LA.norm(x, 3),
  norm_vec_m1: (x) => LA.norm(x, -1),
  norm_vec_half: (x) => LA.norm(x, 0.5),
  norm_mat_none: (x) => LA.norm(x, null, [0, 1]),
  norm_mat_fro: (x) => LA.norm(x, "fro"),
  norm_mat_nuc: (x) => LA.norm(x, "nuc"),
  norm_mat_1: (x) => LA.norm(x, 1),
  norm_mat_m1: (x) => LA.norm(x, -1),
  norm_mat_2: (x) => LA.norm(x, 2),
  norm_mat_m2: (x) => LA.norm(x, -2),
  norm_mat_inf: (x) => LA.norm(x, Number.POSITIVE_INFINITY),
  norm_mat_minf: (x) => LA.norm(x, Number.NEGATIVE_INFINITY),
  norm_axes02_nuc_keep: (x) => LA.norm(x, "nuc", [0, 2], { keepdims: true }),
  norm_axes20_1: (x) => LA.norm(x, 1, [2, 0]),
  norm_axes12_inf_keep: (x) => LA.norm(x, Number.POSITIVE_INFINITY, [1, 2], { keepdims: true }),
  norm_axes21_minf: (x) => LA.norm(x, Number.NEGATIVE_INFINITY, [2, 1]),
  norm_axis1_3_keep: (x) => LA.norm(x, 3, 1, { keepdims: true }),
  norm_axism1_2: (x) => LA.norm(x, 2, -1),
  tri_left_lower: (a, b) => LA.triangularSolve(a, b, { leftSide: true, lower: true }),
  tri_left_lower_trans: (a, b) => LA.triangularSolve(a, b, { leftSide: true, lower: true, transposeA: true }),
  tri_left_upper_unit: (a, b) => LA.triangularSolve(a, b, { leftSide: true, lower: false, unitDiagonal: true }),
  tri_right_upper: (a, b) => LA.triangularSolve(a, b, { leftSide: false, lower: false }),
  tri_right_lower_trans: (a, b) => LA.triangularSolve(a, b, { leftSide: false, lower: true, transposeA: true }),
  tri_left_vector: (a, b) => LA.triangularSolve(a, b, { leftSide: true, lower: true }),
  tri_batched: (a, b) => LA.triangularSolve(a, b, { leftSide: true, lower: true }),
  cho_solve_lower: (s, b) => LA.choSolve([LA.cholesky(s), true], b),
  cho_solve_upper: (s, b) => LA.choSolve([LA.cholesky(s, { upper: true }), false], b),
};

/** Cases whose vectors are defined up to sign: which leaves are vectors, and along which axis. */
const SIGNED: Record<string, { f: Fn; signs: ("col" | "row" | null)[] }> = {
  eigh_Sym4: { f: (a) => LA.eigh(a), signs: [null, "col"] },
  eigh_Sym24: { f: (a) => LA.eigh(a), signs: [null, "col"] },
  svd_T53: { f: (a) => LA.svd(a, { fullMatrices: false }), signs: ["col", null, "row"] },
  svd_W35: { f: (a) => LA.svd(a, { fullMatrices: false }), signs: ["col", null, "row"] },
  svd_A3_full: { f: (a) => LA.svd(a), signs: ["col", null, "row"] },
  svd_T243: { f: (a) => LA.svd(a, { fullMatrices: false }), signs: ["col", null, "row"] },
};

const tri = (a: JArray, b: JArray, o: LA.TriangularSolveOpts) => LA.triangularSolve(a, b, o);
const svdThin = (a: JArray) => LA.svd(a, { fullMatrices: false });

const GRADS: Record<string, (...args: JArray[]) => JArray> = {
  cholesky: (s, w) => LA.cholesky(s).mul(w).sum(),
  cholesky_batched: (s, w) => LA.cholesky(s).mul(w).sum(),
  cholesky_upper: (s, w) => LA.cholesky(s, { upper: true }).mul(w).sum(),
  inv: (a, w) => LA.inv(a).mul(w).sum(),
  inv_batched: (a, w) => LA.inv(a).mul(w).sum(),
  solve: (a, b, w) => LA.solve(a, b).mul(w).sum(),
  solve_vec: (a, b, w) => LA.solve(a, b).mul(w).sum(),
  solve_batched: (a, b, w) => LA.solve(a, b).mul(w).sum(),
  det_A2: (a) => LA.det(a),
  det_A3: (a) => LA.det(a),
  det_A4: (a) => LA.det(a),
  det_batched: (a) => LA.det(a).mul(w2(a)).sum(),
  det_singular_rank3: (a) => LA.det(a),
  det_singular_rank2: (a) => LA.det(a),
  logdet: (a) => LA.slogdet(a)[1],
  logdet_neg: (a) => LA.slogdet(a)[1],
  logdet_batched: (a) => LA.slogdet(a)[1].mul(w2(a)).sum(),
  qr_A3: (a, w1, w2_) => LA.qr(a)[0].mul(w1).sum().add(LA.qr(a)[1].mul(w2_).sum()),
  qr_T53: (a, w1, w2_) => LA.qr(a)[0].mul(w1).sum().add(LA.qr(a)[1].mul(w2_).sum()),
  qr_T53_complete: (a, w1, w2_) => {
    const [q, r] = LA.qr(a, { mode: "complete" });
    return q.get(":, :3").mul(w1).sum().add(r.mul(w2_).sum());
  },
  qr_W35: (a, w1, w2_) => LA.qr(a)[0].mul(w1).sum().add(LA.qr(a)[1].mul(w2_).sum()),
  qr_T243: (a, w1) => LA.qr(a)[0].mul(w1).sum(),
  eigh_values: (a, c) => LA.eigh(a)[0].mul(c).sum(),
  eigh_vectors_sq: (a, w) => LA.eigh(a)[1].pow(2).mul(w).sum(),
  eigh_batched: (a, w) => LA.eigh(a)[1].pow(2).mul(w).sum().add(LA.eigvalsh(a).pow(2).sum()),
  eigvalsh_nosym: (a, c) => LA.eigvalsh(a, { symmetrizeInput: false }).mul(c).sum(),
  svd_s_T53: (a, c) => LA.svd(a, { computeUv: false }).mul(c).sum(),
  svd_s_W35: (a, c) => LA.svdvals(a).mul(c).sum(),
  svd_u_sq_T53: (a, w) => svdThin(a)[0].pow(2).mul(w).sum(),
  svd_vh_sq_W35: (a, w) => svdThin(a)[2].pow(2).mul(w).sum(),
  svd_recon_T53: (a, w) => {
    const [u, s, vh] = svdThin(a);
    return u.mul(s).matmul(vh).mul(w).sum();
  },
  svd_full_square: (a, w) => LA.svd(a)[0].pow(2).mul(w).sum().add(LA.svd(a)[1].sum()),
  svd_batched: (a, w) => svdThin(a)[0].pow(2).mul(w).sum(),
  pinv_T53: (a, w) => LA.pinv(a).mul(w).sum(),
  pinv_W35: (a, w) => LA.pinv(a).mul(w).sum(),
  pinv_A3: (a, w) => LA.pinv(a).mul(w).sum(),
  pinv_identity: (a, w) =>
    LA.pinv(a.add(jnp.eye(3, null, { dtype: a.dtype })).sub(a))
      .mul(w)
      .sum(),
  lstsq: (a, b, w) => LA.lstsq(a, b)[0].mul(w).sum(),
  lstsq_resid: (a, b) => LA.lstsq(a, b)[1].sum(),
  matrix_power_5: (a, w) => LA.matrixPower(a, 5).mul(w).sum(),
  matrix_power_m2: (a, w) => LA.matrixPower(a, -2).mul(w).sum(),
  norm_nuc: (x) => LA.norm(x, "nuc"),
  norm_2: (x) => LA.norm(x, 2),
  norm_m2: (x) => LA.norm(x, -2),
  norm_fro: (x) => LA.norm(x, "fro"),
  norm_1: (x) => LA.norm(x, 1),
  norm_vec_3: (x) => LA.norm(x, 3),
  norm_batched_axes: (x) => LA.norm(x, "nuc", [0, 2]).sum(),
  tri_left_lower: (a, b, w) => tri(a, b, { leftSide: true, lower: true }).mul(w).sum(),
  tri_right_upper_trans: (a, b, w) => tri(a, b, { leftSide: false, lower: false, transposeA: true }).mul(w).sum(),
  tri_left_upper_unit: (a, b, w) => tri(a, b, { leftSide: true, lower: false, unitDiagonal: true }).mul(w).sum(),
  cho_solve: (s, b, w) =>
    LA.choSolve([LA.cholesky(s), true], b)
      .mul(w)
      .sum(),
};

const FX32 = loadFixture("linalg");
const FX64 = loadFixture("linalg_f64");
const TOL32: Tolerance = { rtol: 1e-4, atol: 2e-5 };
const TOL64: Tolerance = { rtol: 1e-9, atol: 1e-10 };

function args(fx: Fixture, kind: "values" | "grads", name: string): JArray[] {
  return (get(fx, kind, name, "args") as string[]).map((n) => fromFixture(getLeaf(fx, "inputs", n)));
}

/** Compares matrices [..., r, c] whose columns (or rows) are defined up to sign. */
function assertCloseUpToSign(actual: JArray, expected: FixtureArray, along: "col" | "row", tol: Tolerance, label: string): void {
  assert.deepEqual([...actual.shape], expected.shape, `${label}: shape`);
  const a = Array.from(actual.dataSync(), Number);
  const e = expected.data.map(Number);
  const [r, c] = expected.shape.slice(-2) as [number, number];
  const flipped = a.slice();
  for (let b = 0; b < a.length / (r * c); b++) {
    const vecs = along === "col" ? c : r;
    const len = along === "col" ? r : c;
    for (let v = 0; v < vecs; v++) {
      const idx = (k: number) => b * r * c + (along === "col" ? k * c + v : v * c + k);
      let dot = 0;
      for (let k = 0; k < len; k++) dot += a[idx(k)]! * e[idx(k)]!;
      if (dot < 0) for (let k = 0; k < len; k++) flipped[idx(k)] = -a[idx(k)]!;
    }
  }
  assertAllClose(flipped, e, tol, label);
}

function checkDtype(tree: unknown, dtype: string, label: string): void {
  if (Array.isArray(tree)) {
    tree.forEach((t, i) => {
      checkDtype(t, dtype, `${label}[${i}]`);
    });
  } else if (tree && typeof tree === "object" && "dtype" in tree) {
    const d = (tree as JArray).dtype;
    assert.ok(d === dtype || d === "int32", `${label}: dtype ${d}, expected ${dtype}`);
  }
}

for (const [fx, dtype, tol] of [
  [FX32, "float32", TOL32],
  [FX64, "float64", TOL64],
] as const) {
  test(`linalg fixtures (${dtype}) cover exactly the cases mirrored here`, () => {
    assert.deepEqual(keysOf(fx, "values").sort(), [...Object.keys(VALUES), ...Object.keys(SIGNED)].sort());
    assert.deepEqual(keysOf(fx, "grads").sort(), Object.keys(GRADS).sort());
  });

  test(`linalg values match JAX (${dtype})`, () => {
    for (const [name, f] of Object.entries(VALUES)) {
      const out = f(...args(fx, "values", name));
      checkDtype(out, dtype, name);
      assertTreeClose(out, get(fx, "values", name, "out"), tol, name);
    }
  });

  test(`linalg eigenvectors and singular vectors match JAX up to sign (${dtype})`, () => {
    for (const [name, { f, signs }] of Object.entries(SIGNED)) {
      const outs = f(...args(fx, "values", name)) as JArray[];
      signs.forEach((along, i) => {
        const expected = getLeaf(fx, "values", name, "out", i);
        if (along === null) assertAllClose(outs[i], expected, tol, `${name}[${i}]`);
        else assertCloseUpToSign(outs[i]!, expected, along, tol, `${name}[${i}]`);
      });
    }
  });

  test(`linalg gradients match jax.grad (${dtype})`, () => {
    for (const [name, f] of Object.entries(GRADS)) {
      const argnums = get(fx, "grads", name, "argnums") as number[];
      const g = grad(f, { argnums })(...args(fx, "grads", name)) as JArray[];
      assertTreeClose(g, get(fx, "grads", name, "grad"), tol, `grad ${name}`);
    }
  });
}

// ---- structural properties (no fixture needed) ----

const A23 = fromFixture(getLeaf(FX32, "inputs", "A23"));
const S23 = fromFixture(getLeaf(FX32, "inputs", "S23"));
const T243 = fromFixture(getLeaf(FX32, "inputs", "T243"));
const Sym24 = fromFixture(getLeaf(FX32, "inputs", "Sym24"));
const B232 = fromFixture(getLeaf(FX32, "inputs", "B232"));
const Lo3 = fromFixture(getLeaf(FX32, "inputs", "Lo3"));
const T53 = fromFixture(getLeaf(FX32, "inputs", "T53"));
const b5 = fromFixture(getLeaf(FX32, "inputs", "b5"));

const item = (x: JArray, i: number) => x.get(i);
const TIGHT: Tolerance = { rtol: 1e-6, atol: 1e-6 };

function assertStacked(batched: unknown, perItem: (i: number) => unknown, n: number, label: string): void {
  const outs = Array.from({ length: n }, (_, i) => perItem(i));
  const leaves = (t: unknown): JArray[] => (Array.isArray(t) ? t.flatMap(leaves) : [t as JArray]);
  const bl = leaves(batched);
  bl.forEach((b, k) => {
    const stacked = jnp.stack(outs.map((o) => leaves(o)[k]!));
    assertAllClose(b, Array.from(stacked.dataSync(), Number), TIGHT, `${label}[${k}]`);
  });
}

test("vmap of each linalg function equals stacking its results", () => {
  const cases: [string, (...xs: JArray[]) => unknown, JArray[]][] = [
    ["cholesky", (s) => LA.cholesky(s), [S23]],
    ["inv", (a) => LA.inv(a), [A23]],
    ["det", (a) => LA.det(a), [A23]],
    ["slogdet", (a) => LA.slogdet(a), [A23]],
    ["solve", (a, b) => LA.solve(a, b), [A23, B232]],
    ["qr", (a) => LA.qr(a, { mode: "complete" }), [T243]],
    ["eigh", (a) => LA.eigh(a), [Sym24]],
    ["svd", (a) => LA.svd(a), [T243]],
    ["pinv", (a) => LA.pinv(a), [T243]],
    ["lstsq", (a) => LA.lstsq(a, jnp.ones([4])), [T243]],
    ["matrixRank", (a) => LA.matrixRank(a), [T243]],
    ["norm nuc", (a) => LA.norm(a, "nuc"), [T243]],
    ["grad logdet", grad((a: JArray) => LA.slogdet(a)[1]), [A23]],
    ["grad det", grad((a: JArray) => LA.det(a)), [A23]],
    ["grad eigh", grad((a: JArray) => LA.eigh(a)[1].pow(3).sum()), [Sym24]],
    ["grad svd", grad((a: JArray) => LA.svd(a, { fullMatrices: false })[0].pow(2).get(0).sum()), [T243]],
    ["grad qr", grad((a: JArray) => LA.qr(a)[0].sum()), [T243]],
    ["grad pinv", grad((a: JArray) => LA.pinv(a).sum()), [T243]],
    ["grad cholesky", grad((s: JArray) => LA.cholesky(s).sum()), [S23]],
  ];
  for (const [label, f, xs] of cases) {
    assertStacked(vmap(f)(...xs), (i) => f(...xs.map((x) => item(x, i))), 2, `vmap ${label}`);
  }
  // an unbatched triangular matrix against batched right-hand sides, and the reverse
  const lo = (b: JArray) => LA.triangularSolve(Lo3, b, { leftSide: true, lower: true });
  assertStacked(vmap(lo)(B232), (i) => lo(item(B232, i)), 2, "vmap triangularSolve (b batched)");
  const Lo23 = jnp.stack([Lo3, Lo3.mul(2)]);
  const byA = (a: JArray) => LA.triangularSolve(a, item(B232, 0), { leftSide: true, lower: true });
  assertStacked(vmap(byA)(Lo23), (i) => byA(item(Lo23, i)), 2, "vmap triangularSolve (a batched)");
  // batch axis not in front
  const moved = jnp.transpose(A23, [1, 0, 2]);
  assertStacked(vmap(LA.inv, { inAxes: 1 })(moved), (i) => LA.inv(item(A23, i)), 2, "vmap inv (inAxes 1)");
});

test("jit of linalg functions equals eager evaluation, and jit(grad) equals grad", () => {
  const fns: [string, (...xs: JArray[]) => unknown, JArray[]][] = [
    ["solve", (a, b) => LA.solve(a, b), [A23, B232]],
    ["qr", (a) => LA.qr(a), [T243]],
    ["eigh", (a) => LA.eigh(a), [Sym24]],
    ["svd", (a) => LA.svd(a, { fullMatrices: false }), [T243]],
    ["lstsq", (a, b) => LA.lstsq(a, b), [T53, b5]],
    ["slogdet + det", (a) => [LA.slogdet(a), LA.det(a)], [A23]],
    ["grad inv", grad((a: JArray) => LA.inv(a).sum()), [A23]],
    ["grad svd", grad((a: JArray) => LA.svdvals(a).sum()), [T243]],
    ["grad cholesky", grad((s: JArray) => LA.cholesky(s).pow(2).sum()), [S23]],
  ];
  for (const [label, f, xs] of fns) {
    const eager = f(...xs);
    const jitted = jit(f)(...xs);
    assertTreeClose(jitted, toFixtureTree(eager), TIGHT, `jit ${label}`);
  }
});

function toFixtureTree(t: unknown): unknown {
  if (Array.isArray(t)) return t.map(toFixtureTree);
  const a = t as JArray;
  return { shape: [...a.shape], dtype: a.dtype, data: Array.from(a.dataSync(), Number) };
}

test("forward mode agrees with reverse mode (jacfwd = jacrev) through every primitive", () => {
  const a = item(A23, 0);
  const s = item(S23, 0);
  const sym = item(Sym24, 1);
  const t = item(T243, 0);
  const cases: [string, (x: JArray) => JArray, JArray][] = [
    ["cholesky", (x) => LA.cholesky(x), s],
    ["solve", (x) => LA.solve(x, jnp.array([1, 2, 3])), a],
    ["det", (x) => LA.det(x), a],
    ["slogdet", (x) => LA.slogdet(x)[1], a],
    ["qr", (x) => LA.qr(x)[0], t],
    ["qr complete", (x) => LA.qr(x, { mode: "complete" })[0].get(":, :3"), t],
    ["eigh", (x) => LA.eigh(x)[1].pow(2), sym],
    ["svd", (x) => LA.svd(x, { fullMatrices: false })[0].pow(2), t],
    ["pinv", (x) => LA.pinv(x), t],
    ["triangularSolve", (x) => LA.triangularSolve(x, B232.get(0), { leftSide: true, lower: true }), Lo3],
  ];
  for (const [label, f, x] of cases) {
    assertAllClose(jacfwd(f)(x), Array.from((jacrev(f)(x) as JArray).dataSync(), Number), { rtol: 1e-4, atol: 1e-5 }, `jacfwd ${label}`);
  }
});

test("factorizations reconstruct their input and have the promised structure", () => {
  const [q, r] = LA.qr(T243, { mode: "complete" });
  assertAllClose(q.matmul(r), Array.from(T243.dataSync(), Number), { atol: 1e-5 }, "q r");
  assertAllClose(
    jnp.transpose(q, [0, 2, 1]).matmul(q),
    Array.from(jnp.stack([jnp.eye(4), jnp.eye(4)]).dataSync(), Number),
    { atol: 1e-6 },
    "qᵀq",
  );
  const [u, sv, vh] = LA.svd(T243);
  assert.deepEqual(
    [u.shape, sv.shape, vh.shape],
    [
      [2, 4, 4],
      [2, 3],
      [2, 3, 3],
    ],
  );
  assertAllClose(u.get("..., :3").mul(sv.get(":, None, :")).matmul(vh), Array.from(T243.dataSync(), Number), { atol: 1e-5 }, "u s vh");
  assertAllClose(
    jnp.transpose(u, [0, 2, 1]).matmul(u),
    Array.from(jnp.stack([jnp.eye(4), jnp.eye(4)]).dataSync(), Number),
    { atol: 1e-6 },
    "uᵀu (full)",
  );
  const [w, v] = LA.eigh(Sym24);
  assertAllClose(
    v.mul(w.get(":, None, :")).matmul(jnp.transpose(v, [0, 2, 1])),
    Array.from(Sym24.dataSync(), Number),
    { atol: 1e-5 },
    "v diag(w) vᵀ",
  );
  const rankDeficient = jnp.array([
    [1, 2, 3],
    [2, 4, 6],
    [1, 0, 1],
    [3, 6, 9],
  ]);
  const [u2, s2] = LA.svd(rankDeficient);
  assert.ok((s2.get(2).item() as number) < 1e-6, "a zero singular value");
  assertAllClose(jnp.transpose(u2).matmul(u2), Array.from(jnp.eye(4).dataSync(), Number), { atol: 1e-6 }, "u orthonormal despite rank 2");
  // not positive definite: NaNs, as JAX
  assert.ok(
    Number.isNaN(
      LA.cholesky(
        jnp.array([
          [1, 2],
          [2, 1],
        ]),
      )
        .get(0, 0)
        .item() as number,
    ),
  );
  // integer inputs are promoted to float32
  assert.equal(
    LA.inv(
      jnp.array(
        [
          [2, 0],
          [0, 4],
        ],
        { dtype: "int32" },
      ),
    ).dtype,
    "float32",
  );
  assert.equal(
    LA.det(
      jnp.array(
        [
          [2, 1],
          [1, 3],
        ],
        { dtype: "int32" },
      ),
    ).item(),
    5,
  );
});

test("linalg errors name the operation and the shapes", () => {
  assert.throws(() => LA.inv(jnp.ones([2, 3])), /inv: expected square matrices .*\[2, 3\]/);
  assert.throws(() => LA.det(jnp.ones([3])), /det: expected an array of shape \[\.\.\., m, n\]/);
  assert.throws(() => LA.solve(jnp.eye(3), jnp.ones([4])), /solve: b must have shape \[3\]/);
  assert.throws(() => LA.qr(jnp.ones([2, 2]), { mode: "raw" as "r" }), /qr: unsupported mode "raw"/);
  assert.throws(() => LA.norm(jnp.ones([2, 2, 2]), 2), /norm: improper number of axes/);
  assert.throws(() => LA.norm(jnp.ones([2, 2]), "bad" as "fro"), /norm: invalid order "bad" for a matrix norm/);
  assert.throws(() => LA.lstsq(jnp.ones([2, 3, 3]), jnp.ones([2, 3])), /lstsq: 3-dimensional array given/);
  assert.throws(() => LA.triangularSolve(jnp.eye(3), jnp.ones([4, 2]), { leftSide: true }), /triangular_solve: incompatible operands/);
  assert.throws(() => LA.matrixPower(jnp.eye(2), 1.5), /matrixPower: the exponent must be an integer/);
  assert.throws(() => LA.cholesky(jnp.eye(2, null, { dtype: "float16" })), /cholesky: expected a float32 or float64 array, got float16/);
  // as in JAX, full singular vectors of a non-square matrix have no derivative
  assert.throws(
    () => grad((x: JArray) => LA.svd(x)[0].sum())(T53),
    /svd: the derivative of full_matrices singular vectors is not implemented/,
  );
});
