// The walkthrough examples run end to end and produce their figures (what `npm start` does).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { main as linearRegression } from "../examples/linear-regression.js";
import { main as sineDerivative } from "../examples/sine-derivative.js";

const out = mkdtempSync(join(tmpdir(), "jaxts-examples-"));
const quiet = async <T>(f: () => Promise<T>): Promise<T> => {
  const log = console.log;
  console.log = () => {};
  try {
    return await f();
  } finally {
    console.log = log;
  }
};

test("sine derivative: vmap(grad(sin)) equals cos within 1e-6, and the plot is written", async () => {
  const { maxError } = await quiet(() => sineDerivative(out));
  assert.ok(maxError <= 1e-6, `max |d/dx sin - cos| = ${maxError}`);
  for (const ext of ["svg", "png"]) assert.ok(statSync(join(out, `sine-derivative.${ext}`)).size > 1000);
});

test("linear regression: gradient descent reaches the least-squares line", async () => {
  const { b0, b1, lsq } = await quiet(() => linearRegression(out, 1000));
  assert.ok(Math.abs(b0 - lsq[0]) < 1e-3, `b0 ${b0} vs ${lsq[0]}`);
  assert.ok(Math.abs(b1 - lsq[1]) < 1e-3, `b1 ${b1} vs ${lsq[1]}`);
  assert.ok(Math.abs(b1 - 34.41) < 1, "the fitted slope is near the true 34.41");
  assert.ok(existsSync(join(out, "linear-regression.png")));
});
