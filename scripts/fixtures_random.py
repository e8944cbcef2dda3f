#!/usr/bin/env python3
"""Golden fixtures for jaxts.random and the special functions, from real JAX.

Usage:  ~/jax-venv/bin/python scripts/fixtures_random.py

Writes test/fixtures/random.json (keys, bits and samples of jax.random with JAX's
defaults: threefry2x32, jax_threefry_partitionable=True, x64 disabled; float64 samples
come from an `enable_x64` block with the same keys) and test/fixtures/random_special.json
(erf, erfc, erf_inv, lgamma, digamma, polygamma: float64 references from scipy, and
JAX's float32 erf_inv).

Encoding as in scripts/fixture_helpers.py: an array is {"shape", "dtype", "data"} with
row-major data; float16/bfloat16 samples are stored as their (exact) float32 values.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import scipy.special as sp

import jax
import jax.numpy as jnp
from jax import lax

from fixture_helpers import encode, write

assert jax.config.jax_threefry_partitionable, "JAX's default (partitionable threefry) is what jaxts matches"
assert not jax.config.jax_enable_x64

r = jax.random
# float64 samples come from enable_x64 blocks
enc = partial(encode, x64=True)


def kd(k):
    return r.key_data(k)


K0, K42 = r.key(0), r.key(42)

# ---- keys ----
SEEDS = [0, 42, 2**40 + 3, -1, 2**53 - 1, -(2**40) - 7, 2**31]
keys = {
    "seeds": [{"seed": s, "key": enc(kd(r.key(s)))} for s in SEEDS],
    "split_0": enc(kd(r.split(K0))),
    "split_42_5": enc(kd(r.split(K42, 5))),
    "split_7_2x3": enc(kd(r.split(r.key(7), (2, 3)))),
    "fold_in": [{"data": d, "key": enc(kd(r.fold_in(K0, d)))} for d in [0, 1, 7, 2**31, 2**32 - 1]],
    "fold_in_42_123": enc(kd(r.fold_in(K42, 123))),
}

# ---- bits ----
bits = {
    "shapes": [{"shape": list(s), "value": enc(r.bits(K42, s))} for s in [(), (1,), (5,), (7,), (3, 4), (2, 3, 5)]],
    "uint16": enc(r.bits(K42, (5,), dtype=jnp.uint16)),
    "uint8": enc(r.bits(K42, (5,), dtype=jnp.uint8)),
}

# ---- uniform and normal ----
K1 = r.key(1)
uniform = {
    "f32_scalar": enc(r.uniform(K1)),
    "f32_7": enc(r.uniform(K1, (7,))),
    "f32_3x4": enc(r.uniform(K1, (3, 4))),
    "f32_range": enc(r.uniform(K1, (9,), minval=-2.0, maxval=3.0)),
    "f32_array_bounds": enc(r.uniform(K1, (3, 4), minval=jnp.array([0.0, 1.0, 2.0, 3.0]), maxval=10.0)),
    # stored as their (exact) float32 values
    "f16_6": enc(r.uniform(K1, (6,), dtype=jnp.float16).astype(jnp.float32)),
    "bf16_6": enc(r.uniform(K1, (6,), dtype=jnp.bfloat16).astype(jnp.float32)),
}
normal = {
    "f32_scalar": enc(r.normal(K1)),
    "f32_7": enc(r.normal(K1, (7,))),
    "f32_3x4": enc(r.normal(r.key(3), (3, 4))),
    "f32_1000": enc(r.normal(r.key(5), (1000,))),
}
with jax.enable_x64(True):
    uniform["f64_7"] = enc(r.uniform(K1, (7,), dtype=jnp.float64))
    uniform["f64_range"] = enc(r.uniform(K1, (5,), dtype=jnp.float64, minval=0.1, maxval=0.7))
    normal["f64_7"] = enc(r.normal(K1, (7,), dtype=jnp.float64))
    normal["f64_200"] = enc(r.normal(r.key(5), (200,), dtype=jnp.float64))
    f64_continuous = {
        "exponential": enc(r.exponential(K1, (6,), dtype=jnp.float64)),
        "laplace": enc(r.laplace(K1, (6,), dtype=jnp.float64)),
        "logistic": enc(r.logistic(K1, (6,), dtype=jnp.float64)),
        "gumbel": enc(r.gumbel(K1, (6,), dtype=jnp.float64)),
        "truncated_normal": enc(r.truncated_normal(K1, -0.5, 1.5, (6,), dtype=jnp.float64)),
    }

# ---- other samplers ----
K2 = r.key(2)
samplers = {
    "randint_10": enc(r.randint(K2, (10,), 0, 10)),
    "randint_3x4": enc(r.randint(K2, (3, 4), -5, 5)),
    "randint_bounds_array": enc(r.randint(K2, (3, 4), jnp.array([0, 10, 20, 30]), 100)),
    "randint_full_range": enc(r.randint(K2, (6,), -(2**31), 2**31 - 1)),
    "randint_empty_range": enc(r.randint(K2, (4,), 5, 5)),
    "randint_int8": enc(r.randint(K2, (8,), -100, 100, dtype=jnp.int8)),
    "randint_uint8_256": enc(r.randint(K2, (8,), 0, 256, dtype=jnp.uint8)),
    "randint_uint32": enc(r.randint(K2, (5,), 3, 1000, dtype=jnp.uint32)),
    "bernoulli_03": enc(r.bernoulli(K2, 0.3, (20,))),
    "bernoulli_array": enc(r.bernoulli(K2, jnp.array([0.1, 0.3, 0.5, 0.7, 0.9]), (2, 5))),
    "bernoulli_high": enc(r.bernoulli(K2, 0.4, (12,), mode="high")),
    "categorical_5": enc(r.categorical(K2, jnp.array([0.1, 1.0, -0.5, 2.0, 0.0]), shape=(10,))),
    "categorical_batch": enc(r.categorical(K2, jnp.array(np.arange(12, dtype=np.float32).reshape(3, 4) / 3.0))),
    "categorical_axis0": enc(r.categorical(K2, jnp.array(np.arange(12, dtype=np.float32).reshape(3, 4) / 3.0), axis=0)),
    "categorical_prefix": enc(r.categorical(K2, jnp.array(np.arange(12, dtype=np.float32).reshape(3, 4) / 3.0), shape=(5, 3))),
    "choice_10": enc(r.choice(K2, 10, (8,))),
    "choice_p": enc(r.choice(K2, 4, (12,), p=jnp.array([0.1, 0.2, 0.3, 0.4]))),
    "truncated_normal": enc(r.truncated_normal(K2, -1.0, 2.0, (10,))),
    "truncated_normal_arrays": enc(r.truncated_normal(K2, jnp.array([-3.0, 0.0, 1.0]), jnp.array([-2.0, 0.5, 4.0]), (2, 3))),
    "gumbel": enc(r.gumbel(K2, (10,))),
    "gumbel_high": enc(r.gumbel(K2, (10,), mode="high")),
    "exponential": enc(r.exponential(K2, (10,))),
    "laplace": enc(r.laplace(K2, (10,))),
    "logistic": enc(r.logistic(K2, (10,))),
    "f64": f64_continuous,
}

# ---- permutations and choices (sorting, gathers, top-k) ----
K4 = r.key(4)
grid = jnp.arange(12, dtype=jnp.float32).reshape(3, 4)
samplers["permutation_10"] = enc(r.permutation(K4, 10))
samplers["permutation_array"] = enc(r.permutation(K4, grid))
samplers["permutation_axis1"] = enc(r.permutation(K4, grid, axis=1))
samplers["permutation_independent"] = enc(r.permutation(K4, grid, axis=1, independent=True))
samplers["choice_array"] = enc(r.choice(K4, grid, (2, 2)))
samplers["choice_array_axis1"] = enc(r.choice(K4, grid, (5,), axis=1))
samplers["choice_noreplace"] = enc(r.choice(K4, 10, (6,), replace=False))
samplers["choice_noreplace_array"] = enc(r.choice(K4, grid, (2,), replace=False, axis=1))
samplers["choice_p_noreplace"] = enc(r.choice(K4, 5, (3,), replace=False, p=jnp.array([0.1, 0.2, 0.3, 0.25, 0.15])))
samplers["categorical_noreplace"] = enc(r.categorical(K4, grid / 3.0, shape=(2, 3), replace=False))

mean = jnp.array([1.0, -2.0, 0.5])
cov = jnp.array([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])
samplers["multivariate_normal"] = enc(r.multivariate_normal(K4, mean, cov, (4,)))
samplers["multivariate_normal_batch"] = enc(r.multivariate_normal(K4, jnp.zeros((2, 3)), cov))

# ---- gamma family and poisson (rejection loops) ----
K3 = r.key(3)
alphas = jnp.array([0.3, 1.0, 2.5, 10.0, 100.0])
samplers["gamma"] = enc(r.gamma(K3, alphas))
samplers["gamma_shape"] = enc(r.gamma(K3, 0.7, (3, 4)))
samplers["gamma_grad"] = enc(jax.grad(lambda a: r.gamma(K3, a).sum())(alphas))
samplers["loggamma"] = enc(r.loggamma(K3, jnp.array([0.01, 0.3, 1.0, 2.5])))
samplers["loggamma_grad"] = enc(jax.grad(lambda a: r.loggamma(K3, a).sum())(alphas))
samplers["beta"] = enc(r.beta(K3, 2.0, 3.0, (6,)))
samplers["beta_arrays"] = enc(r.beta(K3, jnp.array([0.5, 1.0, 4.0]), jnp.array([[0.5], [2.0]])))
samplers["dirichlet"] = enc(r.dirichlet(K3, jnp.array([1.0, 2.0, 3.0]), (4,)))
samplers["poisson"] = enc(r.poisson(K3, jnp.array([0.0, 0.5, 3.0, 9.9, 10.0, 50.0, 1000.0])))
samplers["poisson_shape"] = enc(r.poisson(K3, 4.0, (3, 5)))
samplers["poisson_large"] = enc(r.poisson(K3, 25.0, (40,)))
samplers["vmap_gamma"] = enc(jax.vmap(lambda k: r.gamma(k, jnp.array([0.5, 3.0])))(r.split(K3, 3)))
samplers["vmap_poisson"] = enc(jax.vmap(lambda k: r.poisson(k, jnp.array([2.0, 30.0])))(r.split(K3, 3)))
with jax.enable_x64(True):
    samplers["f64"]["gamma"] = enc(r.gamma(K3, jnp.array([0.3, 1.0, 2.5, 10.0], dtype=jnp.float64), dtype=jnp.float64))
    samplers["f64"]["loggamma"] = enc(r.loggamma(K3, jnp.array([0.05, 2.0], dtype=jnp.float64), dtype=jnp.float64))

# vmap over keys must equal stacking the per-key results (checked in the TS test too)
ks = r.split(K0, 4)
samplers["vmap_normal"] = enc(jax.vmap(lambda k: r.normal(k, (3,)))(ks))

write("random.json", {"keys": keys, "bits": bits, "uniform": uniform, "normal": normal, "samplers": samplers})

# ---- special functions ----
xs_erf = np.array([-6.0, -3.5, -2.0, -1.0, -0.5, -1e-3, 0.0, 1e-8, 0.3, 0.5, 0.9, 1.2, 1.5, 2.0, 3.0, 4.5, 6.0, 26.0])
ys_inv = np.array([-0.999999, -0.99, -0.9, -0.5, -0.1, -1e-6, 0.0, 1e-10, 0.2, 0.5, 0.75, 0.95, 0.999, 0.9999999, 1 - 2.0**-52])
xs_gamma = np.array([-4.5, -2.5, -1.5, -0.5, 1e-6, 0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.7, 10.0, 31.5, 170.0, 1e5, 1e10])
xs_poly = np.array([-2.5, -0.5, 0.05, 0.5, 1.0, 2.5, 7.0, 30.0, 250.0])
u32 = np.asarray(r.uniform(r.key(9), (64,), minval=-1.0, maxval=1.0))
special = {
    "erf": {"x": enc(xs_erf), "y": enc(sp.erf(xs_erf))},
    "erfc": {"x": enc(xs_erf), "y": enc(sp.erfc(xs_erf))},
    "erf_inv": {"x": enc(ys_inv), "y": enc(sp.erfinv(ys_inv))},
    "lgamma": {"x": enc(xs_gamma), "y": enc(sp.gammaln(xs_gamma))},
    "digamma": {"x": enc(xs_gamma), "y": enc(sp.digamma(xs_gamma))},
    "polygamma1": {"x": enc(xs_poly), "y": enc(sp.polygamma(1, xs_poly))},
    "polygamma3": {"x": enc(xs_poly), "y": enc(sp.polygamma(3, xs_poly))},
    # JAX's float32 erf_inv on float32 inputs: what random.normal is built on
    "erf_inv_f32_jax": {"x": enc(u32), "y": enc(lax.erf_inv(jnp.asarray(u32)))},
    "erf_f32_jax": {"x": enc(xs_erf.astype(np.float32)), "y": enc(lax.erf(jnp.asarray(xs_erf, jnp.float32)))},
}
write("random_special.json", special)
