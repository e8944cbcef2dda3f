// Golden tests against real JAX: values and gradients of composite functions
// (test/fixtures/composite_grads.json) and of a 2-layer MLP (test/fixtures/mlp.json).
// Each function below mirrors, op for op, the Python function of the same name in
// scripts/make_fixtures.py.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, jit, numpy as jnp, valueAndGrad } from "../src/index.js";
import { COMPOSITES } from "./composites.js";
import { arr, assertAllClose, assertTreeClose, get, getLeaf, keysOf, loadFixture } from "./helpers.js";

const TOL = { rtol: 2e-5, atol: 1e-5 };

const composites = loadFixture("composite_grads");

function argsOf(name: string): JArray[] {
  const args = get(composites, "cases", name, "args");
  assert.ok(Array.isArray(args), `${name}: args is not a list`);
  return args.map((_, i) => arr(composites, "cases", name, "args", i));
}

function argnumsFor(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

test("golden composite grads: fixture and TS function tables list the same functions", () => {
  assert.deepEqual(keysOf(composites, "cases").sort(), Object.keys(COMPOSITES).sort());
});

for (const [name, fn] of Object.entries(COMPOSITES)) {
  test(`golden composite ${name}: value`, () => {
    const args = argsOf(name);
    assertAllClose(fn(...args), getLeaf(composites, "cases", name, "value"), TOL, `${name} value`);
  });

  test(`golden composite ${name}: grad(f, {argnums: all})`, () => {
    const args = argsOf(name);
    const grads = grad(fn, { argnums: argnumsFor(args.length) })(...args);
    assertTreeClose(grads, get(composites, "cases", name, "grads"), TOL, `${name} grads`);
  });

  test(`golden composite ${name}: grad(f) (argnums 0 by default)`, () => {
    const args = argsOf(name);
    const g0 = grad(fn)(...args);
    assertAllClose(g0, getLeaf(composites, "cases", name, "grads", 0), TOL, `${name} grad argnums=0`);
  });

  test(`golden composite ${name}: jit(valueAndGrad(f, {argnums: all}))`, () => {
    const args = argsOf(name);
    const [value, grads] = jit(valueAndGrad(fn, { argnums: argnumsFor(args.length) }))(...args);
    assertAllClose(value, getLeaf(composites, "cases", name, "value"), TOL, `${name} jit value`);
    assertTreeClose(grads, get(composites, "cases", name, "grads"), TOL, `${name} jit grads`);
  });
}

// ---------------------------------------------------------------------------
// MLP: loss = mean((tanh(x @ w1 + b1) @ w2 + b2 - y) ** 2), params a dict pytree.

type Params = {
  w1: JArray;
  b1: JArray;
  w2: JArray;
  b2: JArray;
};

const mlp = loadFixture("mlp");
const MLP_TOL = { rtol: 1e-5, atol: 1e-6 };

function mlpLoss(params: Params, x: JArray, y: JArray): JArray {
  const h = jnp.tanh(x.matmul(params.w1).add(params.b1));
  const pred = h.matmul(params.w2).add(params.b2);
  return jnp.mean(pred.sub(y).pow(2));
}

function mlpParams(): Params {
  return {
    w1: arr(mlp, "params", "w1"),
    b1: arr(mlp, "params", "b1"),
    w2: arr(mlp, "params", "w2"),
    b2: arr(mlp, "params", "b2"),
  };
}

test("golden mlp: loss", () => {
  assertAllClose(mlpLoss(mlpParams(), arr(mlp, "x"), arr(mlp, "y")), getLeaf(mlp, "loss"), MLP_TOL, "mlp loss");
});

test("golden mlp: grad w.r.t. a dict of params", () => {
  const grads = grad(mlpLoss)(mlpParams(), arr(mlp, "x"), arr(mlp, "y"));
  assertTreeClose(grads, get(mlp, "grads"), MLP_TOL, "mlp grads");
});

test("golden mlp: valueAndGrad", () => {
  const [loss, grads] = valueAndGrad(mlpLoss)(mlpParams(), arr(mlp, "x"), arr(mlp, "y"));
  assertAllClose(loss, getLeaf(mlp, "loss"), MLP_TOL, "mlp loss");
  assertTreeClose(grads, get(mlp, "grads"), MLP_TOL, "mlp grads");
});

test("golden mlp: jit(grad)", () => {
  const grads = jit(grad(mlpLoss))(mlpParams(), arr(mlp, "x"), arr(mlp, "y"));
  assertTreeClose(grads, get(mlp, "grads"), MLP_TOL, "mlp jit grads");
});
