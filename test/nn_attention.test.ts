// jaxts.nn.dotProductAttention against real JAX (test/fixtures/nn_attention.json from
// scripts/fixtures_nn.py): multi-head, grouped-query and multi-query attention, bias,
// boolean/causal masks, fully masked rows, unbatched inputs, sequence lengths, local
// windows and the residual; outputs and vjps wrt q, k, v and bias. Plus vmap/jit checks.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, jit, numpy as jnp, vmap } from "../src/index.js";
import * as nn from "../src/nn/index.js";
import { get, keysOf, loadFixture } from "./helpers.js";
import { assertCloseNF, type CaseFn, checkCase, decode } from "./nn_helpers.js";

const fixture = loadFixture("nn_attention");
const TOL = { rtol: 1e-4, atol: 1e-5 }; // scripts/fixtures_nn.py TOL["attention"]

const attention: CaseFn = (a, kw) => {
  const opts = {
    bias: a.bias,
    mask: a.mask,
    querySeqLengths: a.querySeqLengths,
    keyValueSeqLengths: a.keyValueSeqLengths,
    scale: kw.scale ?? undefined,
    isCausal: kw.isCausal,
    localWindowSize: kw.localWindowSize,
  };
  return kw.returnResidual
    ? nn.dotProductAttention(a.q!, a.k!, a.v!, { ...opts, returnResidual: true })
    : nn.dotProductAttention(a.q!, a.k!, a.v!, opts);
};

for (const name of keysOf(fixture, "cases")) {
  test(`nn.dotProductAttention ${name}: output and vjp match JAX`, () => {
    checkCase(get(fixture, "cases", name), name, attention, TOL);
  });
}

const args = (name: string, key: string): JArray => decode(get(fixture, "cases", name, "args", key));

test("vmap over the batch of unbatched [T, N, H] calls equals the batched call", () => {
  const [q, k, v, mask] = ["q", "k", "v", "mask"].map((key) => args("gqa_bias_mask", key)) as [JArray, JArray, JArray, JArray];
  const bias = args("gqa_bias_mask", "bias"); // [1, N, T, S], shared by the batch
  // mask is [B, 1, T, S]: per example [1, T, S], which attention pads to [1, 1, T, S]
  const perExample = vmap((q: JArray, k: JArray, v: JArray, m: JArray) => nn.dotProductAttention(q, k, v, { bias, mask: m }));
  assertCloseNF(perExample(q, k, v, mask), get(fixture, "cases", "gqa_bias_mask", "out"), TOL, "vmap(attention)");
});

test("jit and grad under jit agree with the fixture", () => {
  const c = get(fixture, "cases", "mqa_causal");
  const [q, k, v] = ["q", "k", "v"].map((key) => args("mqa_causal", key)) as [JArray, JArray, JArray];
  const f = jit((q: JArray, k: JArray, v: JArray) => nn.dotProductAttention(q, k, v, { isCausal: true }));
  assertCloseNF(f(q, k, v), get(c, "out"), TOL, "jit(attention)");
  const ct = decode(get(c, "ct"));
  const g = jit(grad((q: JArray, k: JArray, v: JArray) => f(q, k, v).mul(ct).sum(), { argnums: [0, 1, 2] }));
  const [gq, gk, gv] = g(q, k, v) as JArray[];
  assertCloseNF(gq!, get(c, "grad", "q"), TOL, "grad q");
  assertCloseNF(gk!, get(c, "grad", "k"), TOL, "grad k");
  assertCloseNF(gv!, get(c, "grad", "v"), TOL, "grad v");
});

test("causal attention: the first query attends only to the first key", () => {
  const q = jnp.ones([1, 3, 1, 2]);
  const k = jnp.ones([1, 3, 1, 2]);
  const v = jnp
    .array([1, 10, 100])
    .reshape([1, 3, 1, 1])
    .mul(jnp.ones([1, 3, 1, 2]));
  const out = nn.dotProductAttention(q, k, v, { isCausal: true }).get(0, ":", 0, 0).tolist() as number[];
  assert.deepEqual(
    out.map((x) => Math.round(x * 1e4) / 1e4),
    [1, 5.5, 37],
  );
});

test("shape and dtype errors name the argument and the fix", () => {
  const q = jnp.ones([1, 2, 3, 4]);
  const kv = jnp.ones([1, 2, 2, 4]);
  assert.throws(() => nn.dotProductAttention(q, kv, kv), /query heads must be a multiple of the key\/value heads, got 3 vs 2/);
  assert.throws(() => nn.dotProductAttention(jnp.ones([1, 2, 2, 5]), kv, kv), /query shape must be \[1, \*, \*, 4\]/);
  assert.throws(() => nn.dotProductAttention(jnp.ones([1, 2, 2, 4]), kv, jnp.ones([1, 3, 2, 4])), /value shape must be \[1, 2, 2, 4\]/);
  assert.throws(
    () => nn.dotProductAttention(jnp.ones([1, 2, 2, 4]), kv, kv, { mask: jnp.ones([1, 1, 2, 2]) }),
    /mask dtype must be bool, got float32/,
  );
});
