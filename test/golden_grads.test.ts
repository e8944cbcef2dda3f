// Golden tests against real JAX: values and gradients of composite functions
// (test/fixtures/composite_grads.json) and of a 2-layer MLP (test/fixtures/mlp.json).
// Each function below mirrors, op for op, the Python function of the same name in
// scripts/make_fixtures.py.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, jit, numpy as jnp, valueAndGrad } from "../src/index.js";
import { arr, assertAllClose, assertTreeClose, get, getLeaf, keysOf, loadFixture } from "./helpers.js";

type Fn = (...args: JArray[]) => JArray;

const COMPOSITES: Record<string, Fn> = {
  // jnp.sum((x + y) ** 2 * x - y / (x ** 2 + 1.0)); x [2,3], y [3]
  broadcast_poly: (x, y) =>
    x
      .add(y)
      .pow(2)
      .mul(x)
      .sub(y.div(x.pow(2).add(1)))
      .sum(),

  // jnp.mean(jnp.log(x) * jnp.exp(-x) + jnp.sqrt(x) * jnp.tanh(x)); x [4,4] positive
  exp_log_sqrt: (x) =>
    jnp.mean(
      jnp
        .log(x)
        .mul(jnp.exp(x.neg()))
        .add(jnp.sqrt(x).mul(jnp.tanh(x))),
    ),

  // z = x - max(x, 1, keepdims); p = exp(z) / sum(exp(z), 1, keepdims); sum(p * y)
  softmax_keepdims: (x, y) => {
    const z = x.sub(x.max(1, { keepdims: true }));
    const e = jnp.exp(z);
    const p = e.div(e.sum(1, { keepdims: true }));
    return p.mul(y).sum();
  },

  // sum(max(x, 0)) + min(x) * mean(max(x, 1, keepdims) * x) - sum(min(x, 1) ** 2)
  max_min_reductions: (x) =>
    jnp
      .sum(jnp.max(x, 0))
      .add(jnp.min(x).mul(jnp.mean(x.max(1, { keepdims: true }).mul(x))))
      .sub(jnp.sum(jnp.min(x, 1).pow(2))),

  // jnp.sum(jnp.tanh(a @ b) @ b.T * a) + jnp.mean((a @ b @ b) ** 2)
  matmul_chain: (a, b) => jnp.tanh(a.matmul(b)).matmul(b.T).mul(a).sum().add(a.matmul(b).matmul(b).pow(2).mean()),

  // jnp.sum(jnp.sin(x) * jnp.cos(2.0 * x) + jnp.tan(x / 2.0) ** 2)
  trig: (x) =>
    jnp.sum(
      jnp
        .sin(x)
        .mul(jnp.cos(x.mul(2)))
        .add(jnp.tan(x.div(2)).pow(2)),
    ),

  // jnp.sum(jnp.where(x > 0, x ** 3, jnp.abs(x) * 0.5) + jnp.sign(x) * x ** 2)
  where_abs_sign: (x) => jnp.sum(jnp.where(x.gt(0), x.pow(3), jnp.abs(x).mul(0.5)).add(jnp.sign(x).mul(x.pow(2)))),

  // jnp.sum(jnp.maximum(x, y) * 2.0 - jnp.minimum(x, y) ** 2 + jnp.maximum(x, 0.0) * y)
  maximum_minimum: (x, y) => jnp.sum(jnp.maximum(x, y).mul(2).sub(jnp.minimum(x, y).pow(2)).add(jnp.maximum(x, 0).mul(y))),

  // c = concat([x, y*y], 1); s = stack([x, y], 0); t = reshape(stack([x, y], 2), (2, 6))
  // sum(sin(c)) + sum(prod(s, 0)) + sum(t * c)
  concat_stack_prod: (x, y) => {
    const c = jnp.concatenate([x, y.mul(y)], 1);
    const s = jnp.stack([x, y], 0);
    const t = jnp.reshape(jnp.stack([x, y], 2), [2, 6]);
    return jnp
      .sum(jnp.sin(c))
      .add(jnp.sum(jnp.prod(s, 0)))
      .add(jnp.sum(t.mul(c)));
  },

  // m = outer(x, x) @ y.T; sum(reshape(m, (2, 3)) * y) + sum(transpose(y) * reshape(x, (3, 1)))
  outer_reshape_transpose: (x, y) => {
    const m = jnp.outer(x, x).matmul(y.T);
    return jnp.sum(jnp.reshape(m, [2, 3]).mul(y)).add(jnp.sum(jnp.transpose(y).mul(jnp.reshape(x, [3, 1]))));
  },

  // mean(log1p(x**2) * expm1(-abs(x))) + sum(abs(x) ** 1.5) + sum(sqrt(square(x) + 1.0))
  log1p_expm1_pow: (x) =>
    jnp
      .mean(jnp.log1p(x.pow(2)).mul(jnp.expm1(jnp.abs(x).neg())))
      .add(jnp.sum(jnp.abs(x).pow(1.5)))
      .add(jnp.sum(jnp.sqrt(jnp.square(x).add(1)))),

  // sum(prod(x, 1)) + sum((x - mean(x, 1, keepdims)) ** 2 / (min(x, 0, keepdims) + 1.0))
  keepdims_normalize_prod: (x) =>
    jnp.sum(jnp.prod(x, 1)).add(
      jnp.sum(
        x
          .sub(x.mean(1, { keepdims: true }))
          .pow(2)
          .div(x.min(0, { keepdims: true }).add(1)),
      ),
    ),

  // jnp.dot(x, y) * jnp.sum(x) + jnp.dot(jnp.exp(x), y) ** 2
  dot_vectors: (x, y) =>
    jnp
      .dot(x, y)
      .mul(jnp.sum(x))
      .add(jnp.dot(jnp.exp(x), y).pow(2)),

  // jnp.sum(jnp.power(x, y)) + jnp.sum(x ** 2.5 / (1.0 + y ** 2)); x [2,3] positive, y [3]
  power_arrays: (x, y) => jnp.sum(jnp.power(x, y)).add(jnp.sum(x.pow(2.5).div(y.pow(2).add(1)))),

  // sum(tanh(mean(x**2, (0, 2)))) + sum(mean(x, (1, 2), keepdims) * x) + sum(max(x, (0, 1)))
  multi_axis_reduce: (x) =>
    jnp
      .sum(jnp.tanh(jnp.mean(x.pow(2), [0, 2])))
      .add(jnp.sum(jnp.mean(x, [1, 2], { keepdims: true }).mul(x)))
      .add(jnp.sum(jnp.max(x, [0, 1]))),

  // t = transpose(x, (2, 0, 1)); sum(sin(t) * reshape(y, (4, 1, 1))) + mean(matmul(t, transpose(x, (2, 1, 0))) ** 2)
  transpose3d_batched_matmul: (x, y) => {
    const t = jnp.transpose(x, [2, 0, 1]);
    return jnp.sum(jnp.sin(t).mul(jnp.reshape(y, [4, 1, 1]))).add(jnp.mean(jnp.matmul(t, jnp.transpose(x, [2, 1, 0])).pow(2)));
  },
};

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
