#!/usr/bin/env python3
"""Golden fixtures for jnp.linalg (test/linalg.test.ts), computed with real JAX.

Usage:  ~/jax-venv/bin/python scripts/fixtures_linalg.py

Writes two files with the same cases:
  * test/fixtures/linalg.json      float32 inputs, JAX defaults (x64 disabled);
  * test/fixtures/linalg_f64.json  the same inputs as float64, computed with x64 enabled.

Layout: {"inputs": {name: array}, "values": {case: {"args": [input names], "out": tree}},
"grads": {case: {"args": [...], "argnums": [...], "grad": [array per argnum]}}}.
Every case is a function defined below and mirrored under the same name in
test/linalg.test.ts.  Inputs are well conditioned (A = R + n·I, SPD = R·Rᵀ + n·I,
symmetric matrices with separated eigenvalues) so that any accurate implementation
reproduces them.  Eigenvectors and singular vectors are only defined up to sign: the
tests compare those outputs column by column up to sign, and the gradient cases only
use sign-invariant functions of them.

Self-check: every float32 result is compared with the float64 one, and must sit well
inside the float32 test tolerance (so the fixtures do not depend on LAPACK's exact
float32 rounding).
"""

from __future__ import annotations

from functools import partial

import numpy as np

import jax
import jax.numpy as jnp
from jax import lax

from fixture_helpers import compare_leaves, encode, exit_on_failures, write

# Tolerances of test/linalg.test.ts (keep in sync).
TOL32 = dict(rtol=1e-4, atol=2e-5)
SELF_CHECK_FRACTION = 0.3
# linalg_f64.json holds results computed with x64 enabled
enc = partial(encode, x64=True)


# ---------------------------------------------------------------- inputs

def _inputs():
    rng = np.random.RandomState(20240611)
    f = lambda a: np.asarray(a, dtype=np.float32)

    def general(*shape):
        n = shape[-1]
        return f(rng.standard_normal(shape) + n * np.eye(n))

    def spd(*shape):
        n = shape[-1]
        r = rng.standard_normal(shape)
        return f(r @ np.swapaxes(r, -1, -2) + n * np.eye(n))

    def sym(eigs):
        q, _ = np.linalg.qr(rng.standard_normal((len(eigs), len(eigs))))
        return f(q @ np.diag(eigs) @ q.T)

    ins = {}
    ins["A2"] = general(2, 2)
    ins["A3"] = general(3, 3)
    ins["A4"] = general(4, 4)
    ins["A23"] = general(2, 3, 3)
    # a row swap of A4: negative determinant
    ins["A4neg"] = f(ins["A4"][[1, 0, 2, 3]])
    ins["S3"] = spd(3, 3)
    ins["S23"] = spd(2, 3, 3)
    ins["Sym4"] = sym([-2.0, 0.5, 3.0, 6.5])
    ins["Sym24"] = np.stack([sym([-1.0, 1.0, 2.5, 5.0]), sym([0.5, 2.0, 4.0, 7.0])])
    ins["NonSym4"] = f(rng.standard_normal((4, 4)) + np.diag([-3.0, 0.0, 3.0, 6.0]))
    ins["T53"] = f(rng.standard_normal((5, 3)))
    ins["T243"] = f(rng.standard_normal((2, 4, 3)))
    ins["W35"] = f(rng.standard_normal((3, 5)))
    # rank 3 and rank 2 4x4 matrices (exact in float32: integer entries)
    ins["Sing4"] = f([[1, 2, 3, 4], [2, 1, 0, 1], [3, 3, 3, 5], [0, 1, 2, 1]])
    ins["Sing4r2"] = f([[1, 2, 3, 4], [2, 4, 6, 8], [0, 1, 0, 1], [0, 2, 0, 2]])
    # exactly rank 2, 4x3 (small integers: exact in float32 too)
    u = rng.randint(-3, 4, (4, 2))
    v = rng.randint(-3, 4, (2, 3))
    ins["Low43"] = f(u @ v)
    ins["Lo3"] = f(np.tril(rng.standard_normal((3, 3))) + 3 * np.eye(3))
    ins["Up3"] = f(np.triu(rng.standard_normal((3, 3))) + 3 * np.eye(3))
    ins["Lo23"] = f(np.tril(rng.standard_normal((2, 3, 3))) + 3 * np.eye(3))
    ins["b3"] = f(rng.standard_normal(3))
    ins["b5"] = f(rng.standard_normal(5))
    ins["B32"] = f(rng.standard_normal((3, 2)))
    ins["B23"] = f(rng.standard_normal((2, 3)))
    ins["B52"] = f(rng.standard_normal((5, 2)))
    ins["B232"] = f(rng.standard_normal((2, 3, 2)))
    ins["v7"] = f(rng.standard_normal(7))
    ins["X243"] = f(rng.standard_normal((2, 4, 3)))
    for shape in [(2, 2), (3, 3), (4, 4), (3, 2), (5, 3), (3, 5), (2, 3, 3), (2, 3, 2), (4, 3), (2, 4, 3), (2, 3), (2, 4, 4)]:
        ins["W" + "x".join(map(str, shape))] = f(rng.standard_normal(shape))
    ins["c3"] = f([1.0, -2.0, 0.5])
    ins["c4"] = f([1.0, -2.0, 0.5, 3.0])
    return ins


# ---------------------------------------------------------------- cases
# values: name -> (function, input names)

L = jnp.linalg


def tri(a, b, **kw):
    return lax.linalg.triangular_solve(a, b, **kw)


VALUES = {
    "cholesky_S3": (lambda a: L.cholesky(a), ["S3"]),
    "cholesky_S23": (lambda a: L.cholesky(a), ["S23"]),
    "cholesky_upper": (lambda a: L.cholesky(a, upper=True), ["S3"]),
    "inv_A3": (lambda a: L.inv(a), ["A3"]),
    "inv_A4": (lambda a: L.inv(a), ["A4"]),
    "inv_A23": (lambda a: L.inv(a), ["A23"]),
    "solve_vec": (lambda a, b: L.solve(a, b), ["A3", "b3"]),
    "solve_mat": (lambda a, b: L.solve(a, b), ["A23", "B232"]),
    "solve_batched_a_vec_b": (lambda a, b: L.solve(a, b), ["A23", "b3"]),
    "solve_broadcast_a": (lambda a, b: L.solve(a, b), ["A3", "B232"]),
    "det_A2": (lambda a: L.det(a), ["A2"]),
    "det_A3": (lambda a: L.det(a), ["A3"]),
    "det_A4": (lambda a: L.det(a), ["A4"]),
    "det_A23": (lambda a: L.det(a), ["A23"]),
    "slogdet_A4": (lambda a: L.slogdet(a), ["A4"]),
    "slogdet_A4neg": (lambda a: L.slogdet(a), ["A4neg"]),
    "slogdet_A23": (lambda a: L.slogdet(a), ["A23"]),
    "slogdet_A2": (lambda a: L.slogdet(a), ["A2"]),
    "qr_A3": (lambda a: L.qr(a), ["A3"]),
    "qr_T53": (lambda a: L.qr(a), ["T53"]),
    "qr_T53_complete": (lambda a: L.qr(a, mode="complete"), ["T53"]),
    "qr_W35": (lambda a: L.qr(a), ["W35"]),
    "qr_W35_complete": (lambda a: L.qr(a, mode="complete"), ["W35"]),
    "qr_T53_r": (lambda a: L.qr(a, mode="r"), ["T53"]),
    "qr_T243": (lambda a: L.qr(a), ["T243"]),
    "eigvalsh_Sym4": (lambda a: L.eigvalsh(a), ["Sym4"]),
    "eigvalsh_Sym24": (lambda a: L.eigvalsh(a), ["Sym24"]),
    "eigvalsh_upper_nosym": (lambda a: L.eigvalsh(a, UPLO="U", symmetrize_input=False), ["NonSym4"]),
    "eigvalsh_lower_nosym": (lambda a: L.eigvalsh(a, UPLO="L", symmetrize_input=False), ["NonSym4"]),
    "svdvals_T53": (lambda a: L.svdvals(a), ["T53"]),
    "svdvals_W35": (lambda a: L.svdvals(a), ["W35"]),
    "svdvals_T243": (lambda a: L.svdvals(a), ["T243"]),
    "svdvals_Low43": (lambda a: L.svdvals(a), ["Low43"]),
    "pinv_T53": (lambda a: L.pinv(a), ["T53"]),
    "pinv_W35": (lambda a: L.pinv(a), ["W35"]),
    "pinv_A3": (lambda a: L.pinv(a), ["A3"]),
    "pinv_T243": (lambda a: L.pinv(a), ["T243"]),
    "pinv_Low43": (lambda a: L.pinv(a), ["Low43"]),
    "pinv_hermitian": (lambda a: L.pinv(a, hermitian=True), ["Sym4"]),
    "lstsq_vec": (lambda a, b: L.lstsq(a, b), ["T53", "b5"]),
    "lstsq_mat": (lambda a, b: L.lstsq(a, b), ["T53", "B52"]),
    "lstsq_under": (lambda a, b: L.lstsq(a, b), ["W35", "b3"]),
    "lstsq_lowrank": (lambda a, b: L.lstsq(a, b, rcond=1e-3), ["Low43", "W4x3"]),
    "matrix_power_0": (lambda a: L.matrix_power(a, 0), ["A3"]),
    "matrix_power_1": (lambda a: L.matrix_power(a, 1), ["A3"]),
    "matrix_power_2": (lambda a: L.matrix_power(a, 2), ["A3"]),
    "matrix_power_3": (lambda a: L.matrix_power(a, 3), ["A23"]),
    "matrix_power_5": (lambda a: L.matrix_power(a, 5), ["A3"]),
    "matrix_power_m2": (lambda a: L.matrix_power(a, -2), ["A3"]),
    "matrix_rank_A3": (lambda a: L.matrix_rank(a), ["A3"]),
    "matrix_rank_Low43": (lambda a: L.matrix_rank(a), ["Low43"]),
    "matrix_rank_tol": (lambda a: L.matrix_rank(a, tol=4.0), ["A3"]),
    "matrix_rank_batched": (lambda a: L.matrix_rank(a), ["T243"]),
    "norm_default": (lambda x: L.norm(x), ["X243"]),
    "norm_vec_none": (lambda x: L.norm(x, None), ["v7"]),
    "norm_vec_1": (lambda x: L.norm(x, 1), ["v7"]),
    "norm_vec_2": (lambda x: L.norm(x, 2), ["v7"]),
    "norm_vec_inf": (lambda x: L.norm(x, jnp.inf), ["v7"]),
    "norm_vec_minf": (lambda x: L.norm(x, -jnp.inf), ["v7"]),
    "norm_vec_0": (lambda x: L.norm(x, 0), ["v7"]),
    "norm_vec_3": (lambda x: L.norm(x, 3), ["v7"]),
    "norm_vec_m1": (lambda x: L.norm(x, -1), ["v7"]),
    "norm_vec_half": (lambda x: L.norm(x, 0.5), ["v7"]),
    "norm_mat_none": (lambda x: L.norm(x, None, (0, 1)), ["T53"]),
    "norm_mat_fro": (lambda x: L.norm(x, "fro"), ["T53"]),
    "norm_mat_nuc": (lambda x: L.norm(x, "nuc"), ["T53"]),
    "norm_mat_1": (lambda x: L.norm(x, 1), ["T53"]),
    "norm_mat_m1": (lambda x: L.norm(x, -1), ["T53"]),
    "norm_mat_2": (lambda x: L.norm(x, 2), ["T53"]),
    "norm_mat_m2": (lambda x: L.norm(x, -2), ["T53"]),
    "norm_mat_inf": (lambda x: L.norm(x, jnp.inf), ["T53"]),
    "norm_mat_minf": (lambda x: L.norm(x, -jnp.inf), ["T53"]),
    "norm_axes02_nuc_keep": (lambda x: L.norm(x, "nuc", (0, 2), keepdims=True), ["X243"]),
    "norm_axes20_1": (lambda x: L.norm(x, 1, (2, 0)), ["X243"]),
    "norm_axes12_inf_keep": (lambda x: L.norm(x, jnp.inf, (1, 2), keepdims=True), ["X243"]),
    "norm_axes21_minf": (lambda x: L.norm(x, -jnp.inf, (2, 1)), ["X243"]),
    "norm_axis1_3_keep": (lambda x: L.norm(x, 3, 1, keepdims=True), ["X243"]),
    "norm_axism1_2": (lambda x: L.norm(x, 2, -1), ["X243"]),
    "tri_left_lower": (lambda a, b: tri(a, b, left_side=True, lower=True), ["Lo3", "B32"]),
    "tri_left_lower_trans": (lambda a, b: tri(a, b, left_side=True, lower=True, transpose_a=True), ["Lo3", "B32"]),
    "tri_left_upper_unit": (lambda a, b: tri(a, b, left_side=True, lower=False, unit_diagonal=True), ["Up3", "B32"]),
    "tri_right_upper": (lambda a, b: tri(a, b, left_side=False, lower=False), ["Up3", "B23"]),
    "tri_right_lower_trans": (lambda a, b: tri(a, b, left_side=False, lower=True, transpose_a=True), ["Lo3", "B23"]),
    "tri_left_vector": (lambda a, b: tri(a, b, left_side=True, lower=True), ["Lo3", "b3"]),
    "tri_batched": (lambda a, b: tri(a, b, left_side=True, lower=True), ["Lo23", "B232"]),
    "cho_solve_lower": (lambda s, b: jax.scipy.linalg.cho_solve((L.cholesky(s), True), b), ["S3", "b3"]),
    "cho_solve_upper": (lambda s, b: jax.scipy.linalg.cho_solve((L.cholesky(s, upper=True), False), b), ["S3", "B32"]),
}

# Outputs defined up to sign: compared column by column (eigenvectors, u) or row by row (vh).
SIGNED = {
    "eigh_Sym4": (lambda a: L.eigh(a), ["Sym4"]),
    "eigh_Sym24": (lambda a: L.eigh(a), ["Sym24"]),
    "svd_T53": (lambda a: L.svd(a, full_matrices=False), ["T53"]),
    "svd_W35": (lambda a: L.svd(a, full_matrices=False), ["W35"]),
    "svd_A3_full": (lambda a: L.svd(a), ["A3"]),
    "svd_T243": (lambda a: L.svd(a, full_matrices=False), ["T243"]),
}


def _eigv_sq(a, w):
    return jnp.sum(L.eigh(a)[1] ** 2 * w)


# grads: name -> (scalar function, input names, argnums)
GRADS = {
    "cholesky": (lambda s, w: jnp.sum(L.cholesky(s) * w), ["S3", "W3x3"], (0,)),
    "cholesky_batched": (lambda s, w: jnp.sum(L.cholesky(s) * w), ["S23", "W2x3x3"], (0,)),
    "cholesky_upper": (lambda s, w: jnp.sum(L.cholesky(s, upper=True) * w), ["S3", "W3x3"], (0,)),
    "inv": (lambda a, w: jnp.sum(L.inv(a) * w), ["A3", "W3x3"], (0,)),
    "inv_batched": (lambda a, w: jnp.sum(L.inv(a) * w), ["A23", "W2x3x3"], (0,)),
    "solve": (lambda a, b, w: jnp.sum(L.solve(a, b) * w), ["A3", "B32", "W3x2"], (0, 1)),
    "solve_vec": (lambda a, b, w: jnp.sum(L.solve(a, b) * w), ["A3", "b3", "c3"], (0, 1)),
    "solve_batched": (lambda a, b, w: jnp.sum(L.solve(a, b) * w), ["A23", "B232", "W2x3x2"], (0, 1)),
    "det_A2": (lambda a: L.det(a), ["A2"], (0,)),
    "det_A3": (lambda a: L.det(a), ["A3"], (0,)),
    "det_A4": (lambda a: L.det(a), ["A4"], (0,)),
    "det_batched": (lambda a: jnp.sum(L.det(a) * jnp.array([1.0, -2.0], a.dtype)), ["A23"], (0,)),
    "det_singular_rank3": (lambda a: L.det(a), ["Sing4"], (0,)),
    "det_singular_rank2": (lambda a: L.det(a), ["Sing4r2"], (0,)),
    "logdet": (lambda a: L.slogdet(a)[1], ["A4"], (0,)),
    "logdet_neg": (lambda a: L.slogdet(a)[1], ["A4neg"], (0,)),
    "logdet_batched": (lambda a: jnp.sum(L.slogdet(a)[1] * jnp.array([1.0, -2.0], a.dtype)), ["A23"], (0,)),
    "qr_A3": (lambda a, w1, w2: jnp.sum(L.qr(a)[0] * w1) + jnp.sum(L.qr(a)[1] * w2), ["A3", "W3x3", "W3x3"], (0,)),
    "qr_T53": (lambda a, w1, w2: jnp.sum(L.qr(a)[0] * w1) + jnp.sum(L.qr(a)[1] * w2), ["T53", "W5x3", "W3x3"], (0,)),
    "qr_T53_complete": (lambda a, w1, w2: jnp.sum(L.qr(a, mode="complete")[0][:, :3] * w1) + jnp.sum(L.qr(a, mode="complete")[1] * w2), ["T53", "W5x3", "W5x3"], (0,)),
    "qr_W35": (lambda a, w1, w2: jnp.sum(L.qr(a)[0] * w1) + jnp.sum(L.qr(a)[1] * w2), ["W35", "W3x3", "W3x5"], (0,)),
    "qr_T243": (lambda a, w1: jnp.sum(L.qr(a)[0] * w1), ["T243", "W2x4x3"], (0,)),
    "eigh_values": (lambda a, c: jnp.sum(L.eigh(a)[0] * c), ["Sym4", "c4"], (0,)),
    "eigh_vectors_sq": (lambda a, w: jnp.sum(L.eigh(a)[1] ** 2 * w), ["Sym4", "W4x4"], (0,)),
    "eigh_batched": (lambda a, w: jnp.sum(L.eigh(a)[1] ** 2 * w) + jnp.sum(L.eigvalsh(a) ** 2), ["Sym24", "W2x4x4"], (0,)),
    "eigvalsh_nosym": (lambda a, c: jnp.sum(L.eigvalsh(a, symmetrize_input=False) * c), ["NonSym4", "c4"], (0,)),
    "svd_s_T53": (lambda a, c: jnp.sum(L.svd(a, compute_uv=False) * c), ["T53", "c3"], (0,)),
    "svd_s_W35": (lambda a, c: jnp.sum(L.svdvals(a) * c), ["W35", "c3"], (0,)),
    "svd_u_sq_T53": (lambda a, w: jnp.sum(L.svd(a, full_matrices=False)[0] ** 2 * w), ["T53", "W5x3"], (0,)),
    "svd_vh_sq_W35": (lambda a, w: jnp.sum(L.svd(a, full_matrices=False)[2] ** 2 * w), ["W35", "W3x5"], (0,)),
    "svd_recon_T53": (lambda a, w: jnp.sum((L.svd(a, full_matrices=False)[0] * L.svd(a, full_matrices=False)[1]) @ L.svd(a, full_matrices=False)[2] * w), ["T53", "W5x3"], (0,)),
    "svd_full_square": (lambda a, w: jnp.sum(L.svd(a)[0] ** 2 * w) + jnp.sum(L.svd(a)[1]), ["A3", "W3x3"], (0,)),
    "svd_batched": (lambda a, w: jnp.sum(L.svd(a, full_matrices=False)[0] ** 2 * w), ["T243", "W2x4x3"], (0,)),
    "pinv_T53": (lambda a, w: jnp.sum(L.pinv(a) * w), ["T53", "W3x5"], (0,)),
    "pinv_W35": (lambda a, w: jnp.sum(L.pinv(a) * w), ["W35", "W5x3"], (0,)),
    "pinv_A3": (lambda a, w: jnp.sum(L.pinv(a) * w), ["A3", "W3x3"], (0,)),
    "pinv_identity": (lambda a, w: jnp.sum(L.pinv(a + jnp.eye(3, dtype=a.dtype) - a) * w), ["A3", "W3x3"], (0,)),
    "lstsq": (lambda a, b, w: jnp.sum(L.lstsq(a, b)[0] * w), ["T53", "B52", "W3x2"], (0, 1)),
    "lstsq_resid": (lambda a, b: jnp.sum(L.lstsq(a, b)[1]), ["T53", "B52"], (0, 1)),
    "matrix_power_5": (lambda a, w: jnp.sum(L.matrix_power(a, 5) * w), ["A3", "W3x3"], (0,)),
    "matrix_power_m2": (lambda a, w: jnp.sum(L.matrix_power(a, -2) * w), ["A3", "W3x3"], (0,)),
    "norm_nuc": (lambda x: L.norm(x, "nuc"), ["T53"], (0,)),
    "norm_2": (lambda x: L.norm(x, 2), ["T53"], (0,)),
    "norm_m2": (lambda x: L.norm(x, -2), ["T53"], (0,)),
    "norm_fro": (lambda x: L.norm(x, "fro"), ["T53"], (0,)),
    "norm_1": (lambda x: L.norm(x, 1), ["T53"], (0,)),
    "norm_vec_3": (lambda x: L.norm(x, 3), ["v7"], (0,)),
    "norm_batched_axes": (lambda x: jnp.sum(L.norm(x, "nuc", (0, 2))), ["X243"], (0,)),
    "tri_left_lower": (lambda a, b, w: jnp.sum(tri(a, b, left_side=True, lower=True) * w), ["Lo3", "B32", "W3x2"], (0, 1)),
    "tri_right_upper_trans": (lambda a, b, w: jnp.sum(tri(a, b, left_side=False, lower=False, transpose_a=True) * w), ["Up3", "B23", "W2x3"], (0, 1)),
    "tri_left_upper_unit": (lambda a, b, w: jnp.sum(tri(a, b, left_side=True, lower=False, unit_diagonal=True) * w), ["Up3", "B32", "W3x2"], (0, 1)),
    "cho_solve": (lambda s, b, w: jnp.sum(jax.scipy.linalg.cho_solve((L.cholesky(s), True), b) * w), ["S3", "B32", "W3x2"], (0, 1)),
}


def compute(ins, dtype):
    args = {k: jnp.asarray(v.astype(dtype)) for k, v in ins.items()}
    values = {}
    for name, (fn, names) in {**VALUES, **SIGNED}.items():
        values[name] = {"args": names, "out": fn(*[args[n] for n in names])}
    grads = {}
    for name, (fn, names, argnums) in GRADS.items():
        g = jax.grad(fn, argnums=argnums)(*[args[n] for n in names])
        grads[name] = {"args": names, "argnums": list(argnums), "grad": list(g)}
    return args, values, grads


def leaves(tree):
    return [np.asarray(v, dtype=np.float64) for v in jax.tree_util.tree_leaves(tree)]


def self_check(values32, grads32, values64, grads64):
    failures = []
    pairs = [(f"value {k}", values32[k]["out"], values64[k]["out"], k in SIGNED) for k in values32]
    pairs += [(f"grad {k}", grads32[k]["grad"], grads64[k]["grad"], False) for k in grads32]
    for label, a, b, signed in pairs:
        got, ref = leaves(a), leaves(b)
        if signed:  # compare magnitudes only; signs are conventions
            got, ref = [np.abs(g) for g in got], [np.abs(r) for r in ref]
        compare_leaves(label, got, ref, TOL32, SELF_CHECK_FRACTION, failures)
    return failures


def write_goldens(name, ins, dtype, values, grads):
    obj = {
        "description": f"jnp.linalg goldens ({dtype}); see scripts/fixtures_linalg.py",
        "inputs": {k: enc(v.astype(dtype)) for k, v in ins.items()},
        "values": {k: {"args": v["args"], "out": enc(v["out"])} for k, v in values.items()},
        "grads": {k: {"args": v["args"], "argnums": v["argnums"], "grad": enc(v["grad"])} for k, v in grads.items()},
    }
    write(name, obj)


def main():
    assert not jax.config.jax_enable_x64
    ins = _inputs()
    _, values32, grads32 = compute(ins, np.float32)
    with jax.enable_x64(True):
        _, values64, grads64 = compute(ins, np.float64)
        values64 = {k: {**v, "out": jax.tree_util.tree_map(np.asarray, v["out"])} for k, v in values64.items()}
        grads64 = {k: {**v, "grad": [np.asarray(g) for g in v["grad"]]} for k, v in grads64.items()}
    failures = self_check(values32, grads32, values64, grads64)
    write_goldens("linalg.json", ins, np.float32, values32, grads32)
    write_goldens("linalg_f64.json", ins, np.float64, values64, grads64)
    exit_on_failures(failures, "self-check failed")


if __name__ == "__main__":
    main()
