// Golden test against real JAX (test/fixtures/sine.json, from scripts/make_fixtures.py):
// vmap(grad(jnp.sin)) over 1000 points of linspace(-pi, pi) equals cos.
import { test } from "node:test";
import { grad, jit, numpy as jnp, vmap } from "../src/index.js";
import { arr, assertAllClose, getLeaf, loadFixture } from "./helpers.js";

const fx = loadFixture("sine");
const TOL = { rtol: 1e-5, atol: 1e-6 };

test("golden sine: jnp.linspace(-pi, pi, 1000) matches JAX", () => {
  const x = jnp.linspace(-Math.PI, Math.PI, 1000);
  assertAllClose(x, getLeaf(fx, "x"), TOL, "linspace");
});

test("golden sine: jnp.cos matches JAX", () => {
  assertAllClose(jnp.cos(arr(fx, "x")), getLeaf(fx, "cos"), TOL, "cos");
});

test("golden sine: vmap(grad(jnp.sin))(x) matches JAX's vmap(grad(sin))", () => {
  const x = arr(fx, "x");
  const dsin = vmap(grad(jnp.sin))(x);
  assertAllClose(dsin, getLeaf(fx, "grad_sin"), TOL, "vmap(grad(sin))");
  // and it is cos(x), up to float32 rounding
  assertAllClose(dsin, getLeaf(fx, "cos"), TOL, "vmap(grad(sin)) vs cos");
});

test("golden sine: jit(vmap(grad(jnp.sin)))(x) matches JAX", () => {
  const x = arr(fx, "x");
  const dsin = jit(vmap(grad(jnp.sin)))(x);
  assertAllClose(dsin, getLeaf(fx, "grad_sin"), TOL, "jit(vmap(grad(sin)))");
});
