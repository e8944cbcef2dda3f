import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { jupyterDisplay, lineChart, renderSpec } from "../examples/lib/plot.js";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

test("renderSpec writes an SVG and a PNG of a line chart", async () => {
  const dir = await mkdtemp(join(tmpdir(), "jaxts-plot-"));
  try {
    const spec = lineChart({
      title: "Quadratic test chart",
      series: [
        { name: "x^2", x: [0, 1, 2, 3], y: [0, 1, 4, 9] },
        { name: "2x", x: [0, 1, 2, 3], y: [0, 2, 4, 6] },
      ],
      xTitle: "x",
      yTitle: "y",
    });
    // A nested path checks that the parent directory is created.
    const { svgPath, pngPath } = await renderSpec(spec, join(dir, "sub", "chart"));

    const svg = await readFile(svgPath, "utf8");
    assert.ok(svg.startsWith("<svg"), `SVG starts with ${svg.slice(0, 20)}`);
    assert.ok(svg.includes("Quadratic test chart"));

    const png = await readFile(pngPath);
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    assert.ok(png.length > 1000, `PNG is only ${png.length} bytes`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("lineChart rejects series whose x and y lengths differ", () => {
  assert.throws(
    () =>
      lineChart({
        title: "t",
        series: [{ name: "s", x: [1, 2], y: [1] }],
        xTitle: "x",
        yTitle: "y",
      }),
    /x has 2 values but y has 1/,
  );
});

test("jupyterDisplay exposes the spec under the Vega-Lite MIME type", () => {
  const spec = { mark: "point" };
  const display = jupyterDisplay(spec)[Symbol.for("Jupyter.display")];
  assert.ok(display);
  assert.deepEqual(display(), { "application/vnd.vegalite.v5+json": spec });
});
