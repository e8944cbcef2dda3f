// Workload 4: one training step of a 2-layer MLP under jit: batch 256, 784 → 256 (relu) →
// 10, softmax cross-entropy, Adam (lr 1e-3, b1 0.9, b2 0.999, eps 1e-8); ms per step. Each
// step returns its loss, which every contestant reads (that also forces lazy peers to run).
import type { JaxArray } from "../../src/core/array.js";
import { numpy as jnp, nn, valueAndGrad } from "../../src/index.js";
import * as optax from "../../src/optax/index.js";
import { type Contestant, measureCase, type Options, randomF32, timeAsync, type WorkloadResult } from "./harness.js";
import { isolated } from "./isolated.js";
import { jaxtsRows } from "./jaxts.js";
import { JAXJS_NOTE, loadJaxJs, loadTf, pyRows, THREADS, versionOf, withPython } from "./peers.js";

const B = 256;
const D = 784;
const H = 256;
const C = 10;
const LR = 1e-3;
const CHECK_STEPS = 3;

/** Glorot-uniform weights, zero biases, inputs in [-1, 1), one-hot labels: the same bytes for everyone. */
function data() {
  const scaled = (n: number, seed: number, fanIn: number, fanOut: number) =>
    randomF32(n, seed).map((v) => v * Math.sqrt(6 / (fanIn + fanOut)));
  const y = new Float32Array(B * C);
  for (let i = 0; i < B; i++) y[i * C + ((i * 7 + 3) % C)] = 1;
  return {
    x: { data: randomF32(B * D, 11), shape: [B, D] },
    y: { data: y, shape: [B, C] },
    w1: { data: scaled(D * H, 12, D, H), shape: [D, H] },
    b1: { data: new Float32Array(H), shape: [H] },
    w2: { data: scaled(H * C, 13, H, C), shape: [H, C] },
    b2: { data: new Float32Array(C), shape: [C] },
  };
}
type Data = ReturnType<typeof data>;
const PARAMS = ["w1", "b1", "w2", "b2"] as const;

function jaxtsProgram(d: Data) {
  type P = Record<(typeof PARAMS)[number], JaxArray>;
  const arr = (v: { data: Float32Array; shape: number[] }) => jnp.array(v.data).reshape(v.shape);
  const params0 = Object.fromEntries(PARAMS.map((k) => [k, arr(d[k])])) as P;
  const X = arr(d.x);
  const Y = arr(d.y);
  const loss = (p: P, x: JaxArray, y: JaxArray) => {
    const h = nn.relu(x.matmul(p.w1).add(p.b1));
    const logits = h.matmul(p.w2).add(p.b2);
    return jnp.mean(jnp.sum(y.mul(nn.logSoftmax(logits, -1)), -1)).neg();
  };
  const opt = optax.adam(LR);
  const vg = valueAndGrad(loss);
  return {
    fn: (p: P, state: unknown, x: JaxArray, y: JaxArray) => {
      const [l, g] = vg(p, x, y) as [JaxArray, P];
      const [updates, next] = opt.update(g, state as any, p);
      return [optax.applyUpdates(p, updates), next, l];
    },
    init: () => [params0, opt.init(params0), X, Y],
    next: (args: unknown[], out: unknown[]) => [out[0], out[1], args[2], args[3]],
    checkSteps: CHECK_STEPS,
    summary: (outs: unknown[][]) => outs.map((o) => (o[2] as JaxArray).item() as number),
  };
}

/** @jax-js/jax: Adam by hand (its optax is a separate package); `.ref` keeps an array alive past a call that consumes it. */
export function jaxJs(d: Data): Contestant {
  let jax: any;
  let step: (...args: any[]) => any[];
  let X: any;
  let Y: any;
  let fresh: () => any[];
  let state: any[] = [];
  const run = async (s: any[]) => {
    const [p, m, v, t, loss] = step(s[0], s[1], s[2], s[3], X.ref, Y.ref);
    const value = loss.dataSync()[0];
    await jax.blockUntilReady([p, m, v, t]);
    return { next: [p, m, v, t], value };
  };
  return {
    name: "@jax-js/jax jit (hand-written Adam)",
    threads: 1,
    note: JAXJS_NOTE,
    setup() {
      jax = loadJaxJs();
      const { numpy: np, nn: jnn, tree } = jax;
      const arr = (v: { data: Float32Array; shape: number[] }) => np.array(v.data).reshape(v.shape);
      const loss = (p: any, x: any, y: any) => {
        const h = jnn.relu(np.matmul(x, p.w1).add(p.b1));
        const logits = np.matmul(h, p.w2).add(p.b2);
        return np.mean(np.sum(y.mul(jnn.logSoftmax(logits, -1)), -1)).neg();
      };
      const vg = jax.valueAndGrad(loss);
      step = jax.jit((p: any, m: any, v: any, t: any, x: any, y: any) => {
        const [l, g] = vg(tree.ref(p), x, y);
        const t1 = t.add(1);
        const c1 = np.subtract(1, np.power(0.9, t1.ref));
        const c2 = np.subtract(1, np.power(0.999, t1.ref));
        const [p2, m2, v2]: any[] = [{}, {}, {}];
        for (const k of PARAMS) {
          m2[k] = m[k].mul(0.9).add(g[k].ref.mul(0.1));
          v2[k] = v[k].mul(0.999).add(g[k].ref.mul(g[k]).mul(0.001));
          const mhat = m2[k].ref.div(c1.ref);
          const vhat = v2[k].ref.div(c2.ref);
          p2[k] = p[k].sub(mhat.mul(LR).div(np.sqrt(vhat).add(1e-8)));
        }
        c1.dispose();
        c2.dispose();
        return [p2, m2, v2, t1, l];
      });
      X = arr(d.x);
      Y = arr(d.y);
      fresh = () => {
        const p = Object.fromEntries(PARAMS.map((k) => [k, arr(d[k])]));
        const zeros = () => Object.fromEntries(PARAMS.map((k) => [k, np.zeros(d[k].shape)]));
        return [p, zeros(), zeros(), np.array(0)];
      };
      state = fresh();
    },
    time: (reps) => timeAsync(async () => void (state = (await run(state)).next), reps),
    async check() {
      let s = fresh();
      const losses: number[] = [];
      for (let i = 0; i < CHECK_STEPS; i++) {
        const r = await run(s);
        losses.push(r.value);
        s = r.next;
      }
      jax.tree.dispose(s);
      return losses;
    },
  };
}

/** TensorFlow.js on its wasm backend, the idiomatic way: variables and tf.train.adam's minimize (eager; tfjs has no jit). */
export function tfjs(d: Data): Contestant {
  let tf: any;
  let X: any;
  let Y: any;
  let trainer: { step: () => number; dispose: () => void };
  const make = () => {
    const vars = Object.fromEntries(PARAMS.map((k) => [k, tf.variable(tf.tensor(d[k].data, d[k].shape))]));
    const opt = tf.train.adam(LR, 0.9, 0.999, 1e-8);
    const lossFn = () => {
      const h = tf.relu(tf.add(tf.matMul(X, vars.w1), vars.b1));
      const logits = tf.add(tf.matMul(h, vars.w2), vars.b2);
      return tf.neg(tf.mean(tf.sum(tf.mul(Y, tf.logSoftmax(logits)), -1)));
    };
    return {
      step() {
        const l = opt.minimize(lossFn, true, Object.values(vars));
        const value = l.dataSync()[0];
        l.dispose();
        return value;
      },
      dispose() {
        opt.dispose();
        for (const v of Object.values(vars)) (v as any).dispose();
      },
    };
  };
  return {
    name: "tfjs-backend-wasm (tf.train.adam)",
    threads: 1,
    note: `tfjs-backend-wasm ${versionOf("@tensorflow/tfjs-backend-wasm")}: XNNPACK with SIMD, one thread (Node has no Web Worker for its threaded build); runs synchronously`,
    async setup() {
      tf = await loadTf("wasm");
      X = tf.tensor(d.x.data, d.x.shape);
      Y = tf.tensor(d.y.data, d.y.shape);
      trainer = make();
    },
    time: (reps) => timeAsync(async () => void trainer.step(), reps),
    check() {
      const t = make();
      const losses = Array.from({ length: CHECK_STEPS }, () => t.step());
      t.dispose();
      return losses;
    },
  };
}

export async function mlp(opts: Options): Promise<WorkloadResult> {
  const d = data();
  const [res, notes] = await withPython(async (numpy, jax) => {
    const params = { lr: LR, checkSteps: CHECK_STEPS };
    const contestants: Contestant[] = [
      ...(await pyRows(numpy, "mlp", params, d, [{ name: "numpy (hand-written backprop + Adam)", threads: THREADS }])),
      ...(await jaxtsRows(jaxtsProgram(d), { note: "jaxts: valueAndGrad + jaxts/optax adam, the whole step under jit" })),
      isolated(import.meta.url, jaxJs, d),
      isolated(import.meta.url, tfjs, d),
      ...(await pyRows(jax, "mlp", params, d, [{ name: "JAX jit (optax.adam)", threads: THREADS }])),
    ];
    return measureCase(
      {
        id: "mlp",
        label: "ms/step",
        unit: "ms/step",
        convert: (s) => s * 1e3,
        baselines: ["numpy (hand-written backprop + Adam)", "JAX jit (optax.adam)"],
        contestants,
      },
      opts,
      "mlp",
    );
  });
  return {
    id: "mlp",
    title: "MLP training step: batch 256, 784→256→10, softmax cross-entropy, Adam (ms/step, lower is better)",
    unit: "ms/step",
    lowerIsBetter: true,
    cases: [res],
    notes: [
      "The check compares the losses of the first 3 steps from the same initial parameters; numpy's BLAS and JAX's XLA use every core.",
      ...notes,
    ],
  };
}
