// Plotting for the runnable examples: build Vega-Lite specs from plain number
// arrays, render them headlessly to SVG and PNG, or hand them to a Jupyter
// front end. Lives under examples/ so the core library never pulls in vega.

import { existsSync, readdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** A Vega-Lite v5 spec object. */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
const DEFAULT_WIDTH = 400;
const DEFAULT_HEIGHT = 260;

/** One named curve: y[i] plotted against x[i]. */
export interface Series {
  name: string;
  x: number[];
  y: number[];
}

// ---------------------------------------------------------------------------
// Rendering

const DEJAVU_DIR = "/usr/share/fonts/truetype/dejavu";
const FONT_FAMILY = "DejaVu Sans";

// Loading DejaVu explicitly guarantees the family named below resolves even
// where fontconfig's system scan finds nothing; without a font resvg silently
// drops every <text> element and the PNG has no labels.
function dejavuFontFiles(): string[] {
  if (!existsSync(DEJAVU_DIR)) return [];
  return readdirSync(DEJAVU_DIR)
    .filter((f) => f.startsWith("DejaVuSans") && f.endsWith(".ttf"))
    .map((f) => join(DEJAVU_DIR, f));
}

/**
 * Render `spec` to `${outBase}.svg` and `${outBase}.png` (2x zoom, white
 * background), creating the parent directory if needed.
 */
export async function renderSpec(spec: VegaLiteSpec, outBase: string): Promise<{ svgPath: string; pngPath: string }> {
  // The spec is built from untyped records; vega-lite validates it at compile time.
  const { spec: vgSpec } = compile(spec as unknown as TopLevelSpec);
  // renderer "none": no canvas or DOM is needed just to serialize SVG.
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();

  const png = new Resvg(svg, {
    font: {
      loadSystemFonts: true,
      fontFiles: dejavuFontFiles(),
      defaultFontFamily: FONT_FAMILY,
      // Vega emits font-family "sans-serif"; resvg maps that generic to Arial,
      // which is usually absent on Linux.
      sansSerifFamily: FONT_FAMILY,
    },
    fitTo: { mode: "zoom", value: 2 },
    background: "white",
  })
    .render()
    .asPng();

  const svgPath = `${outBase}.svg`;
  const pngPath = `${outBase}.png`;
  await mkdir(dirname(svgPath), { recursive: true });
  await writeFile(svgPath, svg);
  await writeFile(pngPath, png);
  return { svgPath, pngPath };
}

// ---------------------------------------------------------------------------
// Spec builders. Data goes inline as long-format rows {series, x, y, order} so a
// single `color` encoding on "series" gives every curve its own colour from
// Vega's default category scheme, plus a legend.

type Row = { series: string; x: number; y: number; order: number };

function rows(name: string, x: number[], y: number[]): Row[] {
  if (x.length !== y.length) {
    throw new Error(`series "${name}": x has ${x.length} values but y has ${y.length}`);
  }
  return x.map((xi, i) => ({ series: name, x: xi, y: y[i] as number, order: i }));
}

function xyEncoding(xTitle: string, yTitle: string, yScale: "linear" | "log" = "linear") {
  return {
    x: { field: "x", type: "quantitative", title: xTitle },
    y: { field: "y", type: "quantitative", title: yTitle, scale: { type: yScale } },
    // sort: null keeps legend entries in the caller's order, not alphabetical.
    color: { field: "series", type: "nominal", title: null, sort: null },
  };
}

/** One line per series, e.g. loss curves. */
export function lineChart(opts: {
  title: string;
  series: Series[];
  xTitle: string;
  yTitle: string;
  yScale?: "linear" | "log";
  width?: number;
  height?: number;
}): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: opts.title,
    width: opts.width ?? DEFAULT_WIDTH,
    height: opts.height ?? DEFAULT_HEIGHT,
    data: { values: opts.series.flatMap((s) => rows(s.name, s.x, s.y)) },
    mark: "line",
    encoding: xyEncoding(opts.xTitle, opts.yTitle, opts.yScale),
  };
}

/** Data points overlaid with fitted or reference curves. */
export function scatterWithLines(opts: {
  title: string;
  points: { x: number[]; y: number[]; name?: string };
  lines: Series[];
  xTitle: string;
  yTitle: string;
}): VegaLiteSpec {
  const encoding = xyEncoding(opts.xTitle, opts.yTitle);
  return {
    $schema: SCHEMA,
    title: opts.title,
    width: DEFAULT_WIDTH,
    height: DEFAULT_HEIGHT,
    layer: [
      {
        data: { values: rows(opts.points.name ?? "data", opts.points.x, opts.points.y) },
        mark: { type: "point", filled: true },
        encoding,
      },
      {
        data: { values: opts.lines.flatMap((s) => rows(s.name, s.x, s.y)) },
        mark: "line",
        encoding,
      },
    ],
  };
}

/** Ordered paths through a 2-D plane, e.g. an optimizer's trajectory in parameter space. */
export function pathChart(opts: { title: string; paths: Series[]; xTitle: string; yTitle: string }): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: opts.title,
    width: DEFAULT_WIDTH,
    height: DEFAULT_HEIGHT,
    data: { values: opts.paths.flatMap((p) => rows(p.name, p.x, p.y)) },
    mark: { type: "line", point: true },
    encoding: {
      ...xyEncoding(opts.xTitle, opts.yTitle),
      // Without `order` Vega-Lite sorts line vertices by x, which would
      // scramble a path that doubles back on itself.
      order: { field: "order", type: "quantitative" },
    },
  };
}

/** Several charts side by side, each keeping its own colour legend. */
export function hconcat(title: string, specs: VegaLiteSpec[]): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: { text: title, anchor: "middle" },
    // $schema is only meaningful on the top-level spec.
    hconcat: specs.map(({ $schema: _schema, ...rest }) => rest),
    resolve: { scale: { color: "independent" } },
  };
}

// ---------------------------------------------------------------------------
// Jupyter

/** An object Deno's Jupyter kernel knows how to display. */
export interface JupyterDisplayable {
  [key: symbol]: () => Record<string, unknown>;
}

/**
 * Wrap a spec so that Deno's Jupyter kernel renders it as a chart when it is
 * a cell's result: the kernel calls the method keyed by this registered symbol
 * and treats the returned object as a MIME bundle.
 */
export function jupyterDisplay(spec: VegaLiteSpec): JupyterDisplayable {
  return {
    [Symbol.for("Jupyter.display")]: () => ({ "application/vnd.vegalite.v5+json": spec }),
  };
}
