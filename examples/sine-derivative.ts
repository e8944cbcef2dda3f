// The blog's first experiment: the derivative of sin is cos. grad differentiates a scalar
// function; vmap turns it into one that maps over a whole array of points at once.
import { pathToFileURL } from "node:url";
import { grad, numpy as jnp, vmap } from "../src/index.js";
import { lineChart, renderSpec } from "./lib/plot.js";

export async function main(outDir = "out"): Promise<{ maxError: number }> {
  const X = jnp.linspace(-Math.PI, Math.PI, 1000);
  const y = jnp.sin(X);
  const dydx = vmap(grad(jnp.sin))(X); // the derivative at every point, in one call
  const maxError = jnp.max(jnp.abs(dydx.sub(jnp.cos(X)))).item() as number;
  console.log("sine derivative: vmap(grad(jnp.sin)) over 1000 points in [-π, π]");
  console.log(`  largest difference from cos: ${maxError.toExponential(2)}`);

  const x = Array.from(X.dataSync());
  const spec = lineChart({
    title: "sin(x) and its derivative from vmap(grad(sin))",
    series: [
      { name: "sin(x)", x, y: Array.from(y.dataSync()) },
      { name: "vmap(grad(sin))(x)", x, y: Array.from(dydx.dataSync()) },
    ],
    xTitle: "x",
    yTitle: "y",
  });
  const { svgPath, pngPath } = await renderSpec(spec, `${outDir}/sine-derivative`);
  console.log(`  plot: ${svgPath}, ${pngPath}`);
  return { maxError };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
