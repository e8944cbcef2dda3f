// The composite test functions, op for op the Python functions of the same names in
// scripts/make_fixtures.py (inputs and JAX's values in test/fixtures/composite_grads.json).
import type { Array as JArray } from "../src/index.js";
import { numpy as jnp } from "../src/index.js";

export type Fn = (...args: JArray[]) => JArray;

export const COMPOSITES: Record<string, Fn> = {
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
