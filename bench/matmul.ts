// f32 matmul N×N through the ort backend (the jitted jaxpr compiled to an onnxruntime
// session) against the cpu engine's eager dot_general and, when Python with numpy is
// available (PYTHON, default python3), numpy's matmul measured in the same run.
// Prints GFLOP/s = 2·N³ / seconds (medians) and the ratio to numpy.
// Run: npx tsc -p . && node dist/bench/matmul.js [N ...]
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { compileOrt } from "../src/backends/ort/session.js";
import type { ArrayImpl } from "../src/core/array.js";
import type { Array as JArray } from "../src/index.js";
import { jit, numpy as jnp } from "../src/index.js";

const sizes = process.argv.slice(2).map(Number);
const Ns = sizes.length ? sizes : [256, 512, 1024, 2048];

function randomMatrix(n: number): JArray {
  const data = new Float32Array(n * n);
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
  return jnp.array(data, { dtype: "float32" }).reshape([n, n]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median seconds per call over `reps` calls, after one warm-up call. */
function secondsPerCall(f: () => unknown, reps: number): number {
  f();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    f();
    ts.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return median(ts);
}

const NUMPY = `
import sys, time, numpy as np
n, reps = int(sys.argv[1]), int(sys.argv[2])
a = np.random.rand(n, n).astype(np.float32); b = np.random.rand(n, n).astype(np.float32)
a @ b
ts = []
for _ in range(reps):
    t0 = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t0)
print(sorted(ts)[len(ts) // 2])
`;
function numpySeconds(n: number, reps: number): number | null {
  const r = spawnSync(process.env.PYTHON ?? "python3", ["-c", NUMPY, String(n), String(reps)], { encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

const gflops = (n: number, s: number) => (2 * n ** 3) / s / 1e9;
const fmt = (v: number | null) => (v === null ? "   n/a" : v.toFixed(1).padStart(6));

console.log(`f32 matmul, GFLOP/s (medians); ${availableParallelism()} cores; onnxruntime intra-op threads = cores`);
console.log("     N   ort jit   numpy   ort/numpy   cpu eager");
const matmul = (a: JArray, b: JArray) => a.matmul(b);
for (const n of Ns) {
  const a = randomMatrix(n);
  const b = randomMatrix(n);
  const run = compileOrt(jit(matmul).lower(a, b));
  const args = [a, b] as ArrayImpl[];
  const reps = Math.max(5, Math.min(50, Math.round(3e9 / (2 * n ** 3))));
  // rounds alternate the two fast contestants so load on the machine hits both alike
  const ort: number[] = [];
  const np: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < 5; round++) {
    ort.push(secondsPerCall(() => run(args), reps));
    const s = numpySeconds(n, reps);
    if (s !== null) {
      np.push(s);
      ratios.push(s / ort[ort.length - 1]!);
    }
  }
  const cpu = n <= 1024 ? secondsPerCall(() => matmul(a, b), n <= 512 ? 3 : 1) : null;
  const o = gflops(n, median(ort));
  const p = np.length ? gflops(n, median(np)) : null;
  // the ratio is taken per round (both measured back to back), then the median
  const ratio = ratios.length ? median(ratios).toFixed(2).padStart(6) : "   n/a";
  console.log(`${String(n).padStart(6)}   ${fmt(o)}   ${fmt(p)}   ${ratio}      ${fmt(cpu === null ? null : gflops(n, cpu))}`);
}
