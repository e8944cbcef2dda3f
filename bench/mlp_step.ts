// One training step of a 2-layer MLP (batch 256, 784 -> 256 -> 10, relu, softmax cross
// entropy, Adam lr 1e-3), median ms per step:
//   - jaxts, the whole jitted step compiled to one onnxruntime session (the ort backend);
//   - jaxts, jit() as wired now (the cpu engine);
//   - peers when installed under PEERS (a directory with node_modules): @jax-js/jax (jit, wasm)
//     and @tensorflow/tfjs with tfjs-backend-wasm (tf.train.adam).
// Every step reads its loss back, so lazy runtimes finish the step inside the timing.
// Run: npx tsc -p . && PEERS=/path/to/peers node dist/bench/mlp_step.js (STEPS=20, ORT_THREADS=cores)
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compileOrt, configureOrt } from "../src/backends/ort/session.js";
import type { ArrayImpl } from "../src/core/array.js";
import type { Array as JArray } from "../src/index.js";
import { jit, numpy as jnp, nn, tree, valueAndGrad } from "../src/index.js";
import * as optax from "../src/optax/index.js";

const B = 256;
const D = 784;
const H = 256;
const C = 10;
const LR = 1e-3;
const STEPS = Number(process.env.STEPS ?? 20);
if (process.env.ORT_THREADS) configureOrt({ intraOpNumThreads: Number(process.env.ORT_THREADS) });

function randn(n: number, scale: number, seed: number): Float32Array {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  return Float32Array.from({ length: n }, () => (next() + next() + next()) * scale);
}
const xData = randn(B * D, 0.5, 1);
const labels = Int32Array.from({ length: B }, (_, i) => (i * 7919) % C);
const init = { w1: randn(D * H, 0.05, 2), b1: new Float32Array(H), w2: randn(H * C, 0.1, 3), b2: new Float32Array(C) };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median ms per step over STEPS steps after two warm-up steps. */
async function msPerStep(step: () => number | Promise<number>): Promise<{ ms: number; loss: number }> {
  await step();
  await step();
  const ts: number[] = [];
  let loss = 0;
  for (let i = 0; i < STEPS; i++) {
    const t0 = process.hrtime.bigint();
    loss = await step();
    ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(ts), loss };
}

// ---- jaxts ----
interface Params {
  w1: JArray;
  b1: JArray;
  w2: JArray;
  b2: JArray;
}
function lossFn(p: Params, x: JArray, y: JArray): JArray {
  const logits = nn.relu(x.matmul(p.w1).add(p.b1)).matmul(p.w2).add(p.b2);
  return jnp.mean(jnp.sum(nn.logSoftmax(logits).mul(y), -1)).neg();
}
const opt = optax.adam(LR);
function trainStep(p: Params, s: unknown, x: JArray, y: JArray): [JArray, Params, unknown] {
  const [loss, g] = valueAndGrad(lossFn)(p, x, y);
  const [updates, next] = opt.update(g, s, p);
  return [loss, optax.applyUpdates(p, updates) as Params, next];
}

function jaxtsParams(): Params {
  const a = (d: Float32Array, shape: number[]) => jnp.array(d, { dtype: "float32" }).reshape(shape);
  return { w1: a(init.w1, [D, H]), b1: a(init.b1, [H]), w2: a(init.w2, [H, C]), b2: a(init.b2, [C]) };
}
const x = jnp.array(xData, { dtype: "float32" }).reshape([B, D]);
const y = nn.oneHot(jnp.array(labels, { dtype: "int32" }), C);

async function jaxtsOrt() {
  const p = jaxtsParams();
  const s = opt.init(p);
  const run = compileOrt(jit(trainStep).lower(p, s, x, y));
  // inputs: the leaves of (params, state, x, y); outputs: loss, then the new params and state
  let carry = tree.leaves([p, s]) as ArrayImpl[];
  return msPerStep(() => {
    const [loss, ...next] = run([...carry, x, y] as ArrayImpl[]);
    carry = next;
    return loss!.item() as number;
  });
}

async function jaxtsJit() {
  let p = jaxtsParams();
  let s = opt.init(p);
  const step = jit(trainStep);
  return msPerStep(() => {
    const [loss, np, ns] = step(p, s, x, y);
    p = np;
    s = ns;
    return loss.item() as number;
  });
}

// ---- peers ----
async function jaxJs(peers: string) {
  const jax = await import(pathToFileURL(createRequire(join(peers, "x.js")).resolve("@jax-js/jax")).href);
  const np = jax.numpy;
  const arr = (d: Float32Array, shape: number[]) => np.array(d).reshape(shape);
  let p = { w1: arr(init.w1, [D, H]), b1: arr(init.b1, [H]), w2: arr(init.w2, [H, C]), b2: arr(init.b2, [C]) };
  const zeros = () => jax.tree.map((v: any) => np.zerosLike(v.ref), p);
  let m = zeros();
  let v = zeros();
  const xj = arr(xData, [B, D]);
  const yj = jax.nn.oneHot(np.array(labels, { dtype: np.int32 }), C);
  // jax-js moves arguments into functions: every reuse takes a .ref
  const loss = (p: any, x: any, y: any) => {
    const h = jax.nn.relu(np.matmul(x, p.w1).add(p.b1));
    const logits = np.matmul(h, p.w2).add(p.b2);
    return np.mean(np.sum(jax.nn.logSoftmax(logits).mul(y), -1)).neg();
  };
  const step = jax.jit((p: any, m: any, v: any, t: any, x: any, y: any) => {
    const [l, g] = jax.valueAndGrad(loss)(
      jax.tree.map((a: any) => a.ref, p),
      x,
      y,
    );
    const b1 = 0.9;
    const b2 = 0.999;
    const mt = jax.tree.map(
      (mi: any, gi: any) => mi.mul(b1).add(gi.ref.mul(1 - b1)),
      m,
      jax.tree.map((a: any) => a.ref, g),
    );
    const vt = jax.tree.map((vi: any, gi: any) => vi.mul(b2).add(gi.ref.mul(gi).mul(1 - b2)), v, g);
    const c1 = np.power(b1, t.ref).neg().add(1);
    const c2 = np.power(b2, t).neg().add(1);
    const pt = jax.tree.map(
      (pi: any, mi: any, vi: any) =>
        pi.sub(
          mi
            .div(c1.ref)
            .mul(LR)
            .div(np.sqrt(vi.div(c2.ref)).add(1e-8)),
        ),
      p,
      jax.tree.map((a: any) => a.ref, mt),
      jax.tree.map((a: any) => a.ref, vt),
    );
    c1.dispose();
    c2.dispose();
    return [l, pt, mt, vt];
  });
  let t = 0;
  return msPerStep(async () => {
    t++;
    const [l, pn, mn, vn] = step(p, m, v, np.array(t, { dtype: np.float32 }), xj.ref, yj.ref);
    p = pn;
    m = mn;
    v = vn;
    return ((await l.data()) as Float32Array)[0]!;
  });
}

async function tfjs(peers: string) {
  const req = createRequire(join(peers, "x.js"));
  const tf = req("@tensorflow/tfjs");
  let backend = "cpu";
  try {
    req("@tensorflow/tfjs-backend-wasm");
    if (await tf.setBackend("wasm")) backend = "wasm";
  } catch {
    await tf.setBackend("cpu");
  }
  await tf.ready();
  const w1 = tf.variable(tf.tensor2d(init.w1, [D, H]));
  const b1 = tf.variable(tf.tensor1d(init.b1));
  const w2 = tf.variable(tf.tensor2d(init.w2, [H, C]));
  const b2 = tf.variable(tf.tensor1d(init.b2));
  const xt = tf.tensor2d(xData, [B, D]);
  const yt = tf.cast(tf.oneHot(tf.tensor1d(labels, "int32"), C), "float32");
  const adam = tf.train.adam(LR);
  const res = await msPerStep(() => {
    const l = adam.minimize(() => {
      const logits = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(xt, w1), b1)), w2), b2);
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), yt), -1)));
    }, true);
    const v = l.dataSync()[0];
    l.dispose();
    return v;
  });
  return { ...res, backend };
}

console.log(`MLP training step, batch ${B}, ${D}->${H}->${C}, Adam; ${availableParallelism()} cores; median ms/step over ${STEPS} steps`);
const show = (name: string, r: { ms: number; loss: number }) =>
  console.log(`  ${name.padEnd(34)} ${r.ms.toFixed(2).padStart(8)}   (loss ${r.loss.toFixed(4)})`);
show("jaxts jit, ort backend", await jaxtsOrt());
show("jaxts jit, cpu engine", await jaxtsJit());
const peers = process.env.PEERS;
if (peers) {
  show("@jax-js/jax jit (wasm)", await jaxJs(peers));
  const t = await tfjs(peers);
  show(`tfjs (${t.backend})`, t);
} else
  console.log("  (set PEERS to a directory with @jax-js/jax, @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm installed to compare)");
