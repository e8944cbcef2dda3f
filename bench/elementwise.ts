// y = tanh(x) * 2 + 1 over 10M float32 values, jitted: GB/s (input bytes / time, the
// figure BENCHMARKS.md quotes) of the compiled program (engine 1) and of hand-written
// loops. For numpy's figure on the same machine, run:
//   ~/jax-venv/bin/python -c "import numpy as np,timeit; x=np.random.randn(10_000_000).astype(np.float32); t=min(timeit.repeat(lambda: np.tanh(x)*2+1, number=1, repeat=15)); print(40e6/t/1e9, 'GB/s')"
// Run: npx tsc -p . && node dist/bench/elementwise.js

import { compileJaxpr } from "../src/backends/cpu/codegen.js";
import { tanhF32 } from "../src/backends/cpu/fastmath.js";
import { optimizeJaxpr } from "../src/compiler/passes.js";
import type { ArrayImpl } from "../src/core/array.js";
import { numpy as jnp } from "../src/index.js";
import { makeJaxpr } from "../src/transforms/jit.js";

const N = 10_000_000;
const xs = new Float32Array(N);
for (let i = 0; i < N; i++) xs[i] = Math.sin(i * 0.37) * 3;
const x = jnp.array(xs) as unknown as ArrayImpl;

const compiled = compileJaxpr(optimizeJaxpr(makeJaxpr((a) => jnp.tanh(a).mul(2).add(1))(x)));

function handMathTanh(a: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.tanh(a[i]!) * 2 + 1;
  return out;
}
function handFastTanh(a: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = tanhF32(a[i]!) * 2 + 1;
  return out;
}

/** Seconds for one call. */
function seconds(run: () => unknown): number {
  const t0 = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const gbps = (ts: number[]) => (N * 4) / median(ts) / 1e9;

const contestants: [string, () => unknown][] = [
  ["compiled (engine 1)            ", () => compiled([x])],
  ["hand-written loop, Math.tanh   ", () => handMathTanh(xs)],
  ["hand-written loop, fast tanh   ", () => handFastTanh(xs)],
  ["allocating + filling the output", () => new Float32Array(N).fill(1)],
];
// Rounds interleave the contestants, so that load on the machine hits them alike.
for (const [, run] of contestants) for (let i = 0; i < 2; i++) run();
const times: number[][] = contestants.map(() => []);
for (let r = 0; r < 11; r++) contestants.forEach(([, run], k) => times[k]!.push(seconds(run)));
console.log("tanh(x) * 2 + 1 over 10M float32 (GB/s of input, median over rounds)");
contestants.forEach(([name], k) => console.log(`  ${name}  ${gbps(times[k]!).toFixed(3)}`));
console.log(`  (the last is the ceiling for any program returning a fresh 40 MB array)`);
