// The ort-web engine: onnxruntime-web's wasm backend, run here inside Node, through
// jit(f).callAsync. Programs of the composite corpus, an MLP step and a scan agree with eager
// evaluation (values and gradients, 1e-5); a spy around the module proves that they ran in
// onnxruntime-web rather than falling back to the cpu engine.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as ort from "onnxruntime-web";
import { type OrtWebModule, ortWebAvailable, useOnnxruntimeWeb } from "../src/backends/ort_web/runtime.js";
import { ArrayImpl } from "../src/core/array.js";
import { devices, grad, type Array as JArray, jit, numpy as jnp, lax, tree, valueAndGrad } from "../src/index.js";
import { COMPOSITES } from "./composites.js";
import { arr, assertAllClose, get, loadFixture } from "./helpers.js";

const fx = loadFixture("composite_grads");
const tol = { rtol: 1e-5, atol: 1e-6 };

/** onnxruntime-web, counting the sessions it creates and the runs it makes. */
const counts = { sessions: 0, runs: 0 };
const spied: OrtWebModule = {
  Tensor: ort.Tensor,
  env: ort.env,
  InferenceSession: {
    async create(model, options) {
      const session = await ort.InferenceSession.create(model, options);
      counts.sessions++;
      return {
        run(feeds) {
          counts.runs++;
          return session.run(feeds as ort.InferenceSession.FeedsType);
        },
      };
    },
  },
};
useOnnxruntimeWeb(spied);

/** Runs body and returns how many onnxruntime-web sessions and runs it took. */
async function counted(body: () => Promise<void>): Promise<{ sessions: number; runs: number }> {
  const before = { ...counts };
  await body();
  return { sessions: counts.sessions - before.sessions, runs: counts.runs - before.runs };
}

/** got's leaves match eager's (structure, dtypes, shapes, values). */
function assertSameTree(got: unknown, eager: unknown, label: string): void {
  assert.equal(String(tree.structure(got)), String(tree.structure(eager)), `${label}: tree structure`);
  const want = tree.leaves(eager) as JArray[];
  (tree.leaves(got) as JArray[]).forEach((g, i) => {
    assert.equal(g.dtype, want[i]!.dtype, `${label} leaf ${i}: dtype`);
    assert.deepEqual([...g.shape], [...want[i]!.shape], `${label} leaf ${i}: shape`);
    assertAllClose(Array.from(g.dataSync(), Number), Array.from(want[i]!.dataSync(), Number), tol, `${label} leaf ${i}`);
  });
}

test("onnxruntime-web is the registered ort-web engine and devices() lists it", () => {
  assert.ok(ortWebAvailable());
  const web = devices().find((d) => d.backend === "ort-web");
  assert.ok(web, "devices() lacks ort-web");
  assert.match(web.description, new RegExp(`onnxruntime-web ${ort.env.versions.web!.replaceAll(".", "\\.")}`));
});

test("useOnnxruntimeWeb takes the module itself, rejects what is not onnxruntime-web, and null switches the engine off", () => {
  assert.throws(() => useOnnxruntimeWeb({} as OrtWebModule), /useOnnxruntimeWeb: expected the onnxruntime-web module/);
  try {
    useOnnxruntimeWeb(ort);
    assert.ok(devices().some((d) => d.backend === "ort-web"));
    useOnnxruntimeWeb(null);
    assert.equal(ortWebAvailable(), false);
    assert.ok(!devices().some((d) => d.backend === "ort-web"));
  } finally {
    useOnnxruntimeWeb(spied);
  }
});

const CORPUS = ["broadcast_poly", "softmax_keepdims", "matmul_chain", "where_abs_sign", "concat_stack_prod", "power_arrays"];

for (const name of CORPUS) {
  test(`ort-web agrees with eager on ${name} (value and gradients)`, async () => {
    const f = COMPOSITES[name]!;
    const xs = (get(fx, "cases", name, "args") as unknown[]).map((_, i) => arr(fx, "cases", name, "args", i));
    const vg = valueAndGrad(f, { argnums: xs.map((_, i) => i) });
    const used = await counted(async () => {
      assertSameTree(await jit(f, { backend: "ort-web" }).callAsync(...xs), f(...xs), `${name} value`);
      assertSameTree(await jit(vg, { backend: "ort-web" }).callAsync(...xs), vg(...xs), `${name} value and gradients`);
    });
    assert.deepEqual(used, { sessions: 2, runs: 2 }, `${name}: both programs run in onnxruntime-web`);
  });
}

type Params = { w1: JArray; b1: JArray; w2: JArray; b2: JArray };
const mlp = (p: Params, x: JArray) => jnp.tanh(x.matmul(p.w1).add(p.b1)).matmul(p.w2).add(p.b2);
const mse = (p: Params, x: JArray, y: JArray) => mlp(p, x).sub(y).pow(2).mean();
const params: Params = {
  w1: jnp.sin(jnp.arange(4 * 16).reshape([4, 16])).mul(0.5),
  b1: jnp.cos(jnp.arange(16)).mul(0.1),
  w2: jnp.cos(jnp.arange(16 * 3).reshape([16, 3])).mul(0.3),
  b2: jnp.zeros([3]),
};
const xb = jnp.sin(jnp.arange(8 * 4).reshape([8, 4]));
const yb = jnp.cos(jnp.arange(8 * 3).reshape([8, 3]));

test("ort-web runs an MLP forward pass and its loss gradient, and caches one session per specialization", async () => {
  const forward = jit(mlp, { backend: "ort-web" });
  const step = jit(valueAndGrad(mse), { backend: "ort-web" });
  const used = await counted(async () => {
    assertSameTree(await forward.callAsync(params, xb), mlp(params, xb), "forward");
    assertSameTree(await step.callAsync(params, xb, yb), valueAndGrad(mse)(params, xb, yb), "loss and gradient");
    // the same signatures again: no new trace, no new session
    assertSameTree(await step.callAsync(params, xb, yb), valueAndGrad(mse)(params, xb, yb), "loss and gradient, again");
    // a new batch size is a new specialization
    assertSameTree(await forward.callAsync(params, xb.get("0:2")), mlp(params, xb.get("0:2")), "forward, batch 2");
  });
  assert.deepEqual(used, { sessions: 3, runs: 4 });
  assert.equal(step.traceCount, 1);
  assert.equal(forward.traceCount, 2);
});

test("ort-web runs a scan (an RNN) and its gradient", async () => {
  const rnn = (w: JArray, xs: JArray) =>
    lax.scan((h: JArray, x: JArray) => [jnp.tanh(h.matmul(w).add(x)), h.sum()], jnp.zeros([3]), xs)[1].sum();
  const w = jnp.arange(9).reshape([3, 3]).div(10);
  const xs = jnp.sin(jnp.arange(12).reshape([4, 3]));
  const used = await counted(async () => {
    assertSameTree(await jit(rnn, { backend: "ort-web" }).callAsync(w, xs), rnn(w, xs), "scan value");
    assertSameTree(await jit(grad(rnn), { backend: "ort-web" }).callAsync(w, xs), grad(rnn)(w, xs), "scan gradient");
  });
  assert.deepEqual(used, { sessions: 2, runs: 2 });
});

test("ort-web returns integer and boolean outputs exactly, in a pytree", async () => {
  const f = (x: JArray) => ({ pos: x.gt(0), twice: x.astype("int32").mul(2), sq: [x.mul(x)] });
  const x = jnp.array([-3, -2, -1, 0, 1, 2, 3], { dtype: "float32" });
  const got = await jit(f, { backend: "ort-web" }).callAsync(x);
  assertSameTree(got, f(x), "pytree");
  assert.deepEqual(Array.from(got.pos.dataSync()), [0, 0, 0, 0, 1, 1, 1]);
  assert.deepEqual(Array.from(got.twice.dataSync()), [-6, -4, -2, 0, 2, 4, 6]);
});

test("ort-web takes and gives float16 and bfloat16 arrays (raw bits in jaxts, float16 tensors in onnxruntime)", async () => {
  const f = (v: JArray) => [v.astype("float16").mul(2), jnp.tanh(v.astype("float16")), v.astype("bfloat16").add(1)];
  const g = (h: JArray, b: JArray) => h.astype("float32").add(b.astype("float32"));
  const x = jnp.linspace(-2, 2, 5);
  const [half, tanhHalf, brain] = f(x) as [JArray, JArray, JArray];
  const used = await counted(async () => {
    const got = await jit(f, { backend: "ort-web" }).callAsync(x);
    assertSameTree(got, [half, tanhHalf, brain], "16-bit outputs");
    assertSameTree(await jit(g, { backend: "ort-web" }).callAsync(got[0]!, got[2]!), g(half, brain), "16-bit inputs");
  });
  assert.deepEqual(used, { sessions: 2, runs: 2 });
});

test("ort-web reads an input that is a view into a larger buffer", async () => {
  const buffer = Float32Array.from({ length: 40 }, (_, i) => i);
  const x = ArrayImpl.of(buffer.subarray(7, 19), [3, 4], "float32");
  const got = await jit((v: JArray) => v.mul(2).sum(0), { backend: "ort-web" }).callAsync(x);
  assert.deepEqual(Array.from(got.dataSync()), [66, 72, 78, 84]);
});

test("callAsync stays on onnxruntime-node in Node, and small programs on the cpu engine", async () => {
  const heavy = (a: JArray, b: JArray) => jnp.tanh(a.matmul(b)).sum(0);
  const a = jnp.sin(jnp.arange(256 * 256).reshape([256, 256]));
  const b = jnp.cos(jnp.arange(256 * 256).reshape([256, 256])).div(16);
  const small = (x: JArray) => jnp.sin(x).mul(2);
  const used = await counted(async () => {
    assertSameTree(await jit(heavy).callAsync(a, b), heavy(a, b), "heavy, auto");
    assertSameTree(await jit(small).callAsync(xb), small(xb), "small, auto");
  });
  assert.deepEqual(used, { sessions: 0, runs: 0 });
});

test('a synchronous call of a jit(f, {backend: "ort-web"}) runs where "auto" would', async () => {
  const f = (x: JArray) => jnp.exp(x).sum();
  const used = await counted(async () => {
    assertSameTree(jit(f, { backend: "ort-web" })(xb), f(xb), "synchronous");
  });
  assert.deepEqual(used, { sessions: 0, runs: 0 });
});

test("callAsync under a transformation rejects, naming the fix", async () => {
  const inner = jit((x: JArray) => x.mul(3));
  let pending: Promise<unknown> | undefined;
  grad((x: JArray) => {
    pending = inner.callAsync(x);
    return x.sum();
  })(xb);
  await assert.rejects(pending!, /callAsync: called under a transformation .* call jit\(f\)\(\.\.\.\) there/);
});
