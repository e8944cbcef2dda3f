// Where the blog ends: its regression y = b0 + b1·x has two parameters on very different
// scales (b0 ≈ 3, b1 ≈ 34), which plain gradient descent handles badly. The same training
// step with five jaxts/optax optimizers side by side: loss curves and paths through (b0, b1).
import { pathToFileURL } from "node:url";
import { type Array as JArray, jit, numpy as jnp, valueAndGrad } from "../src/index.js";
import * as optax from "../src/optax/index.js";
import { hconcat, lineChart, pathChart, renderSpec } from "./lib/plot.js";
import { computeError, makeData } from "./linear-regression.js";

/** float32 losses near 4 carry rounding noise of about 1e-6; excess loss below this is not resolved. */
const FLOOR = 1e-5;

interface Params {
  b0: JArray;
  b1: JArray;
}

interface Result {
  name: string;
  losses: number[];
  b0: number[];
  b1: number[];
  /** First step whose loss is below 1.01 × the least-squares loss, or null if none. */
  converged: number | null;
}

/** The optimizers compared, each with a learning rate that suits it on this problem. */
function optimizers(): [string, optax.GradientTransformation][] {
  return [
    ["sgd (lr 0.1)", optax.sgd(0.1)],
    ["momentum (lr 0.1, 0.9)", optax.sgd(0.1, { momentum: 0.9 })],
    ["adam (lr 1)", optax.adam(1)],
    ["adamw (lr 1, decay 1e-4)", optax.adamw(1, { weightDecay: 1e-4 })],
    ["rmsprop (lr 0.1)", optax.rmsprop(0.1)],
  ];
}

/** The least-squares fit's loss, the best any optimizer can reach. */
function leastSquaresLoss(X: JArray, y: JArray): number {
  const xm = jnp.mean(X);
  const ym = jnp.mean(y);
  const slope = jnp.sum(X.sub(xm).mul(y.sub(ym))).div(jnp.sum(jnp.square(X.sub(xm))));
  return computeError(ym.sub(slope.mul(xm)), slope, X, y).item() as number;
}

function train(name: string, opt: optax.GradientTransformation, X: JArray, y: JArray, steps: number, target: number): Result {
  const loss = (p: Params) => computeError(p.b0, p.b1, X, y);
  const vg = valueAndGrad(loss);
  // the whole step, optimizer included, is one jitted function of (params, state)
  const step = jit((params: Params, state: unknown): [JArray, Params, unknown] => {
    const [value, grads] = vg(params);
    const [updates, next] = opt.update(grads, state, params);
    return [value, optax.applyUpdates(params, updates), next];
  });
  let params: Params = { b0: jnp.array(0), b1: jnp.array(0) };
  let state = opt.init(params);
  const r: Result = { name, losses: [], b0: [0], b1: [0], converged: null };
  for (let i = 0; i < steps; i++) {
    const [value, p, s] = step(params, state);
    [params, state] = [p, s];
    const l = value.item() as number;
    r.losses.push(l);
    if (r.converged === null && l < 1.01 * target) r.converged = i;
    r.b0.push(params.b0.item() as number);
    r.b1.push(params.b1.item() as number);
  }
  return r;
}

export async function main(outDir = "out", steps = 1000): Promise<Result[]> {
  const { X, y } = makeData();
  const target = leastSquaresLoss(X, y);
  console.log(`optimizers on the blog's regression (least-squares loss ${target.toFixed(4)})`);
  const results = optimizers().map(([name, opt]) => train(name, opt, X, y, steps, target));
  for (const r of results) {
    const n = r.b0.length - 1;
    const when = r.converged === null ? `not within ${steps} steps` : `${r.converged} steps`;
    console.log(
      `  ${r.name.padEnd(26)} loss < 1.01 x optimum after ${when.padStart(9)}; b0 = ${r.b0[n]!.toFixed(3)}, b1 = ${r.b1[n]!.toFixed(3)}`,
    );
  }

  const stepsAxis = results[0]!.losses.map((_, i) => i);
  // the paths keep every step early on, then every 10th, to stay readable
  const pick = (xs: number[]) => xs.filter((_, i) => i <= 100 || i % 10 === 0);
  const spec = hconcat("Optimizers on the blog's regression (jaxts/optax)", [
    lineChart({
      title: "loss above the least-squares optimum",
      series: results.map((r) => ({ name: r.name, x: stepsAxis, y: r.losses.map((l) => Math.max(l - target, FLOOR)) })),
      xTitle: "step",
      yTitle: "loss − optimum",
      yScale: "log",
    }),
    pathChart({
      title: "paths through (b0, b1) from (0, 0)",
      paths: results.map((r) => ({ name: r.name, x: pick(r.b0), y: pick(r.b1) })),
      xTitle: "b0",
      yTitle: "b1",
    }),
  ]);
  const { svgPath, pngPath } = await renderSpec(spec, `${outDir}/optimizers`);
  console.log(`  plot: ${svgPath}, ${pngPath}`);
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
