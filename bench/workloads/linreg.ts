// Workload 1: one gradient-descent step of the blog's 1-D linear regression on 100 points,
//   loss(b0, b1) = mean((y - (b0 + b1 * X)) ** 2);  b -= 0.1 * grad(loss)(b)
// in µs per step. Small steps like this are all dispatch: the figure says what a call costs.
import type { JaxArray } from "../../src/core/array.js";
import { grad, numpy as jnp } from "../../src/index.js";
import { type Contestant, measureCase, type Options, timeAsync, timeSync, type WorkloadResult } from "./harness.js";
import { isolated } from "./isolated.js";
import { jaxtsRows } from "./jaxts.js";
import { f32Const, JAXJS_NOTE, loadJaxJs, loadTf, ORT_NOTE, ortPeer, pyRows, THREADS, versionOf, withPython } from "./peers.js";

const N = 100;
const LR = 0.1;
const CHECK_STEPS = 50;
const xs = new Float32Array(N);
const ys = new Float32Array(N);
for (let i = 0; i < N; i++) {
  xs[i] = i / N;
  ys[i] = 3 * xs[i]! + 1 + 0.1 * Math.sin(i);
}

/** The baseline: the step by hand, float32 data, double arithmetic, the gradient in closed form. */
function handStep(b: Float32Array): Float32Array {
  const b0 = b[0]!;
  const b1 = b[1]!;
  let s0 = 0;
  let s1 = 0;
  for (let i = 0; i < N; i++) {
    const r = ys[i]! - (b0 + b1 * xs[i]!);
    s0 += r;
    s1 += r * xs[i]!;
  }
  const out = new Float32Array(2);
  out[0] = b0 + (LR * 2 * s0) / N;
  out[1] = b1 + (LR * 2 * s1) / N;
  return out;
}

function hand(): Contestant {
  let b: Float32Array = new Float32Array(2);
  return {
    name: "hand-written JS",
    threads: 1,
    time: (reps) => timeSync(() => (b = handStep(b)), reps),
    check() {
      let c: Float32Array = new Float32Array(2);
      for (let i = 0; i < CHECK_STEPS; i++) c = handStep(c);
      return [...c];
    },
  };
}

function jaxtsProgram() {
  const loss = (b0: JaxArray, b1: JaxArray, X: JaxArray, y: JaxArray) => jnp.mean(y.sub(b0.add(b1.mul(X))).pow(2));
  const g = grad(loss, { argnums: [0, 1] });
  const X = jnp.array(xs);
  const y = jnp.array(ys);
  const zero = () => jnp.zeros([], { dtype: "float32" });
  return {
    fn: (b0: JaxArray, b1: JaxArray, X: JaxArray, y: JaxArray) => {
      const [g0, g1] = g(b0, b1, X, y) as JaxArray[];
      return [b0.sub(g0!.mul(LR)), b1.sub(g1!.mul(LR))];
    },
    init: () => [zero(), zero(), X, y],
    next: (args: unknown[], out: JaxArray[]) => [out[0], out[1], args[2], args[3]],
    checkSteps: CHECK_STEPS,
    summary: (outs: JaxArray[][]) => outs.at(-1)!.map((b) => b.item() as number),
  };
}

/** @jax-js/jax: arrays are reference-counted (`.ref` keeps one alive) and work is lazy, so each step reads its result. */
export function jaxJs(jitted: boolean): Contestant {
  const name = jitted ? "@jax-js/jax jit" : "@jax-js/jax eager";
  let jax: any;
  let X: any;
  let y: any;
  let step: (b0: any, b1: any, X: any, y: any) => any[];
  let b: any[] = [];
  const run = (bs: any[]) => {
    const out = step(bs[0], bs[1], X.ref, y.ref);
    // reading a copy of each new parameter forces the step to run now
    for (const o of out) o.ref.dataSync();
    return out;
  };
  return {
    name,
    threads: 1,
    note: JAXJS_NOTE,
    setup() {
      jax = loadJaxJs();
      const np = jax.numpy;
      const loss = (b0: any, b1: any, X: any, y: any) => np.mean(np.square(y.sub(b0.add(b1.mul(X)))));
      const g = jax.grad(loss, { argnums: [0, 1] });
      const f = (b0: any, b1: any, X: any, y: any) => {
        const [g0, g1] = g(b0.ref, b1.ref, X, y);
        return [b0.sub(g0.mul(LR)), b1.sub(g1.mul(LR))];
      };
      step = jitted ? jax.jit(f) : f;
      X = np.array(xs);
      y = np.array(ys);
      b = [np.array(0), np.array(0)];
    },
    time: (reps) => timeSync(() => (b = run(b)), reps),
    check() {
      let c = [jax.numpy.array(0), jax.numpy.array(0)];
      for (let i = 0; i < CHECK_STEPS; i++) c = run(c);
      return c.map((v) => v.dataSync()[0]);
    },
  };
}

export function tfjs(): Contestant {
  let tf: any;
  let step: (b: any[]) => any[];
  let b: any[] = [];
  const advance = (bs: any[]) => {
    const out = step(bs);
    for (const v of bs) v.dispose();
    return out;
  };
  return {
    name: "tfjs (cpu)",
    threads: 1,
    note: `tfjs ${versionOf("@tensorflow/tfjs")} on its cpu backend (plain JS kernels; tfjs-node is not installed): tf.grads, eager, synchronous`,
    async setup() {
      tf = await loadTf("cpu");
      const X = tf.tensor1d(xs);
      const y = tf.tensor1d(ys);
      const grads = tf.grads((b0: any, b1: any) => tf.mean(tf.square(tf.sub(y, tf.add(b0, tf.mul(b1, X))))));
      step = (bs) =>
        tf.tidy(() => {
          const [g0, g1] = grads(bs);
          return [tf.sub(bs[0], tf.mul(g0, LR)), tf.sub(bs[1], tf.mul(g1, LR))];
        });
      b = [tf.scalar(0), tf.scalar(0)];
    },
    time: (reps) => timeSync(() => (b = advance(b)), reps),
    check() {
      let c = [tf.scalar(0), tf.scalar(0)];
      for (let i = 0; i < CHECK_STEPS; i++) c = advance(c);
      return c.map((v) => v.dataSync()[0]);
    },
  };
}

/** onnxruntime-node running the step as a hand-built graph: b0 + 0.2 * mean(r), b1 + 0.2 * mean(r * X), r = y - (b0 + b1 * X). */
export function ort(): Contestant {
  let peer: Awaited<ReturnType<typeof ortPeer>>;
  let b: Float32Array[] = [new Float32Array(1), new Float32Array(1)];
  const run = async (bs: Float32Array[]) => {
    const feeds = {
      b0: { data: bs[0]!, shape: [] },
      b1: { data: bs[1]!, shape: [] },
      X: { data: xs, shape: [N] },
      y: { data: ys, shape: [N] },
    };
    return peer.run(feeds);
  };
  const node = (opType: string, inputs: string[], output: string, attributes = {}) => ({
    opType,
    inputs,
    outputs: [output],
    name: output,
    attributes,
  });
  const scalar = { elemType: 1 as const, shape: [] };
  return {
    name: "onnxruntime-node (hand-built step graph)",
    threads: THREADS,
    note: ORT_NOTE,
    async setup() {
      const keep0 = { keepdims: { kind: "int" as const, value: 0 } };
      peer = await ortPeer({
        name: "linreg_step",
        nodes: [
          node("Mul", ["b1", "X"], "b1X"),
          node("Add", ["b0", "b1X"], "pred"),
          node("Sub", ["y", "pred"], "r"),
          node("ReduceMean", ["r"], "mr", keep0),
          node("Mul", ["r", "X"], "rX"),
          node("ReduceMean", ["rX"], "mrX", keep0),
          node("Mul", ["mr", "step"], "d0"),
          node("Mul", ["mrX", "step"], "d1"),
          node("Add", ["b0", "d0"], "b0_next"),
          node("Add", ["b1", "d1"], "b1_next"),
        ],
        initializers: [f32Const("step", [2 * LR])],
        inputs: [
          { name: "b0", ...scalar },
          { name: "b1", ...scalar },
          { name: "X", elemType: 1, shape: [N] },
          { name: "y", elemType: 1, shape: [N] },
        ],
        outputs: [
          { name: "b0_next", ...scalar },
          { name: "b1_next", ...scalar },
        ],
      });
    },
    time: (reps) => timeAsync(async () => void (b = await run(b)), reps),
    async check() {
      let c: Float32Array[] = [new Float32Array(1), new Float32Array(1)];
      for (let i = 0; i < CHECK_STEPS; i++) c = await run(c);
      return c.map((v) => v[0]!);
    },
  };
}

export async function linreg(opts: Options): Promise<WorkloadResult> {
  const [res, notes] = await withPython(async (numpy, jax) => {
    const inputs = { X: { data: xs, shape: [N] }, y: { data: ys, shape: [N] } };
    const params = { lr: LR, checkSteps: CHECK_STEPS };
    const contestants: Contestant[] = [
      hand(),
      ...(await jaxtsRows(jaxtsProgram(), { eager: true })),
      isolated(import.meta.url, jaxJs, true),
      isolated(import.meta.url, jaxJs, false),
      isolated(import.meta.url, tfjs),
      isolated(import.meta.url, ort),
      ...(await pyRows(numpy, "linreg", params, inputs, [{ name: "numpy (hand-written gradient)", threads: 1 }])),
      ...(await pyRows(jax, "linreg", params, inputs, [
        { name: "JAX jit", threads: 1 },
        { name: "JAX eager", threads: 1 },
      ])),
    ];
    return measureCase(
      { id: "linreg", label: "µs/step", unit: "µs/step", convert: (s) => s * 1e6, baselines: ["hand-written JS"], contestants, rtol: 1e-4 },
      opts,
      "linreg",
    );
  });
  return {
    id: "linreg",
    title: "One gradient-descent step, 1-D linear regression on 100 points (µs/step, lower is better)",
    unit: "µs/step",
    lowerIsBetter: true,
    cases: [res],
    notes: ["Each step's new parameters feed the next step; peers with lazy or asynchronous dispatch read them every step.", ...notes],
  };
}
