// Golden tests (test/fixtures/numpy2_signal.json, from scripts/fixtures_numpy2.py) for
// src/numpy/signal.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as G from "../src/numpy/signal.js";
import { type Registry, runGoldenCases } from "./numpy_golden.js";

const REGISTRY: Registry = {
  convolve: (a, kw) => G.convolve(a[0], a[1], kw.mode),
  correlate: (a, kw) => G.correlate(a[0], a[1], kw.mode),
  bartlett: (_a, kw) => G.bartlett(kw.M),
  blackman: (_a, kw) => G.blackman(kw.M),
  hamming: (_a, kw) => G.hamming(kw.M),
  hanning: (_a, kw) => G.hanning(kw.M),
  kaiser: (a, kw) => G.kaiser(kw.M, a[0] ?? kw.beta),
  nanmedian: (a, kw) => G.nanmedian(a[0], kw.axis ?? null, { keepdims: kw.keepdims }),
  nanquantile: (a, kw) => G.nanquantile(a[0], a[1] ?? kw.q, kw.axis ?? null, { method: kw.method, keepdims: kw.keepdims }),
  nanpercentile: (a, kw) => G.nanpercentile(a[0], a[1], kw.axis ?? null),
  histogram2d: (a, kw) =>
    G.histogram2d(a[0], a[1], a[2] !== undefined && a[2].ndim === 1 && kw.bins === undefined ? a[2] : (kw.bins ?? 10), {
      range: kw.range,
      weights: kw.bins !== undefined && a[2] !== undefined ? a[2] : undefined,
      density: kw.density,
    }),
  histogramdd: (a, kw) => {
    const [hist, edges] = G.histogramdd(a[0], kw.bins, { weights: a[1], density: kw.density });
    return [hist, ...edges];
  },
};

runGoldenCases("numpy2_signal", REGISTRY);

test("numpy2_signal: errors", () => {
  assert.throws(() => G.convolve([[1, 2]], [1]), /1-D/);
  assert.throws(() => G.convolve([], [1]), /empty/);
  assert.throws(() => G.correlate([1, 2], [1], "bad" as never), /mode/);
});
