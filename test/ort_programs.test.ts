// The ort backend on whole programs: an MLP training step (forward, grad, Adam), the blog's
// regression step, convolutions and pooling with their gradients, loops and branches,
// random bits, checkpoint and custom derivatives; and exportOnnx, whose model loads in
// onnxruntime-node's ordinary (async) API and computes the same outputs.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { exportOnnx, writeOnnx } from "../src/backends/ort/export.js";
import type { Array as JArray } from "../src/index.js";
import { checkpoint, customJvp, grad, numpy as jnp, lax, nn, random, valueAndGrad } from "../src/index.js";
import * as optax from "../src/optax/index.js";
import { checkOrt, requireOrt } from "./ort_helpers.js";

requireOrt();

/** Deterministic pseudo-random floats in [-scale, scale). */
function det(shape: number[], seed: number, scale = 1): JArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, (_, i) => ((Math.sin(seed * 7919 + i * 104729) * 43758.5453) % 1) * scale);
  return jnp.array(data, { dtype: "float32" }).reshape(shape);
}

interface Mlp {
  w1: JArray;
  b1: JArray;
  w2: JArray;
  b2: JArray;
}
const mlpParams = (): Mlp => ({ w1: det([24, 16], 1, 0.3), b1: det([16], 2, 0.1), w2: det([16, 10], 3, 0.3), b2: det([10], 4, 0.1) });
const mlpLoss = (p: Mlp, x: JArray, y: JArray): JArray => {
  const h = nn.relu(x.matmul(p.w1).add(p.b1));
  const logits = h.matmul(p.w2).add(p.b2);
  return jnp.mean(jnp.sum(nn.logSoftmax(logits).mul(y), -1)).neg();
};

test("MLP: forward, gradient and an Adam training step", () => {
  const x = det([32, 24], 5);
  const labels = Array.from({ length: 32 }, (_, i) => (i * 7) % 10);
  const y = nn.oneHot(jnp.array(labels, { dtype: "int32" }), 10);
  checkOrt((p: Mlp, x: JArray, y: JArray) => [mlpLoss(p, x, y), grad(mlpLoss)(p, x, y)], [mlpParams(), x, y]);
  const opt = optax.adam(1e-2);
  const step = (p: Mlp, s: unknown, x: JArray, y: JArray) => {
    const [loss, g] = valueAndGrad(mlpLoss)(p, x, y);
    const [updates, next] = opt.update(g, s, p);
    return [loss, optax.applyUpdates(p, updates), next];
  };
  const p = mlpParams();
  checkOrt(step, [p, opt.init(p), x, y]);
});

test("the blog's linear regression step", () => {
  const X = det([100], 6);
  const Y = X.mul(3).add(1);
  const loss = (b0: JArray, b1: JArray) => jnp.mean(Y.sub(b0.add(b1.mul(X))).pow(2));
  const step = (b0: JArray, b1: JArray) => {
    const [g0, g1] = grad(loss, { argnums: [0, 1] })(b0, b1) as JArray[];
    return [b0.sub(g0!.mul(0.1)), b1.sub(g1!.mul(0.1))];
  };
  checkOrt(step, [jnp.array(0.5, { dtype: "float32" }), jnp.array(-0.25, { dtype: "float32" })]);
});

test("convolution (strides, padding, dilation, groups) and pooling, with gradients", () => {
  const x = det([2, 4, 9, 8], 7);
  const w = det([6, 2, 3, 3], 8, 0.5);
  const conv = (x: JArray, w: JArray) => lax.convGeneralDilated(x, w, [2, 1], "SAME", { rhsDilation: [1, 2], featureGroupCount: 2 });
  const pool = (x: JArray) => lax.reduceWindow(x, Number.NEGATIVE_INFINITY, lax.max, [1, 1, 2, 2], [1, 1, 2, 2], "VALID");
  const loss = (x: JArray, w: JArray) => jnp.sum(jnp.tanh(pool(conv(x, w))));
  checkOrt((x: JArray, w: JArray) => [conv(x, w), pool(x), loss(x, w), grad(loss, { argnums: [0, 1] })(x, w)], [x, w], {
    rtol: 1e-5,
    atol: 1e-5,
  });
});

test("scan (forward and reverse), fori loops, while loops, switch; grad through scan", () => {
  const xs = det([6, 3], 9);
  const c0 = det([3], 10);
  const body = (c: JArray, x: JArray): [JArray, JArray] => {
    const n = jnp.tanh(c.mul(x).add(x));
    return [n, n.sum()];
  };
  const scanned = (c: JArray, xs: JArray, reverse: boolean) => lax.scan(body, c, xs, { reverse });
  checkOrt(
    (c: JArray, xs: JArray) => [scanned(c, xs, false), scanned(c, xs, true), grad((c: JArray) => jnp.sum(scanned(c, xs, false)[1]))(c)],
    [c0, xs],
  );
  checkOrt(
    (c: JArray, n: JArray) => [
      lax.foriLoop(0, 5, (i: JArray, v: JArray) => v.mul(1.5).add(i.astype("float32")), c),
      lax.whileLoop(
        (s: [JArray, JArray]) => jnp.sum(s[0]).lt(n),
        (s: [JArray, JArray]) => [s[0].mul(2).add(1), s[1].add(1)],
        [jnp.abs(c), jnp.array(0, { dtype: "int32" })],
      ),
    ],
    [c0, jnp.array(100, { dtype: "float32" })],
  );
  for (const i of [-1, 0, 1, 2, 5]) {
    const branches = [(v: JArray) => v.add(1), (v: JArray) => jnp.sin(v), (v: JArray) => v.mul(v).sub(c0)];
    checkOrt((i: JArray, v: JArray) => lax.switch(i, branches, v), [jnp.array(i, { dtype: "int32" }), c0]);
  }
  checkOrt(
    (p: JArray, v: JArray) =>
      lax.cond(
        p,
        (v: JArray) => v.exp(),
        (v: JArray) => v.neg(),
        v,
      ),
    [jnp.array(true), c0],
  );
});

test("nested control flow: a switch and a while loop inside a scan body", () => {
  const xs = det([5, 4], 13);
  const body = (c: JArray, x: JArray): [JArray, JArray] => {
    const k = lax.convertElementType(lax.rem(jnp.sum(c).abs().mul(3), jnp.array(3, { dtype: "float32" })), "int32");
    const picked = lax.switch(k, [(v: JArray) => v.add(x), (v: JArray) => v.mul(x), (v: JArray) => jnp.cos(v)], c);
    const [halved] = lax.whileLoop(
      (s: [JArray]) => jnp.max(jnp.abs(s[0])).gt(1),
      (s: [JArray]) => [s[0].mul(0.5)],
      [picked],
    );
    return [halved, k];
  };
  checkOrt((c: JArray, xs: JArray) => lax.scan(body, c, xs), [det([4], 14, 3), xs]);
});

test("outputs that are inputs, constants, literals or repeats", () => {
  const w = det([3], 15);
  checkOrt(
    (x: JArray) => {
      const y = x.mul(2);
      return [x, y, y, w, jnp.array(7, { dtype: "int32" }), lax.stopGradient(x)];
    },
    [det([3], 16)],
  );
});

test("random: threefry bits, split keys and float32 uniforms (a correctly rounded fma) are exact", () => {
  const key = random.key(42);
  const got = checkOrt(
    (k: JArray) => [
      random.split(k, 3),
      random.bits(k, [4, 5]),
      random.uniform(k, [1000]),
      random.uniform(k, [3, 7], { minval: -2, maxval: 5 }),
    ],
    [key],
  );
  assert.equal(got[1]!.dtype, "uint32");
});

test("checkpoint and custom derivatives run their forward body", () => {
  const softplus = customJvp((x: JArray) => jnp.log1p(jnp.exp(x)));
  softplus.defjvp(([x]: JArray[], [t]: JArray[]) => [softplus(x!), t!.mul(nn.sigmoid(x!))]);
  const f = (x: JArray) => jnp.sum(checkpoint((v: JArray) => jnp.sin(v).mul(softplus(v)))(x));
  checkOrt((x: JArray) => [f(x), grad(f)(x)], [det([7], 11)]);
});

test("exportOnnx: the model loads in onnxruntime-node's async API and computes the same outputs", async () => {
  const ort = await import("onnxruntime-node");
  const p = mlpParams();
  const forward = (x: JArray) => nn.softmax(nn.relu(x.matmul(p.w1).add(p.b1)).matmul(p.w2).add(p.b2));
  const x = det([5, 24], 12);
  const bytes = exportOnnx((x: JArray) => [forward(x), jnp.argmax(forward(x), -1)], x);
  const session = await ort.InferenceSession.create(bytes);
  assert.deepEqual(session.inputNames, ["input_0"]);
  assert.deepEqual(session.outputNames, ["output_0", "output_1"]);
  const res = await session.run({ input_0: new ort.Tensor("float32", x.dataSync() as Float32Array, [5, 24]) });
  const want = forward(x).dataSync();
  const probs = res.output_0!.data as Float32Array;
  assert.deepEqual(res.output_0!.dims, [5, 10]);
  probs.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-6, `probability ${i}: ${v} vs ${want[i]}`));
  assert.deepEqual(Array.from(res.output_1!.data as Int32Array), jnp.argmax(forward(x), -1).tolist());

  const dir = mkdtempSync(join(tmpdir(), "jaxts-onnx-"));
  try {
    const path = join(dir, "forward.onnx");
    writeOnnx(path, forward, x);
    const fromFile = await ort.InferenceSession.create(path);
    const r2 = await fromFile.run({ input_0: new ort.Tensor("float32", x.dataSync() as Float32Array, [5, 24]) });
    assert.deepEqual(Array.from(r2.output_0!.data as Float32Array), Array.from(probs));
  } finally {
    rmSync(dir, { recursive: true });
  }
});
