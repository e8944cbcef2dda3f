// Workload 3: jitted y = tanh(x) * 2 + 1 over 10M float32 values, in GB/s of input
// (40 MB / time per call), the figure BENCHMARKS.md quotes. Memory-bound: every call
// writes a fresh 40 MB output.
import type { JaxArray } from "../../src/core/array.js";
import { numpy as jnp } from "../../src/index.js";
import { type Contestant, measureCase, type Options, summarize, timeAsync, timeSync, type WorkloadResult } from "./harness.js";
import { isolated } from "./isolated.js";
import { jaxtsRows } from "./jaxts.js";
import { f32Const, JAXJS_NOTE, loadJaxJs, ORT_NOTE, ortPeer, pyRows, THREADS, withPython } from "./peers.js";

const N = 10_000_000;

function naive(x: Float32Array): Contestant {
  const f = () => {
    const out = new Float32Array(N);
    for (let i = 0; i < N; i++) out[i] = Math.tanh(x[i]!) * 2 + 1;
    return out;
  };
  return { name: "naive JS loop (Math.tanh)", threads: 1, time: (reps) => timeSync(f, reps), check: () => summarize(f()) };
}

export function ort(x: Float32Array): Contestant {
  let peer: Awaited<ReturnType<typeof ortPeer>>;
  const feeds = { x: { data: x, shape: [N] } };
  const node = (opType: string, inputs: string[], output: string) => ({ opType, inputs, outputs: [output], name: output, attributes: {} });
  return {
    name: "onnxruntime-node (Tanh, Mul, Add graph)",
    threads: THREADS,
    note: ORT_NOTE,
    async setup() {
      peer = await ortPeer({
        name: "tanh2p1",
        nodes: [node("Tanh", ["x"], "t"), node("Mul", ["t", "two"], "t2"), node("Add", ["t2", "one"], "y")],
        initializers: [f32Const("two", [2]), f32Const("one", [1])],
        inputs: [{ name: "x", elemType: 1, shape: [N] }],
        outputs: [{ name: "y", elemType: 1, shape: [N] }],
      });
    },
    time: (reps) => timeAsync(async () => void (await peer.run(feeds)), reps),
    check: async () => summarize((await peer.run(feeds))[0]!),
  };
}

export function jaxJs(x: Float32Array): Contestant {
  let f: (x: any) => any;
  let X: any;
  return {
    name: "@jax-js/jax jit",
    threads: 1,
    note: JAXJS_NOTE,
    setup() {
      const jax = loadJaxJs();
      const np = jax.numpy;
      f = jax.jit((v: any) => np.tanh(v).mul(2).add(1));
      X = np.array(x);
    },
    time: (reps) =>
      timeAsync(async () => {
        const y = f(X.ref);
        await y.blockUntilReady();
        y.dispose();
      }, reps),
    check: () => summarize(f(X.ref).dataSync()),
  };
}

export async function tanh(opts: Options): Promise<WorkloadResult> {
  const xs = new Float32Array(N);
  for (let i = 0; i < N; i++) xs[i] = Math.sin(i * 0.37) * 3;
  const [res, notes] = await withPython(async (numpy, jax) => {
    const inputs = { x: { data: xs, shape: [N] } };
    const X = jnp.array(xs);
    const contestants: Contestant[] = [
      naive(xs),
      ...(await jaxtsRows({
        fn: (x: JaxArray) => jnp.tanh(x).mul(2).add(1),
        init: () => [X],
        checkSteps: 1,
        summary: (outs: JaxArray[]) => summarize(outs[0]!.dataSync()),
      })),
      ...(await pyRows(numpy, "tanh", {}, inputs, [{ name: "numpy expression", threads: 1 }])),
      ...(await pyRows(jax, "tanh", {}, inputs, [{ name: "JAX jit", threads: THREADS }])),
      isolated(import.meta.url, jaxJs, xs),
      isolated(import.meta.url, ort, xs),
    ];
    return measureCase(
      {
        id: "tanh",
        label: "GB/s",
        unit: "GB/s",
        convert: (s) => (N * 4) / s / 1e9,
        baselines: ["naive JS loop (Math.tanh)"],
        contestants,
      },
      opts,
      "tanh",
    );
  });
  return {
    id: "tanh",
    title: "Jitted tanh(x) * 2 + 1 over 10M float32 (GB/s of input, higher is better)",
    unit: "GB/s",
    lowerIsBetter: false,
    cases: [res],
    notes: ["Every call returns a fresh 40 MB array; x = 3 sin(0.37 i).", ...notes],
  };
}
