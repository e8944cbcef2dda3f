// The loss curve of a training run as a chart (PNG and SVG via examples/lib/plot.ts) and as
// a table of the validation losses.
import type { History, LossPoint } from "./train.js";

/** Each point's mean over the `window` training steps ending at it (per-batch losses are noisy). */
export function runningMean(points: readonly LossPoint[], window: number): LossPoint[] {
  let sum = 0;
  return points.map((p, i) => {
    sum += p.loss;
    if (i >= window) sum -= points[i - window]!.loss;
    return { step: p.step, loss: sum / Math.min(i + 1, window) };
  });
}

/** Writes `${outBase}.png` and `.svg`: the training loss (running mean over 20 steps) and the validation loss. */
export async function plotLosses(history: History, outBase: string, title: string): Promise<string> {
  // loaded here, not at startup: vega and the PNG renderer take a while to import
  const { lineChart, renderSpec } = await import("../lib/plot.js");
  const train = runningMean(history.train, 20);
  const spec = lineChart({
    title,
    series: [
      { name: "train (smoothed)", x: train.map((p) => p.step), y: train.map((p) => p.loss) },
      { name: "validation", x: history.val.map((p) => p.step), y: history.val.map((p) => p.loss) },
    ],
    xTitle: "step",
    yTitle: "cross-entropy (nats per token)",
  });
  return (await renderSpec(spec, outBase)).pngPath;
}

/** "| step | validation loss |" rows, for the README. */
export function validationTable(history: History): string {
  const rows = history.val.map((p) => `| ${p.step} | ${p.loss.toFixed(3)} |`);
  return ["| step | validation loss |", "| ---: | ---: |", ...rows].join("\n");
}
