// Loading the peers jaxts is compared with. JavaScript peers live in bench/peers (installed
// on demand by bench/run.ts, never by the root install); onnxruntime-node is the root's
// optional dependency; Python peers run as servers (bench/python/*.py) for the whole
// workload, so their rounds interleave with the JavaScript contestants'.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { encodeModel, type GraphProto, OnnxType, type TensorProto } from "../../src/backends/ort/onnx_proto.js";
import { type Contestant, errorText, unavailable } from "./harness.js";

/** The repository root (this file runs as dist/bench/workloads/peers.js). */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const PEERS_DIR = join(ROOT, "bench", "peers");
export const CORES = availableParallelism();
/**
 * Threads for the multi-threaded contestants (numpy's BLAS, XLA, onnxruntime): every core,
 * or fewer with `npm run bench -- --threads N` (on a machine loaded by other work, 2-thread
 * BLAS calls can run 20× slower than 1-thread ones, as each thread waits for the other).
 */
export const THREADS = Number(process.env.JAXTS_BENCH_THREADS) || CORES;

const peerRequire = createRequire(join(PEERS_DIR, "package.json"));
const rootRequire = createRequire(join(ROOT, "package.json"));

/** Requires a package of bench/peers, or throws why it cannot. */
function requirePeer(name: string): any {
  if (!existsSync(join(PEERS_DIR, "node_modules"))) throw new Error(`bench/peers is not installed (npm install --prefix bench/peers)`);
  return peerRequire(name);
}

/** The installed version of a package, or "?". */
export function versionOf(name: string, fromRoot = false): string {
  try {
    const req = fromRoot ? rootRequire : peerRequire;
    return JSON.parse(readFileSync(req.resolve(`${name}/package.json`), "utf8")).version;
  } catch {
    return "?";
  }
}

/** Runs `f` with console.log/info/warn silenced (tfjs greets Node users with a banner). */
function quietly<T>(f: () => T): T {
  const { log, info, warn } = console;
  console.log = console.info = console.warn = () => {};
  try {
    return f();
  } finally {
    Object.assign(console, { log, info, warn });
  }
}

/**
 * @jax-js/jax on its wasm device. Node 20 has no global `navigator`, which jax-js reads for
 * the user agent (its kernel tuner) and the core count; Node 21+ defines both, and this
 * shim gives Node 20 the same two fields. Node has no Web Worker, so its wasm runs on one thread.
 */
export function loadJaxJs(): any {
  const g = globalThis as { navigator?: unknown };
  if (g.navigator === undefined) g.navigator = { userAgent: `Node.js/${process.versions.node}`, hardwareConcurrency: CORES };
  return requirePeer("@jax-js/jax");
}
export const JAXJS_NOTE =
  "@jax-js/jax: wasm device, one thread (Node has no Web Worker); on Node 20 a two-field `navigator` shim (userAgent, hardwareConcurrency) stands in for Node 21's";

/** TensorFlow.js on the given backend ("cpu": plain JS kernels; "wasm": XNNPACK, SIMD). */
export async function loadTf(backend: "cpu" | "wasm"): Promise<any> {
  const tf = quietly(() => requirePeer("@tensorflow/tfjs"));
  if (backend === "wasm") {
    const wasm = requirePeer("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(`${dirname(peerRequire.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"))}/`);
  }
  if (!(await quietly(() => tf.setBackend(backend)))) throw new Error(`tfjs could not start its ${backend} backend`);
  await tf.ready();
  return tf;
}

// ---- onnxruntime-node, run the way its users run it: a hand-built graph, the async API ----

export interface OrtPeer {
  /** One run; resolves to the outputs' data. */
  run(feeds: Record<string, { data: Float32Array; shape: readonly number[] }>): Promise<Float32Array[]>;
}

/** A float32 initializer (a constant of the graph). */
export function f32Const(name: string, values: readonly number[], dims: readonly number[] = []): TensorProto {
  return { name, dataType: OnnxType.FLOAT, dims, raw: new Uint8Array(new Float32Array(values).buffer) };
}

/** An onnxruntime-node session of a hand-built graph (opset 18), on all cores. */
export async function ortPeer(graph: GraphProto): Promise<OrtPeer> {
  const ort = rootRequire("onnxruntime-node");
  const bytes = encodeModel({ irVersion: 8, opsetVersion: 18, producerName: "jaxts-bench", producerVersion: "", docString: "", graph });
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: THREADS,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  const outNames = graph.outputs.map((o) => o.name);
  return {
    async run(feeds) {
      const tensors: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(feeds)) tensors[k] = new ort.Tensor("float32", v.data, v.shape);
      const res = await session.run(tensors);
      return outNames.map((n) => res[n].data as Float32Array);
    },
  };
}
export const ORT_NOTE = `onnxruntime-node ${versionOf("onnxruntime-node", true)}: hand-built ONNX graph, public async API (InferenceSession.run), CPU EP, ${THREADS} intra-op thread${THREADS === 1 ? "" : "s"}`;

// ---- Python peers ----

export interface PyInput {
  data: Float32Array;
  shape: readonly number[];
}

/** Caps the Python peers' thread pools at THREADS (XLA can only be told "one"). */
function threadEnv(): Record<string, string> {
  if (THREADS >= CORES) return {};
  const n = String(THREADS);
  const env: Record<string, string> = { OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n };
  if (THREADS === 1)
    env.XLA_FLAGS = `${process.env.XLA_FLAGS ?? ""} --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1`.trim();
  return env;
}

/** A Python peer server (bench/python/serve.py protocol). */
export class PyPeer {
  readonly versions: Record<string, string> = {};
  private proc;
  private pending: { resolve: (v: any) => void; reject: (e: Error) => void }[] = [];
  private exited: string | null = null;
  private dir = mkdtempSync(join(tmpdir(), "jaxts-bench-"));

  constructor(
    readonly python: string,
    script: string,
  ) {
    this.proc = spawn(python, [join(ROOT, "bench", "python", script)], {
      stdio: ["pipe", "pipe", "inherit"],
      env: { ...process.env, JAX_PLATFORMS: "cpu", TF_CPP_MIN_LOG_LEVEL: "2", PYTHONUNBUFFERED: "1", ...threadEnv() },
    });
    createInterface({ input: this.proc.stdout! }).on("line", (line) => this.pending.shift()?.resolve(JSON.parse(line)));
    this.proc.on("exit", (code, signal) => {
      this.exited = `${script} exited (${signal ?? code})`;
      for (const p of this.pending.splice(0)) p.reject(new Error(this.exited));
    });
    this.proc.on("error", (e) => {
      this.exited = `${python} could not start: ${e.message}`;
      for (const p of this.pending.splice(0)) p.reject(new Error(this.exited));
    });
  }

  private async request(req: object): Promise<any> {
    if (this.exited) throw new Error(this.exited);
    const reply = await new Promise<any>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.proc.stdin!.write(`${JSON.stringify(req)}\n`);
    });
    if (!reply.ok) throw new Error(reply.error);
    return reply;
  }

  /**
   * Sets up a workload (the inputs travel as raw float32 files) and returns one contestant
   * per row; a row the peer does not offer, or every row when setup fails, is n/a.
   */
  async contestants(
    workload: string,
    params: object,
    inputs: Record<string, PyInput>,
    rows: readonly { name: string; threads: number | string; note?: string }[],
  ): Promise<Contestant[]> {
    const spec: Record<string, { file: string; shape: readonly number[] }> = {};
    for (const [k, v] of Object.entries(inputs)) {
      const file = join(this.dir, `${k}.f32`);
      writeFileSync(file, new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength));
      spec[k] = { file, shape: v.shape };
    }
    let offered: string[];
    try {
      const reply = await this.request({ op: "setup", workload, params, inputs: spec });
      offered = reply.contestants;
      Object.assign(this.versions, reply.versions);
    } catch (e) {
      return rows.map((r) => unavailable(r.name, r.threads, errorText(e), r.note));
    }
    return rows.map((r) =>
      offered.includes(r.name)
        ? {
            ...r,
            time: async (reps: number) => (await this.request({ op: "time", name: r.name, reps })).seconds as number,
            check: async () => (await this.request({ op: "check", name: r.name })).value as number[],
          }
        : unavailable(r.name, r.threads, `${workload}: not offered by the Python peer`, r.note),
    );
  }

  close(): void {
    this.proc.stdin!.end();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A Python peer, or the reason it is not available here. */
export type PyPeerOrReason = PyPeer | string;

/** The numpy server: `python3` when it has numpy, else the JAX venv's Python. */
export function startNumpy(): PyPeerOrReason {
  for (const py of ["python3", join(homedir(), "jax-venv", "bin", "python")]) {
    if (spawnSync(py, ["-c", "import numpy"], { stdio: "ignore" }).status === 0) return new PyPeer(py, "numpy_peers.py");
  }
  return "no Python with numpy (python3 -c 'import numpy' failed)";
}

/** The real-JAX server, from ~/jax-venv when it exists (it is optional). */
export function startJax(): PyPeerOrReason {
  const py = join(homedir(), "jax-venv", "bin", "python");
  if (!existsSync(py)) return "~/jax-venv is absent (real JAX is optional)";
  return new PyPeer(py, "jax_peers.py");
}

/** The rows of a Python peer for a workload, n/a with the reason when the peer is missing. */
export async function pyRows(
  peer: PyPeerOrReason,
  workload: string,
  params: object,
  inputs: Record<string, PyInput>,
  rows: readonly { name: string; threads: number | string; note?: string }[],
): Promise<Contestant[]> {
  if (typeof peer === "string") return rows.map((r) => unavailable(r.name, r.threads, peer, r.note));
  return peer.contestants(workload, params, inputs, rows);
}

/**
 * Runs `f` with the numpy and JAX servers started, closes them after, and returns its
 * result with a note naming the Python peers' versions (or why they are missing).
 */
export async function withPython<T>(f: (numpy: PyPeerOrReason, jax: PyPeerOrReason) => Promise<T>): Promise<[T, string[]]> {
  const numpy = startNumpy();
  const jax = startJax();
  try {
    const out = await f(numpy, jax);
    const describe = (p: PyPeerOrReason, what: string) =>
      typeof p === "string"
        ? `${what}: n/a (${p})`
        : `${what}: ${Object.entries(p.versions)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")} (${p.python})`;
    return [out, [describe(numpy, "numpy peer"), describe(jax, "JAX peer")]];
  } finally {
    for (const p of [numpy, jax]) if (typeof p !== "string") p.close();
  }
}
