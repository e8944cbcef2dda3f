// The blog's second experiment: fit y = b0 + b1·x by gradient descent, taking the
// derivative of the error with respect to each parameter with grad(f, {argnums}).
import { pathToFileURL } from "node:url";
import { grad, type Array as JArray, numpy as jnp, random } from "../src/index.js";
import { hconcat, lineChart, renderSpec, scatterWithLines } from "./lib/plot.js";

/** The blog's data: y = 3 + 34.41·x + noise, 100 points. */
export function makeData(seed = 0): { X: JArray; y: JArray } {
  const keys = random.split(random.key(seed));
  const kx = keys.get(0);
  const kn = keys.get(1);
  const X = random.uniform(kx, [100]);
  const y = jnp.add(jnp.add(3, jnp.multiply(34.41, X)), random.normal(kn, [100]).mul(2));
  return { X, y };
}

/** The mean squared error of the line b0 + b1·x. */
export function computeError(b0: JArray | number, b1: JArray | number, X: JArray, y: JArray): JArray {
  const prediction = jnp.add(b0, jnp.multiply(b1, X));
  return jnp.mean(jnp.square(jnp.subtract(y, prediction)));
}

export async function main(outDir = "out", steps = 1000): Promise<{ b0: number; b1: number; lsq: [number, number] }> {
  const { X, y } = makeData();
  const stepSize = 0.1;
  let b0: JArray = jnp.array(0);
  let b1: JArray = jnp.array(0);
  const dErrDb0 = grad(computeError, { argnums: 0 });
  const dErrDb1 = grad(computeError, { argnums: 1 });
  const losses: number[] = [];
  console.log("linear regression by gradient descent (step size 0.1)");
  for (let i = 0; i <= steps; i++) {
    losses.push(computeError(b0, b1, X, y).item() as number);
    if (i % 100 === 0) console.log(`  step ${String(i).padStart(4)}: b0 = ${fmt(b0)}, b1 = ${fmt(b1)}, error = ${losses[i]!.toFixed(4)}`);
    if (i === steps) break;
    const g0 = dErrDb0(b0, b1, X, y);
    const g1 = dErrDb1(b0, b1, X, y);
    b0 = b0.sub(g0.mul(stepSize));
    b1 = b1.sub(g1.mul(stepSize));
  }
  // the closed-form least-squares answer, for comparison
  const xm = jnp.mean(X);
  const ym = jnp.mean(y);
  const slope = jnp.sum(X.sub(xm).mul(y.sub(ym))).div(jnp.sum(jnp.square(X.sub(xm))));
  const lsq: [number, number] = [ym.sub(slope.mul(xm)).item() as number, slope.item() as number];
  console.log(`  gradient descent: b0 = ${fmt(b0)}, b1 = ${fmt(b1)}`);
  console.log(`  least squares:    b0 = ${lsq[0].toFixed(5)}, b1 = ${lsq[1].toFixed(5)}   (true line: b0 = 3, b1 = 34.41)`);

  const xs = Array.from(X.dataSync());
  const line = [0, 1];
  const spec = hconcat("Linear regression with grad", [
    scatterWithLines({
      title: "data and fitted line",
      points: { x: xs, y: Array.from(y.dataSync()), name: "data" },
      lines: [
        { name: "gradient descent", x: line, y: line.map((v) => (b0.item() as number) + (b1.item() as number) * v) },
        { name: "least squares", x: line, y: line.map((v) => lsq[0] + lsq[1] * v) },
      ],
      xTitle: "x",
      yTitle: "y",
    }),
    lineChart({
      title: "mean squared error",
      series: [{ name: "error", x: losses.map((_, i) => i), y: losses }],
      xTitle: "step",
      yTitle: "error",
      yScale: "log",
    }),
  ]);
  const { svgPath, pngPath } = await renderSpec(spec, `${outDir}/linear-regression`);
  console.log(`  plot: ${svgPath}, ${pngPath}`);
  return { b0: b0.item() as number, b1: b1.item() as number, lsq };
}

function fmt(x: JArray): string {
  return (x.item() as number).toFixed(5).padStart(9);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
