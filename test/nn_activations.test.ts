// jaxts.nn activations against real JAX (test/fixtures/nn_activations.json from
// scripts/fixtures_nn.py): values and vector-Jacobian products on the kinks (0, ±1, ±3, 6),
// at large magnitudes (±30, ±100, ±1000) and on random inputs; plus jit/vmap consistency.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, jit, numpy as jnp, vmap } from "../src/index.js";
import * as nn from "../src/nn/index.js";
import { get, keysOf, loadFixture } from "./helpers.js";
import { assertCloseNF, type CaseFn, checkCase, decode } from "./nn_helpers.js";

const fixture = loadFixture("nn_activations");
const TOL = { rtol: 2e-5, atol: 3e-6 }; // scripts/fixtures_nn.py TOL["activations"]

const unary =
  (f: (x: JArray) => JArray): CaseFn =>
  (a) =>
    f(a.x!);
const FNS: Record<string, CaseFn> = {
  identity: unary(nn.identity),
  relu: unary(nn.relu),
  relu6: unary(nn.relu6),
  sigmoid: unary(nn.sigmoid),
  softplus: unary(nn.softplus),
  softSign: unary(nn.softSign),
  silu: unary(nn.silu),
  mish: unary(nn.mish),
  logSigmoid: unary(nn.logSigmoid),
  elu: (a, kw) => nn.elu(a.x!, kw.alpha),
  selu: unary(nn.selu),
  celu: (a, kw) => nn.celu(a.x!, kw.alpha),
  leakyRelu: (a, kw) => nn.leakyRelu(a.x!, kw.negativeSlope),
  hardTanh: unary(nn.hardTanh),
  hardSigmoid: unary(nn.hardSigmoid),
  hardSilu: unary(nn.hardSilu),
  squareplus: (a, kw) => nn.squareplus(a.x!, kw.b),
  sparsePlus: unary(nn.sparsePlus),
  sparseSigmoid: unary(nn.sparseSigmoid),
  gelu: (a, kw) => nn.gelu(a.x!, { approximate: kw.approximate }),
  glu: (a, kw) => nn.glu(a.x!, kw.axis),
};

const cases = keysOf(fixture, "cases");

test("every activation in the fixture has a jaxts counterpart", () => {
  for (const name of cases) assert.ok(FNS[get(fixture, "cases", name, "fn") as string], name);
});

for (const name of cases) {
  test(`nn.${name}: value and vjp match JAX`, () => {
    const c = get(fixture, "cases", name);
    checkCase(c, name, FNS[get(c, "fn") as string]!, TOL);
  });
}

test("∇relu(0) = 0 and ∇relu6 vanishes at both kinks, as JAX's custom JVPs give", () => {
  const x = jnp.array([0, 6, -0, 3]);
  assert.deepEqual(grad((x: JArray) => nn.relu(x).sum())(x).tolist(), [0, 1, 0, 1]);
  assert.deepEqual(grad((x: JArray) => nn.relu6(x).sum())(x).tolist(), [0, 0, 0, 1]);
  assert.ok(Number.isNaN(nn.relu(jnp.array([Number.NaN])).dataSync()[0]!), "relu propagates NaN");
});

test("relu's custom JVP holds under vmap, jit and second derivatives", () => {
  const x = jnp.array([-1, 0, 2]);
  const dRelu = grad((s: JArray) => nn.relu(s));
  assert.deepEqual(vmap(dRelu)(x).tolist(), [0, 0, 1]);
  assert.deepEqual(jit(vmap(dRelu))(x).tolist(), [0, 0, 1]);
  assert.deepEqual(vmap(grad(dRelu))(x).tolist(), [0, 0, 0]);
  assert.deepEqual(vmap(grad((s: JArray) => nn.relu6(s)))(jnp.array([0, 3, 6, 7])).tolist(), [0, 1, 0, 0]);
});

test("swish and hardSwish are silu and hardSilu", () => {
  assert.equal(nn.swish, nn.silu);
  assert.equal(nn.hardSwish, nn.hardSilu);
});

test("activations keep the input's float dtype and follow JAX promotion for ints", () => {
  const h = jnp.array([-1, 0.5, 2], { dtype: "float16" });
  for (const f of [nn.relu, nn.gelu, nn.sigmoid, nn.softplus, nn.silu, nn.elu, nn.leakyRelu, nn.hardTanh, nn.relu6]) {
    assert.equal(f(h).dtype, "float16", f.name);
  }
  const i = jnp.array([-2, 0, 3], { dtype: "int32" });
  assert.equal(nn.relu(i).dtype, "int32");
  assert.deepEqual(nn.relu(i).tolist(), [0, 0, 3]);
  assert.equal(nn.relu6(i).dtype, "float32"); // JAX clips with the float 6.0
  assert.equal(nn.sigmoid(i).dtype, "float32");
  assert.equal(nn.leakyRelu(i).dtype, "float32");
});

test("jit and vmap give the same activations as eager evaluation", () => {
  const c = get(fixture, "cases", "gelu/random");
  const x = decode(get(c, "args", "x"));
  const jitted = jit((x: JArray) => nn.gelu(x));
  assertCloseNF(jitted(x), get(c, "out"), TOL, "jit(gelu)");
  const rowwise = vmap((row: JArray) => nn.gelu(row));
  assertCloseNF(rowwise(x), get(c, "out"), TOL, "vmap(gelu)");
  const g = jit(
    grad((x: JArray) =>
      nn
        .gelu(x)
        .mul(decode(get(c, "ct")))
        .sum(),
    ),
  );
  assertCloseNF(g(x), get(c, "grad", "x"), TOL, "jit(grad(gelu))");

  const gc = get(fixture, "cases", "glu/axis1");
  const x3 = decode(get(gc, "args", "x")); // [2, 4, 6]: per example [4, 6], halves along axis 0
  assertCloseNF(vmap((e: JArray) => nn.glu(e, 0))(x3), get(gc, "out"), TOL, "vmap(glu)");
});

test("glu needs an even axis size; the error names the shape", () => {
  assert.throws(() => nn.glu(jnp.ones([2, 3])), /glu: the size of axis -1 must be divisible by 2.*\[2, 3\]/);
});
