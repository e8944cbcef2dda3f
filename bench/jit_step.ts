// One jitted gradient-descent step of the blog's linear regression on 100 points:
//   loss(b0, b1) = mean((y - (b0 + b1 * X)) ** 2); (g0, g1) = grad(loss); b -= 0.1 * g
// Prints the median µs per step of: the step written by hand in JS, the compiled jaxpr
// (engine 1), the jaxpr interpreter, and jit() end to end.
// Run: npx tsc -p . && node dist/bench/jit_step.js

import { compileJaxpr } from "../src/backends/cpu/codegen.js";
import { optimizeJaxpr } from "../src/compiler/passes.js";
import type { ArrayImpl } from "../src/core/array.js";
import { evalJaxpr } from "../src/core/jaxpr.js";
import type { Array as JArray } from "../src/index.js";
import { grad, jit, numpy as jnp } from "../src/index.js";

const N = 100;
const xs = new Float32Array(N);
const ys = new Float32Array(N);
for (let i = 0; i < N; i++) {
  xs[i] = i / N;
  ys[i] = 3 * xs[i]! + 1 + 0.1 * Math.sin(i);
}

function loss(b0: JArray, b1: JArray, X: JArray, y: JArray): JArray {
  return jnp.mean(y.sub(b0.add(b1.mul(X))).pow(2));
}
const gradLoss = grad(loss, { argnums: [0, 1] });
function step(b0: JArray, b1: JArray, X: JArray, y: JArray): JArray[] {
  const [g0, g1] = gradLoss(b0, b1, X, y) as JArray[];
  return [b0.sub(g0!.mul(0.1)), b1.sub(g1!.mul(0.1))];
}

/** The same step by hand: float32 data, double arithmetic, the gradient in closed form. */
function handStep(b: Float32Array, X: Float32Array, y: Float32Array): Float32Array {
  const b0 = b[0]!;
  const b1 = b[1]!;
  let s0 = 0;
  let s1 = 0;
  for (let i = 0; i < X.length; i++) {
    const r = y[i]! - (b0 + b1 * X[i]!);
    s0 += r;
    s1 += r * X[i]!;
  }
  const out = new Float32Array(2);
  out[0] = b0 + (0.1 * 2 * s0) / X.length;
  out[1] = b1 + (0.1 * 2 * s1) / X.length;
  return out;
}

/** µs per step of `run(steps)` (after a warm-up that lets V8 optimize it). */
function timeSteps(run: (steps: number) => void, steps: number): number {
  const t0 = process.hrtime.bigint();
  run(steps);
  return Number(process.hrtime.bigint() - t0) / 1e3 / steps;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const X = jnp.array(xs) as unknown as ArrayImpl;
const y = jnp.array(ys) as unknown as ArrayImpl;
const zero = jnp.zeros([], { dtype: "float32" }) as unknown as ArrayImpl;
const jaxpr = jit(step).lower(zero, zero, X, y);
const compiled = compileJaxpr(optimizeJaxpr(jaxpr));
const jitted = jit(step);

const runHand = (n: number) => {
  let b: Float32Array = new Float32Array(2);
  for (let i = 0; i < n; i++) b = handStep(b, xs, ys);
};
const runCompiled = (n: number) => {
  let b0 = zero;
  let b1 = zero;
  for (let i = 0; i < n; i++) [b0, b1] = compiled([b0, b1, X, y]) as [ArrayImpl, ArrayImpl];
};
const runInterpreted = (n: number) => {
  let b: ArrayImpl[] = [zero, zero];
  for (let i = 0; i < n; i++) b = evalJaxpr(jaxpr.jaxpr, [...jaxpr.consts, b[0]!, b[1]!, X, y]) as ArrayImpl[];
};
const runJit = (n: number) => {
  let b: JArray[] = [zero, zero];
  for (let i = 0; i < n; i++) b = jitted(b[0]!, b[1]!, X, y);
};

// Rounds interleave the contestants, so that load on the machine hits them alike; the
// ratio is taken per round, then the median.
for (const run of [runHand, runCompiled, runInterpreted, runJit]) run(2_000);
const hand: number[] = [];
const comp: number[] = [];
const interp: number[] = [];
const viaJit: number[] = [];
for (let r = 0; r < 21; r++) {
  hand.push(timeSteps(runHand, 50_000));
  comp.push(timeSteps(runCompiled, 50_000));
  if (r % 3 === 0) {
    interp.push(timeSteps(runInterpreted, 500));
    viaJit.push(timeSteps(runJit, 500));
  }
}
const ratio = median(comp.map((c, i) => c / hand[i]!));

console.log("linear regression step, 100 points, float32 (median µs/step)");
console.log(`  hand-written JS         ${median(hand).toFixed(3)}`);
console.log(`  compiled (engine 1)     ${median(comp).toFixed(3)}   ${ratio.toFixed(2)}x hand-written (median of per-round ratios)`);
console.log(`  interpreted (evalJaxpr) ${median(interp).toFixed(3)}`);
console.log(`  jit() as wired now      ${median(viaJit).toFixed(3)}`);
