// Elementwise primitives as JavaScript expressions, for fused loops. Each expression
// computes exactly what the eager kernel computes for one element (the same operations in
// the same order), and `roundTo` then applies what storing into the output's typed array
// would do, so a value kept in a local equals the value the eager kernel stores. Where no
// inline form is known, the expression calls the primitive's scalar function.

import { type DType, isFloat, isUnsigned } from "../../core/dtype.js";
import type { JaxprEqn } from "../../core/jaxpr.js";
import { expF32, tanhF32 } from "./fastmath.js";

/** Registers a value the generated code closes over and returns its name there. */
export type Capture = (value: unknown, hint: string) => string;

/** `x` converted as a store into a typed array of `dtype` converts it. */
export function roundTo(dtype: DType, x: string): string {
  switch (dtype) {
    case "float32":
      return `Math.fround(${x})`;
    case "float64":
      return x;
    case "int32":
      return `(${x} | 0)`;
    case "uint32":
      return `(${x} >>> 0)`;
    case "int16":
      return `(${x} << 16 >> 16)`;
    case "uint16":
      return `(${x} & 65535)`;
    case "int8":
      return `(${x} << 24 >> 24)`;
    case "uint8":
    case "bool":
      return `(${x} & 255)`;
    default:
      throw new Error(`jaxts internal error: no fused form for dtype ${dtype}`);
  }
}

/** A JS number as source text that reads back as exactly that number. */
export function numberLiteral(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (Object.is(v, -0)) return "(-0)";
  if (v === Number.POSITIVE_INFINITY) return "Infinity";
  if (v === Number.NEGATIVE_INFINITY) return "(-Infinity)";
  return v < 0 ? `(${v})` : String(v);
}

export interface Lowered {
  expr: string;
  /** The expression's value is already one the output dtype can hold (no rounding needed). */
  exact: boolean;
}

const MATH1: Record<string, string> = {
  sin: "Math.sin",
  cos: "Math.cos",
  tan: "Math.tan",
  exp: "Math.exp",
  log: "Math.log",
  log1p: "Math.log1p",
  expm1: "Math.expm1",
  sqrt: "Math.sqrt",
};
const COMPARE: Record<string, string> = { eq: "===", ne: "!==", lt: "<", le: "<=", gt: ">", ge: ">=" };
const BITWISE: Record<string, string> = { and: "&", or: "|", xor: "^" };

/** The expression for one element of `eqn`'s output from its inputs' values `xs`. */
export function lowerElementwise(eqn: JaxprEqn, xs: string[], capture: Capture): Lowered {
  const name = eqn.prim.name;
  const inDt = eqn.inputs[0]!.aval.dtype;
  const outDt = eqn.outBinders[0]!.aval.dtype;
  const float = isFloat(inDt);
  const [a, b] = xs;
  const exact = (expr: string): Lowered => ({ expr, exact: true });
  const rounded = (expr: string): Lowered => ({ expr, exact: outDt === "float64" });
  const call = (): Lowered => {
    const f = capture(eqn.prim.scalar!(inDt, eqn.params as never), `S_${name}`);
    return { expr: `${f}(${xs.join(", ")})`, exact: false };
  };
  if (name in COMPARE) return exact(`(${a} ${COMPARE[name]} ${b} ? 1 : 0)`);
  if (name === "exp" && outDt === "float32") return rounded(`${capture(expF32, "expF32")}(${a})`);
  if (name in MATH1 && float) return rounded(`${MATH1[name]}(${a})`);
  if (name in BITWISE && !float) return { expr: `(${a} ${BITWISE[name]} ${b})`, exact: inDt === "bool" || inDt === "int32" };
  switch (name) {
    case "add":
      if (inDt === "bool") return exact(`(${a} | ${b})`);
      return rounded(`(${a} + ${b})`);
    case "sub":
      return rounded(`(${a} - ${b})`);
    case "mul":
      if (inDt === "bool") return exact(`(${a} & ${b})`);
      if (!float) return { expr: `Math.imul(${a}, ${b})`, exact: inDt === "int32" };
      return rounded(`(${a} * ${b})`);
    case "div":
      return float ? rounded(`(${a} / ${b})`) : call();
    case "neg":
      if (float) return exact(`(-${a})`);
      return isUnsigned(inDt) ? call() : rounded(`(-${a})`);
    case "abs":
      if (float) return exact(`Math.abs(${a})`);
      return isUnsigned(inDt) ? exact(a!) : rounded(`Math.abs(${a})`);
    case "max":
      return exact(`(${a} !== ${a} || ${b} !== ${b} ? NaN : ${a} > ${b} ? ${a} : ${b})`);
    case "min":
      return exact(`(${a} !== ${a} || ${b} !== ${b} ? NaN : ${a} < ${b} ? ${a} : ${b})`);
    case "floor":
      return exact(`Math.floor(${a})`);
    case "ceil":
      return exact(`Math.ceil(${a})`);
    case "tanh":
      return outDt === "float32" ? rounded(`${capture(tanhF32, "tanhF32")}(${a})`) : rounded(`Math.tanh(${a})`);
    case "logistic":
      return rounded(`(1 / (1 + ${outDt === "float32" ? capture(expF32, "expF32") : "Math.exp"}(-${a})))`);
    case "rsqrt":
      return rounded(`(1 / Math.sqrt(${a}))`);
    case "integer_pow": {
      if (!float) return call();
      const y = (eqn.params as { y: number }).y;
      if (y === 2) return rounded(`(${a} * ${a})`);
      return rounded(`(${a} ** ${numberLiteral(y)})`);
    }
    case "select_n":
      return xs.length === 3 ? exact(`(${a} ? ${xs[2]} : ${b})`) : call();
    case "not":
      return inDt === "bool" ? exact(`(${a} ? 0 : 1)`) : rounded(`(~${a})`);
    case "convert_element_type":
      return convertExpr(inDt, outDt, a!);
    default:
      return call();
  }
}

/** convert_element_type as the eager `convert` kernel does it: truncation toward zero, then wrapping. */
function convertExpr(from: DType, to: DType, a: string): Lowered {
  if (to === "bool") return { expr: `(${a} !== 0 ? 1 : 0)`, exact: true };
  if (to === "float64") return { expr: a, exact: true };
  if (to === "float32") {
    const fits = from === "float32" || from === "bool" || from.endsWith("int8") || from.endsWith("int16");
    return { expr: a, exact: fits };
  }
  // integer targets: `roundTo` wraps; float sources truncate first
  return { expr: isFloat(from) ? `Math.trunc(${a})` : a, exact: from === to };
}
