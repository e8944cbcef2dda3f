// Special functions (src/primitives/special.ts): float64 values against scipy, float32 values
// against JAX, JVPs against central finite differences in float64, and their vmap/jit rules.
// References come from scripts/fixtures_random.py (test/fixtures/random_special.json).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, jit, numpy as jnp, jvp, vmap } from "../src/index.js";
import { digamma, erf, erfc, erfInv, lgamma, nextafter, polygamma } from "../src/primitives/special.js";
import { fma } from "../src/random/fma.js";
import { assertAllClose, type FixtureArray, getLeaf, loadFixture } from "./helpers.js";

const fx = loadFixture("random_special");
const input = (name: string, dtype: "float32" | "float64" = "float64"): JArray => {
  const x = getLeaf(fx, name, "x");
  return jnp.array(x.data as number[], { dtype });
};
const expected = (name: string): FixtureArray => getLeaf(fx, name, "y");

const FNS: Record<string, (x: JArray) => JArray> = {
  erf,
  erfc,
  erf_inv: erfInv,
  lgamma,
  digamma,
  polygamma1: (x) => polygamma(1, x),
  polygamma3: (x) => polygamma(3, x),
};

test("float64 values match scipy to near machine precision", () => {
  // lgamma and digamma lose relative accuracy only near their zeros (absolute error ~1e-15)
  const tol: Record<string, { rtol: number; atol: number }> = {
    erf: { rtol: 2e-15, atol: 0 },
    erfc: { rtol: 5e-15, atol: 0 },
    erf_inv: { rtol: 5e-15, atol: 0 },
    lgamma: { rtol: 5e-14, atol: 2e-15 },
    digamma: { rtol: 5e-14, atol: 2e-15 },
    polygamma1: { rtol: 5e-15, atol: 0 },
    polygamma3: { rtol: 5e-15, atol: 0 },
  };
  for (const [name, f] of Object.entries(FNS)) {
    const y = f(input(name));
    assert.equal(y.dtype, "float64", name);
    assertAllClose(y, expected(name), tol[name], `${name} float64`);
  }
});

test("float32 values: erf_inv follows JAX's float32 polynomial, the others round float64 results", () => {
  // XLA's float32 log1p inside erf_inv may differ from the correctly rounded one by an ulp
  assertAllClose(erfInv(input("erf_inv_f32_jax", "float32")), expected("erf_inv_f32_jax"), { rtol: 3e-7, atol: 1e-7 }, "erf_inv f32");
  assertAllClose(erf(input("erf_f32_jax", "float32")), expected("erf_f32_jax"), { rtol: 2e-7, atol: 1e-7 }, "erf f32");
  // elsewhere float32 results are the float64 ones rounded: compare on the same float32 inputs
  for (const name of ["erf", "erfc", "erf_inv", "lgamma", "digamma", "polygamma1"]) {
    const x32 = input(name, "float32");
    const y = FNS[name]!(x32);
    assert.equal(y.dtype, "float32");
    const ref = Array.from(FNS[name]!(x32.astype("float64")).dataSync());
    const keep = ref.map((v) => Number.isFinite(v));
    const pickFinite = (a: ArrayLike<number>) => Array.from(a).filter((_, i) => keep[i]);
    const tol = name === "erf_inv" ? { rtol: 1e-6, atol: 1e-7 } : { rtol: 1e-7, atol: 1e-37 };
    assertAllClose(pickFinite(y.dataSync()), pickFinite(ref), tol, `${name} float32`);
  }
});

test("edge values: poles, infinities and the ends of erf_inv's domain", () => {
  const x = jnp.array([-1, 1, 1.5, -0.0], { dtype: "float64" });
  assert.deepEqual(erfInv(x).tolist(), [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NaN, -0]);
  const g = jnp.array([0, -2, Number.POSITIVE_INFINITY], { dtype: "float64" });
  assert.deepEqual(lgamma(g).tolist(), [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
  assert.deepEqual(digamma(g).tolist(), [Number.NaN, Number.NaN, Number.POSITIVE_INFINITY]);
  assert.deepEqual(erfc(jnp.array([Number.NEGATIVE_INFINITY, 30], { dtype: "float64" })).tolist(), [2, 0]);
  assert.throws(() => erf(jnp.array([1, 2], { dtype: "int32" })), /floating-point/);
  assert.throws(() => polygamma(0, jnp.array([1])), /digamma/);
});

/** Central differences of f at x in float64 against the JVP with a unit tangent. */
function checkJvp(name: string, f: (x: JArray) => JArray, points: number[], rtol = 1e-7): void {
  const h = 1e-6;
  const x = jnp.array(points, { dtype: "float64" });
  const [, tangent] = jvp(f, [x], [jnp.onesLike(x)]) as [JArray, JArray];
  const fd = f(x.add(h))
    .sub(f(x.sub(h)))
    .div(2 * h);
  assertAllClose(tangent, Array.from(fd.dataSync()), { rtol, atol: 1e-9 }, `${name} jvp`);
}

test("JVPs agree with finite differences (float64)", () => {
  checkJvp("erf", erf, [-2, -0.5, 0, 0.3, 1.2, 2.5]);
  checkJvp("erfc", erfc, [-1.5, 0, 0.7, 2, 4]);
  checkJvp("erf_inv", erfInv, [-0.9, -0.3, 0, 0.5, 0.99]);
  checkJvp("lgamma", lgamma, [-2.5, 0.3, 1, 2.5, 10, 40]);
  checkJvp("digamma", digamma, [-1.5, 0.4, 1, 3.2, 25]);
  checkJvp("polygamma(2)", (x) => polygamma(2, x), [0.6, 1.5, 4, 12]);
});

test("grad, vmap and jit go through the special functions", () => {
  // d/dx erf(erfinv(x)) = 1
  const g = grad((x: JArray) => erf(erfInv(x)))(jnp.array(0.4, { dtype: "float64" }));
  assertAllClose(g, 1, { rtol: 1e-12, atol: 0 }, "grad erf(erfinv)");
  const x = jnp.array(
    [
      [0.1, 0.2],
      [0.3, 0.4],
    ],
    { dtype: "float64" },
  );
  for (const f of [erf, erfInv, lgamma, digamma, (a: JArray) => polygamma(1, a)]) {
    assert.deepEqual(vmap(f)(x).tolist(), f(x).tolist());
    assert.deepEqual(vmap(f, { inAxes: 1 })(x).tolist(), f(x.T).tolist());
    assert.deepEqual(jit(f)(x).tolist(), f(x).tolist());
  }
});

test("nextafter steps one ulp in float32 and float64", () => {
  const one32 = jnp.array([1, 1, 0, -1], { dtype: "float32" });
  const to32 = jnp.array([2, 0, 1, -2], { dtype: "float32" });
  assert.deepEqual(nextafter(one32, to32).tolist(), [1 + 2 ** -23, 1 - 2 ** -24, 2 ** -149, -1 - 2 ** -23]);
  const one64 = jnp.array([1, 1, 0], { dtype: "float64" });
  const to64 = jnp.array([2, 0, -1], { dtype: "float64" });
  assert.deepEqual(nextafter(one64, to64).tolist(), [1 + 2 ** -52, 1 - 2 ** -53, -(2 ** -1074)]);
  const half = nextafter(jnp.array([1], { dtype: "float16" }), jnp.array([2], { dtype: "float16" }));
  assert.deepEqual(half.tolist(), [1 + 2 ** -10]);
});

test("fma rounds once (float32 and float64)", () => {
  const e32 = 2 ** -23;
  const a = jnp.array([1 + e32], { dtype: "float32" });
  const b = jnp.array([1 - e32], { dtype: "float32" });
  // (1 + e)(1 - e) - 1 = -e^2 exactly; separate rounding gives 0
  assert.deepEqual(fma(a, b, jnp.array([-1], { dtype: "float32" })).tolist(), [-(e32 * e32)]);
  assert.deepEqual(a.mul(b).sub(1).tolist(), [0]);
  const e64 = 2 ** -52;
  const c = jnp.array([1 + e64], { dtype: "float64" });
  const d = jnp.array([1 - e64], { dtype: "float64" });
  assert.deepEqual(fma(c, d, jnp.array([-1], { dtype: "float64" })).tolist(), [-(e64 * e64)]);
  const [, t] = jvp((x: JArray) => fma(x, x, x), [jnp.array([3], { dtype: "float64" })], [jnp.array([1], { dtype: "float64" })]) as [
    JArray,
    JArray,
  ];
  assert.deepEqual(t.tolist(), [7]);
});
