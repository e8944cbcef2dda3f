// Printing arrays the way JAX (numpy) does: Array([1., 2.5], dtype=float32).
import type { ArrayImpl } from "./array.js";

const SUMMARIZE_OVER = 1000;
const EDGE = 3;

/** Shortest decimal that reads back to the same float32 (or float64) value. */
function shortest(v: number, single: boolean): string {
  if (!single) return String(v);
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

function formatFloats(vals: number[], single: boolean): string[] {
  const finite = vals.filter((v) => Number.isFinite(v));
  const special = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
  const absMax = Math.max(0, ...finite.map(Math.abs));
  const absMinNz = Math.min(Number.POSITIVE_INFINITY, ...finite.filter((v) => v !== 0).map(Math.abs));
  // numpy switches to scientific notation for large values or a large dynamic range
  const sci =
    absMax >= 1e8 ||
    (absMinNz < 1e-4 && absMinNz !== Number.POSITIVE_INFINITY) ||
    (absMinNz !== Number.POSITIVE_INFINITY && absMax / absMinNz > 1e3 && absMinNz < 1e-4);
  if (sci) {
    const digits = Math.max(
      0,
      ...finite.map((v) => {
        const m = shortest(v, single);
        const e = Number(m).toExponential();
        return (e.split("e")[0]!.split(".")[1] ?? "").length;
      }),
    );
    return vals.map((v) => {
      if (!Number.isFinite(v)) return special(v);
      const [mant, exp] = v.toExponential(digits).split("e") as [string, string];
      const e = Number(exp);
      return `${digits === 0 ? `${mant}.` : mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
    });
  }
  const strs = vals.map((v) => (Number.isFinite(v) ? shortest(v, single) : special(v)));
  const frac = strs.map((s) => (s.includes(".") ? s.split(".")[1]!.length : 0));
  const maxFrac = Math.max(0, ...frac);
  return strs.map((s, i) => {
    if (!Number.isFinite(vals[i]!)) return s;
    const base = s.includes(".") ? s : `${s}.`;
    return base + " ".repeat(maxFrac - frac[i]!);
  });
}

export function formatArray(a: ArrayImpl): string {
  const prefix = "Array(";
  const body = formatBody(a, " ".repeat(prefix.length));
  const weak = a.weakType ? ", weak_type=True" : "";
  return `${prefix}${body}, dtype=${a.dtype}${weak})`;
}

/** The nested-bracket body alone, indented by `indent` on continuation lines. */
export function formatBody(a: ArrayImpl, indent = ""): string {
  const shape = a.shape;
  const vals = Array.from(a.values());
  const summarize = vals.length > SUMMARIZE_OVER;
  let strs: string[];
  if (a.dtype === "bool") strs = vals.map((v) => (v ? " True" : "False"));
  else if (a.dtype.startsWith("float") || a.dtype === "bfloat16") {
    strs = formatFloats(vals, a.dtype !== "float64");
  } else strs = vals.map(String);
  if (a.dtype === "bool" && vals.every((v) => v)) strs = strs.map(() => "True");
  const width = Math.max(0, ...strs.map((s) => s.length));
  const cell = (i: number) => strs[i]!.padStart(width);
  if (shape.length === 0) return strs[0]!.trim();

  const strides: number[] = [];
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= shape[d]!;
  }
  const rec = (dim: number, offset: number, ind: string): string => {
    const n = shape[dim]!;
    const idx = summarize && n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
    if (dim === shape.length - 1) {
      return `[${idx.map((i) => (i < 0 ? "..." : cell(offset + i))).join(", ")}]`;
    }
    const sep = `,${"\n".repeat(shape.length - 1 - dim)}${ind} `;
    return `[${idx.map((i) => (i < 0 ? "..." : rec(dim + 1, offset + i * strides[dim]!, `${ind} `))).join(sep)}]`;
  };
  return rec(0, 0, indent);
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i < b; i++) out.push(i);
  return out;
}
