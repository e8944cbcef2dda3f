// Workload 2: jitted float32 matmul N×N for N = 256, 512, 1024, 2048, in GFLOP/s (2N³ flops
// per call). Contestants too slow for a size (extrapolated from the size before) are skipped.
import type { JaxArray } from "../../src/core/array.js";
import { numpy as jnp } from "../../src/index.js";
import {
  type CaseResult,
  type Contestant,
  fmt,
  measureCase,
  type Options,
  randomF32,
  summarize,
  timeAsync,
  timeSync,
  type WorkloadResult,
} from "./harness.js";
import { isolated } from "./isolated.js";
import { jaxtsRows } from "./jaxts.js";
import { JAXJS_NOTE, loadJaxJs, loadTf, ORT_NOTE, ortPeer, pyRows, THREADS, versionOf, withPython } from "./peers.js";

const SIZES = [256, 512, 1024, 2048];

export function ort(n: number, a: Float32Array, b: Float32Array): Contestant {
  let peer: Awaited<ReturnType<typeof ortPeer>>;
  const feeds = { A: { data: a, shape: [n, n] }, B: { data: b, shape: [n, n] } };
  return {
    name: "onnxruntime-node MatMul",
    threads: THREADS,
    note: ORT_NOTE,
    async setup() {
      const info = (name: string) => ({ name, elemType: 1 as const, shape: [n, n] });
      peer = await ortPeer({
        name: "matmul",
        nodes: [{ opType: "MatMul", inputs: ["A", "B"], outputs: ["C"], name: "C", attributes: {} }],
        initializers: [],
        inputs: [info("A"), info("B")],
        outputs: [info("C")],
      });
    },
    time: (reps) => timeAsync(async () => void (await peer.run(feeds)), reps),
    check: async () => summarize((await peer.run(feeds))[0]!),
  };
}

export function jaxJs(n: number, a: Float32Array, b: Float32Array): Contestant {
  let f: (a: any, b: any) => any;
  let A: any;
  let B: any;
  return {
    name: "@jax-js/jax jit",
    threads: 1,
    note: JAXJS_NOTE,
    setup() {
      const jax = loadJaxJs();
      const np = jax.numpy;
      f = jax.jit((x: any, y: any) => np.matmul(x, y));
      A = np.array(a).reshape([n, n]);
      B = np.array(b).reshape([n, n]);
    },
    time: (reps) =>
      timeAsync(async () => {
        const c = f(A.ref, B.ref);
        await c.blockUntilReady();
        c.dispose();
      }, reps),
    check: () => summarize(f(A.ref, B.ref).dataSync()),
  };
}

export function tfWasm(n: number, a: Float32Array, b: Float32Array): Contestant {
  let tf: any;
  let A: any;
  let B: any;
  return {
    name: "tfjs-backend-wasm",
    threads: 1,
    note: `tfjs-backend-wasm ${versionOf("@tensorflow/tfjs-backend-wasm")}: XNNPACK with SIMD, one thread (Node has no Web Worker for its threaded build); runs synchronously`,
    async setup() {
      tf = await loadTf("wasm");
      A = tf.tensor2d(a, [n, n]);
      B = tf.tensor2d(b, [n, n]);
    },
    time: (reps) => timeSync(() => tf.matMul(A, B).dispose(), reps),
    check() {
      const c = tf.matMul(A, B);
      const out = summarize(c.dataSync());
      c.dispose();
      return out;
    },
  };
}

export async function matmul(opts: Options): Promise<WorkloadResult> {
  const [cases, notes] = await withPython(async (numpy, jax) => {
    const cases: CaseResult[] = [];
    const last = new Map<string, { n: number; seconds: number }>();
    for (const n of SIZES) {
      const a = randomF32(n * n, 1);
      const b = randomF32(n * n, 2);
      const A = jnp.array(a).reshape([n, n]);
      const B = jnp.array(b).reshape([n, n]);
      const inputs = { a: { data: a, shape: [n, n] }, b: { data: b, shape: [n, n] } };
      const contestants: Contestant[] = [
        ...(await pyRows(numpy, "matmul", { n }, inputs, [{ name: "numpy", threads: THREADS }])),
        ...(await jaxtsRows({
          fn: (x: JaxArray, y: JaxArray) => jnp.matmul(x, y),
          init: () => [A, B],
          checkSteps: 1,
          summary: (outs: JaxArray[]) => summarize(outs[0]!.dataSync()),
        })),
        isolated(import.meta.url, ort, n, a, b),
        isolated(import.meta.url, jaxJs, n, a, b),
        isolated(import.meta.url, tfWasm, n, a, b),
        ...(await pyRows(jax, "matmul", { n }, inputs, [{ name: "JAX jit", threads: THREADS }])),
      ];
      const skip = new Map<string, string>();
      const estimate = new Map<string, number>();
      for (const [name, prev] of last) {
        const est = prev.seconds * (n / prev.n) ** 3;
        estimate.set(name, est);
        if (est > opts.maxCallSeconds)
          skip.set(name, `skipped: ~${fmt(est)} s per call (extrapolated from N=${prev.n}; the limit is ${opts.maxCallSeconds} s)`);
      }
      const flops = 2 * n ** 3;
      const res = await measureCase(
        {
          id: `matmul-${n}`,
          label: `N=${n}`,
          unit: "GFLOP/s",
          convert: (s) => flops / s / 1e9,
          baselines: ["numpy", "onnxruntime-node MatMul", "jaxts jit"],
          contestants,
          skip,
        },
        opts,
        `matmul N=${n}`,
      );
      // a skipped contestant carries its estimate on, so the next size skips it too
      for (const m of res.results) {
        if (m.status === "ok") last.set(m.name, { n, seconds: m.seconds! });
        else if (m.status === "skipped") last.set(m.name, { n, seconds: estimate.get(m.name)! });
      }
      cases.push(res);
    }
    return cases;
  });
  return {
    id: "matmul",
    title: "Jitted float32 matmul N×N (GFLOP/s, higher is better)",
    unit: "GFLOP/s",
    lowerIsBetter: false,
    cases,
    notes: [
      "Inputs: uniform in [-1, 1), the same bytes for every contestant; each call returns a fresh N×N result (asynchronous peers are awaited).",
      ...notes,
    ],
  };
}
