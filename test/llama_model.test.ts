// The Llama example's model (examples/llama/model.ts) against the same model in real JAX
// (test/fixtures/llama_{tied,untied}.json from scripts/fixtures_llama.py; grouped-query
// attention, 2 layers): logits, loss and every parameter gradient, eagerly and under jit
// and vmap; and incremental decoding with the KV cache against the full forward pass.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  countParams,
  decodeStep,
  forward,
  initCache,
  type LlamaConfig,
  type LlamaParams,
  loss,
  MODEL_S,
  ropeTables,
} from "../examples/llama/model.js";
import type { Array as JArray } from "../src/index.js";
import { jit, numpy as jnp, valueAndGrad, vmap } from "../src/index.js";
import { arr, assertAllClose, type FixtureArray, get, getLeaf, isFixtureArray, loadFixture, treeFromFixture } from "./helpers.js";

/** The tolerance of the issue: 1e-5 of the largest magnitude of the expected array. */
function assertNear(actual: JArray, expected: FixtureArray, label: string): void {
  const scale = Math.max(...expected.data.map((v) => Math.abs(Number(v))));
  assertAllClose(actual, expected, { rtol: 0, atol: 1e-5 * scale }, label);
}

function assertTreeNear(actual: unknown, expected: unknown, label: string): void {
  if (isFixtureArray(expected)) {
    assertNear(actual as JArray, expected, label);
    return;
  }
  if (Array.isArray(expected)) {
    expected.forEach((e, i) => assertTreeNear((actual as unknown[])[i], e, `${label}[${i}]`));
    return;
  }
  const exp = expected as Record<string, unknown>;
  assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(exp).sort(), `${label}: keys`);
  for (const k of Object.keys(exp)) assertTreeNear((actual as Record<string, unknown>)[k], exp[k], `${label}.${k}`);
}

function load(name: string) {
  const fx = loadFixture(name);
  const config = get(fx, "config") as LlamaConfig;
  return {
    fx,
    cfg: config,
    params: treeFromFixture(get(fx, "params")) as unknown as LlamaParams,
    tokens: arr(fx, "tokens"),
    targets: arr(fx, "targets"),
  };
}

for (const name of ["llama_tied", "llama_untied"]) {
  test(`${name}: logits, loss and every gradient equal JAX's`, () => {
    const { fx, cfg, params, tokens, targets } = load(name);
    assert.equal(params.output === undefined, cfg.tied);
    assertNear(forward(cfg, params, tokens), getLeaf(fx, "logits"), "logits");
    const vg = valueAndGrad((p: LlamaParams, x: JArray, y: JArray) => loss(cfg, p, x, y));
    const [l, g] = vg(params, tokens, targets) as [JArray, LlamaParams];
    assertNear(l, getLeaf(fx, "loss"), "loss");
    assertTreeNear(g, get(fx, "grads"), "grads");
    // the same under jit
    const [lj, gj] = jit(vg)(params, tokens, targets) as [JArray, LlamaParams];
    assertNear(lj, getLeaf(fx, "loss"), "jit loss");
    assertTreeNear(gj, get(fx, "grads"), "jit grads");
  });
}

test("vmap over sequences gives the batched forward pass", () => {
  const { fx, cfg, params, tokens } = load("llama_untied");
  const one = (t: JArray) => forward(cfg, params, t.reshape([1, -1])).reshape([t.shape[0]!, cfg.vocabSize]);
  assertNear(vmap(one)(tokens), getLeaf(fx, "logits"), "vmap logits");
});

test("KV-cache decoding reproduces the full forward pass, position by position", () => {
  for (const name of ["llama_tied", "llama_untied"]) {
    const { fx, cfg, params, tokens } = load(name);
    const [B, T] = tokens.shape as [number, number];
    const rope = ropeTables(cfg, cfg.seqLen);
    const step = jit((p: LlamaParams, c, tok: JArray, pos: JArray) => decodeStep(cfg, p, c, tok, pos, rope));
    let cache = initCache(cfg, B);
    const rows: JArray[] = [];
    for (let t = 0; t < T; t++) {
      const [logits, next] = step(params, cache, tokens.get(":", t), jnp.array(t, { dtype: "int32" }));
      rows.push(logits);
      cache = next;
    }
    assertNear(jnp.stack(rows, 1), getLeaf(fx, "logits"), `${name} decoded logits`);
    assert.equal(step.traceCount, 1, "one trace serves every position");
  }
});

test("model S has the issue's 97,792 parameters", () => {
  assert.equal(countParams(MODEL_S), 97_792);
  assert.equal(countParams({ ...MODEL_S, tied: false }), 97_792 + 83 * 64);
});
