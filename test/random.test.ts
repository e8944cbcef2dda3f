// jaxts.random against real JAX (test/fixtures/random.json, from scripts/fixtures_random.py):
// keys, split, foldIn and bits must be identical; uniform samples bitwise identical; samples
// that go through transcendental functions (normal, gumbel, ...) within float32 rounding,
// since XLA's float32 log/log1p/erf are not correctly rounded and ours are.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, jit, numpy as jnp, vmap } from "../src/index.js";
import * as random from "../src/random/index.js";
import { assertAllClose, type FixtureArray, get, getLeaf, loadFixture } from "./helpers.js";

const fx = loadFixture("random");
const leaf = (...path: (string | number)[]): FixtureArray => getLeaf(fx, ...path);

/** Same shape and exactly the same values (NaN-free; booleans as 0/1). */
function assertExact(actual: JArray, expected: FixtureArray, label: string): void {
  assert.deepEqual([...actual.shape], expected.shape, `${label}: shape`);
  assert.deepEqual(
    Array.from(actual.dataSync(), (v) => Number(v)),
    expected.data.map((v) => Number(v)),
    `${label}: values`,
  );
}

const F32_SAMPLE_TOL = { rtol: 1e-5, atol: 1e-6 };
const F64_TOL = { rtol: 1e-12, atol: 1e-14 };

// ---------------------------------------------------------------------------
// keys

test("key(seed) equals JAX's key_data(key(seed)), including large and negative seeds", () => {
  for (const c of get(fx, "keys", "seeds") as { seed: number; key: FixtureArray }[]) {
    assertExact(random.key(c.seed), c.key, `key(${c.seed})`);
    assertExact(random.PRNGKey(c.seed), c.key, `PRNGKey(${c.seed})`);
  }
});

test("key(seed) accepts a traced integer seed (jit, vmap)", () => {
  assertExact(jit((s: JArray) => random.key(s))(jnp.array(-1, { dtype: "int32" })), leaf("keys", "seeds", 3, "key"), "jit key(-1)");
  const keys = vmap((s: JArray) => random.key(s))(jnp.array([0, 42], { dtype: "int32" }));
  assert.deepEqual(keys.tolist(), [
    [0, 0],
    [0, 42],
  ]);
});

test("split: default 2, num, and a shape of keys", () => {
  assertExact(random.split(random.key(0)), leaf("keys", "split_0"), "split(key(0))");
  assertExact(random.split(random.key(42), 5), leaf("keys", "split_42_5"), "split(key(42), 5)");
  assertExact(random.split(random.key(7), [2, 3]), leaf("keys", "split_7_2x3"), "split(key(7), [2, 3])");
});

test("foldIn equals JAX's fold_in", () => {
  for (const c of get(fx, "keys", "fold_in") as { data: number; key: FixtureArray }[]) {
    assertExact(random.foldIn(random.key(0), c.data), c.key, `foldIn(key(0), ${c.data})`);
  }
  assertExact(random.foldIn(random.key(42), 123), leaf("keys", "fold_in_42_123"), "foldIn(key(42), 123)");
  assertExact(random.foldIn(random.key(42), jnp.array(123, { dtype: "int32" })), leaf("keys", "fold_in_42_123"), "array data");
  assert.throws(() => random.foldIn(random.key(0), -1), /\[0, 2\^32\)/);
});

test("a batch of keys is rejected with a pointer to vmap", () => {
  const keys = random.split(random.key(0), 3);
  assert.throws(() => random.split(keys), /vmap/);
  assert.throws(() => random.normal(jnp.array([1, 2], { dtype: "int32" })), /random\.key\(seed\)/);
});

// ---------------------------------------------------------------------------
// bits and uniform

test("bits of several shapes (odd sizes, 2-D, 3-D) and widths equal JAX's", () => {
  const k = random.key(42);
  for (const c of get(fx, "bits", "shapes") as { shape: number[]; value: FixtureArray }[]) {
    assertExact(random.bits(k, c.shape), c.value, `bits(${JSON.stringify(c.shape)})`);
  }
  assertExact(random.bits(k, [5], { dtype: "uint16" }), leaf("bits", "uint16"), "uint16");
  assertExact(random.bits(k, [5], { dtype: "uint8" }), leaf("bits", "uint8"), "uint8");
});

test("uniform is bitwise equal to JAX's in every float dtype", () => {
  const k = random.key(1);
  assertExact(random.uniform(k), leaf("uniform", "f32_scalar"), "scalar");
  assertExact(random.uniform(k, [7]), leaf("uniform", "f32_7"), "[7]");
  assertExact(random.uniform(k, [3, 4]), leaf("uniform", "f32_3x4"), "[3, 4]");
  assertExact(random.uniform(k, [9], { minval: -2, maxval: 3 }), leaf("uniform", "f32_range"), "[-2, 3)");
  assertExact(
    random.uniform(k, [3, 4], { minval: jnp.array([0, 1, 2, 3]), maxval: 10 }),
    leaf("uniform", "f32_array_bounds"),
    "array minval",
  );
  assertExact(random.uniform(k, [7], { dtype: "float64" }), leaf("uniform", "f64_7"), "float64");
  assertExact(random.uniform(k, [5], { dtype: "float64", minval: 0.1, maxval: 0.7 }), leaf("uniform", "f64_range"), "float64 range");
  assertExact(random.uniform(k, [6], { dtype: "float16" }), leaf("uniform", "f16_6"), "float16");
  assertExact(random.uniform(k, [6], { dtype: "bfloat16" }), leaf("uniform", "bf16_6"), "bfloat16");
  assert.throws(() => random.uniform(k, [2], { dtype: "int32" }), /float dtype/);
  assert.throws(() => random.uniform(k, [2], { minval: jnp.zeros([3]) }), /minval of shape \[3\]/);
});

// ---------------------------------------------------------------------------
// normal

test("normal is within 1e-6 of JAX's (float32) and 1e-12 (float64)", () => {
  const abs = { rtol: 0, atol: 1e-6 };
  assertAllClose(random.normal(random.key(1)), leaf("normal", "f32_scalar"), abs, "scalar");
  assertAllClose(random.normal(random.key(1), [7]), leaf("normal", "f32_7"), abs, "[7]");
  assertAllClose(random.normal(random.key(3), [3, 4]), leaf("normal", "f32_3x4"), abs, "[3, 4]");
  assertAllClose(random.normal(random.key(5), [1000]), leaf("normal", "f32_1000"), abs, "[1000]");
  assertAllClose(random.normal(random.key(1), [7], { dtype: "float64" }), leaf("normal", "f64_7"), F64_TOL, "float64 [7]");
  assertAllClose(random.normal(random.key(5), [200], { dtype: "float64" }), leaf("normal", "f64_200"), F64_TOL, "float64 [200]");
});

test("normal samples have mean 0 and variance 1", () => {
  const x = random.normal(random.key(11), [20000]);
  const mean = Number(x.mean().item());
  const variance = Number(x.sub(mean).square().mean().item());
  // standard errors: 1/sqrt(n) = 0.007 for the mean, sqrt(2/n) = 0.01 for the variance
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.04, `variance ${variance}`);
});

// ---------------------------------------------------------------------------
// transformations

test("vmap over keys equals stacking per-key samples (and JAX's vmap)", () => {
  const keys = random.split(random.key(0), 4);
  const batched = vmap((k: JArray) => random.normal(k, [3]))(keys);
  const stacked = jnp.stack([0, 1, 2, 3].map((i) => random.normal(keys.get(i), [3])));
  assert.deepEqual(Array.from(batched.dataSync()), Array.from(stacked.dataSync()));
  assertAllClose(batched, leaf("samplers", "vmap_normal"), { rtol: 0, atol: 1e-6 }, "JAX vmap");
  // unbatched key, batched parameter: every row uses the same key
  const lows = vmap((lo: JArray) => random.uniform(random.key(1), [7], { minval: lo }))(jnp.array([0, 0.5]));
  assert.deepEqual(lows.get(0).tolist(), random.uniform(random.key(1), [7]).tolist());
  // splitting and folding inside vmap
  const folded = vmap((k: JArray) => random.foldIn(random.split(k).get(1), 3))(keys);
  for (let i = 0; i < 4; i++) assert.deepEqual(folded.get(i).tolist(), random.foldIn(random.split(keys.get(i)).get(1), 3).tolist());
});

test("jit equals eager", () => {
  const k = random.key(7);
  const f = jit((key: JArray) => [
    random.uniform(key, [5]),
    random.normal(key, [2, 3]),
    random.randint(key, [4], 0, 9),
    random.split(key, 3),
  ]);
  const [u, n, r, s] = f(k) as JArray[];
  assert.deepEqual(u!.tolist(), random.uniform(k, [5]).tolist());
  assert.deepEqual(n!.tolist(), random.normal(k, [2, 3]).tolist());
  assert.deepEqual(r!.tolist(), random.randint(k, [4], 0, 9).tolist());
  assert.deepEqual(s!.tolist(), random.split(k, 3).tolist());
});

test("samples are differentiable in their parameters", () => {
  const k = random.key(1);
  // d/dmaxval of sum(uniform(minval=0, maxval=m)) is the sum of the unit samples
  const g = grad((m: JArray) => random.uniform(k, [5], { maxval: m }).sum())(jnp.array(2));
  assertAllClose(g, Number(random.uniform(k, [5]).sum().item()), { rtol: 1e-6, atol: 0 }, "d/dmaxval");
});

// ---------------------------------------------------------------------------
// other samplers

test("randint equals JAX's (ranges, array bounds, empty range, narrow and unsigned dtypes)", () => {
  const k = random.key(2);
  assertExact(random.randint(k, [10], 0, 10), leaf("samplers", "randint_10"), "[0, 10)");
  assertExact(random.randint(k, [3, 4], -5, 5), leaf("samplers", "randint_3x4"), "[-5, 5)");
  assertExact(
    random.randint(k, [3, 4], jnp.array([0, 10, 20, 30], { dtype: "int32" }), 100),
    leaf("samplers", "randint_bounds_array"),
    "array minval",
  );
  assertExact(random.randint(k, [6], -(2 ** 31), 2 ** 31 - 1), leaf("samplers", "randint_full_range"), "full int32 range");
  assertExact(random.randint(k, [4], 5, 5), leaf("samplers", "randint_empty_range"), "empty range");
  assertExact(random.randint(k, [8], -100, 100, { dtype: "int8" }), leaf("samplers", "randint_int8"), "int8");
  assertExact(random.randint(k, [8], 0, 256, { dtype: "uint8" }), leaf("samplers", "randint_uint8_256"), "uint8 up to 256");
  assertExact(random.randint(k, [5], 3, 1000, { dtype: "uint32" }), leaf("samplers", "randint_uint32"), "uint32");
});

test("bernoulli, categorical and choice equal JAX's", () => {
  const k = random.key(2);
  assertExact(random.bernoulli(k, 0.3, [20]), leaf("samplers", "bernoulli_03"), "bernoulli(0.3)");
  assertExact(random.bernoulli(k, jnp.array([0.1, 0.3, 0.5, 0.7, 0.9]), [2, 5]), leaf("samplers", "bernoulli_array"), "array p");
  assertExact(random.bernoulli(k, 0.4, [12], { mode: "high" }), leaf("samplers", "bernoulli_high"), "mode high");
  const grid = jnp.arange(12).astype("float32").reshape([3, 4]).div(3);
  assertExact(random.categorical(k, [0.1, 1.0, -0.5, 2.0, 0.0], { shape: [10] }), leaf("samplers", "categorical_5"), "1-D logits");
  assertExact(random.categorical(k, grid), leaf("samplers", "categorical_batch"), "batched logits");
  assertExact(random.categorical(k, grid, { axis: 0 }), leaf("samplers", "categorical_axis0"), "axis 0");
  assertExact(random.categorical(k, grid, { shape: [5, 3] }), leaf("samplers", "categorical_prefix"), "sample shape prefix");
  assertExact(random.choice(k, 10, [8]), leaf("samplers", "choice_10"), "choice(10)");
  assertExact(random.choice(k, 4, [12], { p: [0.1, 0.2, 0.3, 0.4] }), leaf("samplers", "choice_p"), "choice with p");
});

test("truncatedNormal, gumbel, exponential, laplace, logistic are within float32 rounding of JAX's", () => {
  const k = random.key(2);
  const tn = random.truncatedNormal(k, -1, 2, [10]);
  assertAllClose(tn, leaf("samplers", "truncated_normal"), F32_SAMPLE_TOL, "truncatedNormal");
  const lo = jnp.array([-3, 0, 1]);
  const hi = jnp.array([-2, 0.5, 4]);
  const tn2 = random.truncatedNormal(k, lo, hi, [2, 3]);
  assertAllClose(tn2, leaf("samplers", "truncated_normal_arrays"), F32_SAMPLE_TOL, "truncatedNormal arrays");
  for (const row of tn2.tolist() as number[][]) {
    row.forEach((v, j) => {
      assert.ok(v > [-3, 0, 1][j]! && v < [-2, 0.5, 4][j]!, `${v} outside bound ${j}`);
    });
  }
  assertAllClose(random.gumbel(k, [10]), leaf("samplers", "gumbel"), F32_SAMPLE_TOL, "gumbel");
  assertAllClose(random.gumbel(k, [10], { mode: "high" }), leaf("samplers", "gumbel_high"), F32_SAMPLE_TOL, "gumbel high");
  assertAllClose(random.exponential(k, [10]), leaf("samplers", "exponential"), F32_SAMPLE_TOL, "exponential");
  assertAllClose(random.laplace(k, [10]), leaf("samplers", "laplace"), F32_SAMPLE_TOL, "laplace");
  assertAllClose(random.logistic(k, [10]), leaf("samplers", "logistic"), F32_SAMPLE_TOL, "logistic");
  const k1 = random.key(1);
  const f64 = { dtype: "float64" } as const;
  assertAllClose(random.exponential(k1, [6], f64), leaf("samplers", "f64", "exponential"), F64_TOL, "exponential f64");
  assertAllClose(random.laplace(k1, [6], f64), leaf("samplers", "f64", "laplace"), F64_TOL, "laplace f64");
  assertAllClose(random.logistic(k1, [6], f64), leaf("samplers", "f64", "logistic"), F64_TOL, "logistic f64");
  assertAllClose(random.gumbel(k1, [6], f64), leaf("samplers", "f64", "gumbel"), F64_TOL, "gumbel f64");
  assertAllClose(
    random.truncatedNormal(k1, -0.5, 1.5, [6], f64),
    leaf("samplers", "f64", "truncated_normal"),
    F64_TOL,
    "truncatedNormal f64",
  );
});

// ---------------------------------------------------------------------------
// permutations and choices

test("permutation and choice (with and without replacement, arrays, axes, p) equal JAX's", () => {
  const k = random.key(4);
  const grid = jnp.arange(12).astype("float32").reshape([3, 4]);
  assertExact(random.permutation(k, 10), leaf("samplers", "permutation_10"), "permutation(10)");
  assertExact(random.permutation(k, grid), leaf("samplers", "permutation_array"), "rows");
  assertExact(random.permutation(k, grid, { axis: 1 }), leaf("samplers", "permutation_axis1"), "axis 1");
  assertExact(random.permutation(k, grid, { axis: 1, independent: true }), leaf("samplers", "permutation_independent"), "independent");
  assertExact(random.choice(k, grid, [2, 2]), leaf("samplers", "choice_array"), "rows of an array");
  assertExact(random.choice(k, grid, [5], { axis: 1 }), leaf("samplers", "choice_array_axis1"), "axis 1");
  assertExact(random.choice(k, 10, [6], { replace: false }), leaf("samplers", "choice_noreplace"), "without replacement");
  assertExact(
    random.choice(k, grid, [2], { replace: false, axis: 1 }),
    leaf("samplers", "choice_noreplace_array"),
    "array, no replacement",
  );
  assertExact(
    random.choice(k, 5, [3], { replace: false, p: [0.1, 0.2, 0.3, 0.25, 0.15] }),
    leaf("samplers", "choice_p_noreplace"),
    "p, no replacement",
  );
  assertExact(
    random.categorical(k, grid.div(3), { shape: [2, 3], replace: false }),
    leaf("samplers", "categorical_noreplace"),
    "categorical",
  );
  assert.throws(() => random.choice(k, 3, [4], { replace: false }), /larger sample/);
});

test("multivariateNormal: cholesky samples equal JAX's; eigh and svd have the right covariance", () => {
  const k = random.key(4);
  const mean = jnp.array([1, -2, 0.5]);
  const cov = jnp.array([
    [2, 0.3, 0.1],
    [0.3, 1, -0.2],
    [0.1, -0.2, 0.5],
  ]);
  assertAllClose(random.multivariateNormal(k, mean, cov, [4]), leaf("samplers", "multivariate_normal"), F32_SAMPLE_TOL, "cholesky");
  assertAllClose(
    random.multivariateNormal(k, jnp.zeros([2, 3]), cov),
    leaf("samplers", "multivariate_normal_batch"),
    F32_SAMPLE_TOL,
    "batch",
  );
  for (const method of ["eigh", "svd"] as const) {
    const x = random.multivariateNormal(random.key(8), jnp.zeros([3]), cov, [6000], { method });
    const empirical = jnp.matmul(x.T, x).div(6000);
    // standard error of each entry about sqrt(2/6000) * 2 = 0.04
    assertAllClose(empirical, Array.from(cov.dataSync()), { rtol: 0, atol: 0.12 }, `${method} covariance`);
  }
});

// ---------------------------------------------------------------------------
// gamma family and poisson

test("gamma, loggamma, beta, dirichlet are within float32 rounding of JAX's, as are their gradients", () => {
  const k = random.key(3);
  const alphas = jnp.array([0.3, 1, 2.5, 10, 100]);
  assertAllClose(random.gamma(k, alphas), leaf("samplers", "gamma"), F32_SAMPLE_TOL, "gamma");
  assertAllClose(random.gamma(k, 0.7, { shape: [3, 4] }), leaf("samplers", "gamma_shape"), F32_SAMPLE_TOL, "gamma shape");
  assertAllClose(random.loggamma(k, jnp.array([0.01, 0.3, 1, 2.5])), leaf("samplers", "loggamma"), F32_SAMPLE_TOL, "loggamma");
  // JAX's float32 gradient series is less accurate than ours (float64 inside)
  const gradTol = { rtol: 1e-5, atol: 1e-6 };
  assertAllClose(grad((a: JArray) => random.gamma(k, a).sum())(alphas), leaf("samplers", "gamma_grad"), gradTol, "d gamma / d a");
  assertAllClose(grad((a: JArray) => random.loggamma(k, a).sum())(alphas), leaf("samplers", "loggamma_grad"), gradTol, "d loggamma / d a");
  assertAllClose(random.beta(k, 2, 3, { shape: [6] }), leaf("samplers", "beta"), F32_SAMPLE_TOL, "beta");
  assertAllClose(
    random.beta(k, jnp.array([0.5, 1, 4]), jnp.array([[0.5], [2]])),
    leaf("samplers", "beta_arrays"),
    F32_SAMPLE_TOL,
    "beta arrays",
  );
  assertAllClose(random.dirichlet(k, jnp.array([1, 2, 3]), { shape: [4] }), leaf("samplers", "dirichlet"), F32_SAMPLE_TOL, "dirichlet");
  const f64 = { dtype: "float64" } as const;
  const a64 = jnp.array([0.3, 1, 2.5, 10], f64);
  assertAllClose(random.gamma(k, a64, f64), leaf("samplers", "f64", "gamma"), F64_TOL, "gamma f64");
  assertAllClose(random.loggamma(k, jnp.array([0.05, 2], f64), f64), leaf("samplers", "f64", "loggamma"), F64_TOL, "loggamma f64");
});

test("the gamma gradient matches finite differences of the gamma CDF's inverse", () => {
  // x(a) at fixed uniform noise: differentiate through jit and compare with a central difference
  const k = random.key(12);
  const f = jit((a: JArray) => random.gamma(k, a, { dtype: "float64" }));
  const a = jnp.array([0.5, 2, 7], { dtype: "float64" });
  const g = grad((x: JArray) => f(x).sum())(a);
  // the sampler itself is not smooth in a, so check the implicit gradient against the
  // derivative of the quantile at fixed CDF value: dx/da = -(dP/da)/(dP/dx), numerically
  const x = Array.from(f(a).dataSync());
  const av = Array.from(a.dataSync());
  const h = 1e-5;
  const cdf = (s: number, t: number) => regularizedGammaP(s, t);
  const expected = av.map((s, i) => {
    const t = x[i]!;
    const dPda = (cdf(s + h, t) - cdf(s - h, t)) / (2 * h);
    const dPdx = (cdf(s, t + h) - cdf(s, t - h)) / (2 * h);
    return -dPda / dPdx;
  });
  assertAllClose(g, expected, { rtol: 1e-5, atol: 1e-8 }, "implicit gradient");
});

/** P(a, x) by its series, for the finite-difference reference above. */
function regularizedGammaP(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 1000; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum * Math.exp(a * Math.log(x) - x - lgammaRef(a));
}

function lgammaRef(a: number): number {
  // ln Γ(a) = ln Γ(a + 8) - ln(a (a+1) ... (a+7)), Stirling's series at a + 8
  let shift = 0;
  let z = a;
  while (z < 8) {
    shift += Math.log(z);
    z += 1;
  }
  const inv = 1 / z;
  const series = inv / 12 - inv ** 3 / 360 + inv ** 5 / 1260 - inv ** 7 / 1680;
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

test("poisson equals JAX's (Knuth below 10, rejection above)", () => {
  const k = random.key(3);
  assertExact(random.poisson(k, jnp.array([0, 0.5, 3, 9.9, 10, 50, 1000])), leaf("samplers", "poisson"), "rates");
  assertExact(random.poisson(k, 4, { shape: [3, 5] }), leaf("samplers", "poisson_shape"), "shape");
  assertExact(random.poisson(k, 25, { shape: [40] }), leaf("samplers", "poisson_large"), "rejection sampler");
});

test("gamma and poisson under vmap equal JAX's vmap and per-key stacking", () => {
  const keys = random.split(random.key(3), 3);
  const g = vmap((kk: JArray) => random.gamma(kk, jnp.array([0.5, 3])))(keys);
  assertAllClose(g, leaf("samplers", "vmap_gamma"), F32_SAMPLE_TOL, "vmap gamma");
  const p = vmap((kk: JArray) => random.poisson(kk, jnp.array([2, 30])))(keys);
  assertExact(p, leaf("samplers", "vmap_poisson"), "vmap poisson");
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(g.get(i).tolist(), random.gamma(keys.get(i), jnp.array([0.5, 3])).tolist());
    assert.deepEqual(p.get(i).tolist(), random.poisson(keys.get(i), jnp.array([2, 30])).tolist());
  }
  assert.deepEqual(
    jit((kk: JArray) => random.poisson(kk, 7, { shape: [5] }))(keys.get(0)).tolist(),
    random.poisson(keys.get(0), 7, { shape: [5] }).tolist(),
  );
});
