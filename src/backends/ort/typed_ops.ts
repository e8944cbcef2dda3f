// Which dtypes onnxruntime's CPU kernels accept per operator, and the dtype-aware helpers
// the lowering rules use. Where a kernel lacks a dtype, the operation runs in a wider type
// that holds every value exactly (int16 in int32, uint32 in int64, bool in uint8) and is
// cast back; casts back wrap modulo 2^bits, so wrapping integer arithmetic stays exact.
//
// The table was measured on onnxruntime-node 1.30 (opset 18, CPU execution provider) by
// loading one-node models per operator and dtype; operators not listed accept every dtype
// the lowering gives them.
import { broadcastShapes, shapeEq, sizeOf } from "../../core/shape.js";
import type { Known, ODType, Scope, Val } from "./graph.js";
import { ifThenElse, int, known, OrtUnsupported, str, withKnown } from "./graph.js";

const F: ODType[] = ["float32", "float64"];
const NUM: ODType[] = ["float32", "float64", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64"];
const INTS: ODType[] = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64"];

export const KERNEL_TYPES: Readonly<Record<string, readonly ODType[]>> = {
  Neg: ["float32", "float64", "int8", "int16", "int32", "int64"],
  Abs: NUM,
  Sign: NUM,
  Add: NUM,
  Sub: NUM,
  Mul: NUM,
  Div: NUM,
  Mod: NUM,
  Max: ["float32", "float64", "int8", "uint8", "int32", "uint32", "int64"],
  Min: ["float32", "float64", "int8", "uint8", "int32", "uint32", "int64"],
  Equal: [...NUM, "bool"],
  Less: NUM,
  LessOrEqual: NUM,
  Greater: NUM,
  GreaterOrEqual: NUM,
  Where: ["float32", "float64", "uint8", "int32", "int64"],
  BitwiseAnd: INTS,
  BitwiseOr: INTS,
  BitwiseXor: INTS,
  BitwiseNot: INTS,
  BitShift: ["uint8", "uint32"],
  MatMul: ["float32", "float64", "int32", "uint32", "int64"],
  Gemm: F,
  ReduceSum: ["float32", "float64", "int32", "int64"],
  ReduceProd: ["float32", "float64", "int32", "int64"],
  ReduceMax: ["float32", "float64", "int8", "uint8", "int32", "int64"],
  ReduceMin: ["float32", "float64", "int8", "uint8", "int32", "int64"],
  ArgMax: ["float32", "float64", "int8", "uint8", "int32", "int64"],
  ArgMin: ["float32", "float64", "int8", "uint8", "int32", "int64"],
  CumSum: ["float32", "float64", "int32", "int64"],
  TopK: ["float32", "float64", "int8", "uint8", "int16", "int32", "int64"],
  Pad: ["float32", "float64", "int8", "uint8", "int32", "uint32", "int64", "bool"],
};

/** Wider types that hold every value of a dtype exactly, in order of preference. */
const PROXIES: Readonly<Record<ODType, readonly ODType[]>> = {
  bool: ["uint8", "int32"],
  int8: ["int32", "int64"],
  uint8: ["int32", "int64"],
  int16: ["int32", "int64"],
  uint16: ["int32", "int64"],
  int32: ["int64"],
  uint32: ["int64"],
  int64: [],
  float16: [],
  bfloat16: [],
  float32: [],
  float64: [],
};

/** The dtype `op` runs in for operands of `dtype`: the dtype itself or a proxy. */
export function kernelType(op: string, dtype: ODType): ODType {
  const ok = KERNEL_TYPES[op];
  if (!ok || ok.includes(dtype)) return dtype;
  const proxy = PROXIES[dtype].find((p) => ok.includes(p));
  if (!proxy) throw new OrtUnsupported(`onnxruntime has no ${op} kernel for ${dtype}`);
  return proxy;
}

/**
 * An elementwise op whose operands share one dtype, run in a proxy type if needed.
 * `out`: "same" (the operands' dtype, cast back from the proxy) or a fixed dtype (bool for comparisons).
 */
export function typed(g: Scope, op: string, xs: readonly Val[], out: "same" | ODType = "same", attrs = {}): Val {
  const dt = xs[0]!.dtype;
  const kt = kernelType(op, dt);
  const r = g.ew(
    op,
    xs.map((x) => g.cast(x, kt)),
    out === "same" ? kt : out,
    attrs,
  );
  return out === "same" ? g.cast(r, dt) : r;
}

/** Where(cond, a, b) for any dtype of a and b. */
export function where(g: Scope, cond: Val, a: Val, b: Val): Val {
  const dt = a.dtype;
  const tri = known(cond).triangle;
  if (tri && (dt === "float32" || dt === "float64") && a.shape.length >= 2 && shapeEq(cond.shape, a.shape) && shapeEq(a.shape, b.shape)) {
    const r = triangularWhere(g, tri, a, b) ?? triangularWhere(g, complement(tri), b, a);
    if (r) return r;
  }
  // where() on one boolean (optax's global-norm clipping picks the clipped or the plain
  // update this way): an If that hands on one operand, a copy, instead of Where's
  // per-element select (ten times the cost of a Mul)
  if (sizeOf(cond.pshape) === 1) {
    const shape = broadcastShapes("where", cond.shape, a.shape, b.shape);
    if (sizeOf(shape) >= IF_MIN_SIZE) {
      const pick = g.reshape({ ...cond, shape: cond.pshape }, []);
      return ifThenElse(
        g,
        pick,
        () => ({ ...a, shape }),
        () => ({ ...b, shape }),
      );
    }
  }
  const kt = kernelType("Where", dt);
  return g.cast(g.ew("Where", [cond, g.cast(a, kt), g.cast(b, kt)], kt), dt);
}

/** Outputs of at least this many elements pick by If when the condition is one boolean. */
const IF_MIN_SIZE = 4096;

type Triangle = NonNullable<Known["triangle"]>;
const complement = (t: Triangle): Triangle => (t.upper ? { upper: false, k: t.k - 1 } : { upper: true, k: t.k + 1 });

/**
 * where(mask, a, b) for a triangular mask (a causal attention mask) and a scalar constant b,
 * without onnxruntime's Where (ten times the cost of a Mul): Trilu keeps a inside the
 * triangle and writes +0 outside, and subtracting D (+0 inside, -b outside) puts b there.
 * Exact for every a and b (x - (+0) is x, -0 and NaN included; +0 - (-b) is b) except b = -0,
 * which is left to Where. Null when b is not such a constant.
 */
function triangularWhere(g: Scope, tri: Triangle, a: Val, b: Val): Val | null {
  const bv = known(b).scalar;
  if (bv === undefined || Object.is(bv, -0)) return null;
  const shape = a.shape;
  const [rows, cols] = shape.slice(-2) as [number, number];
  const kept = g.op("Trilu", [a, g.constant([tri.k], "int64", [])], a.dtype, shape, { upper: int(tri.upper ? 1 : 0) });
  if (bv === 0) return kept;
  const d = new Array<number>(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const inside = tri.upper ? c - r >= tri.k : c - r <= tri.k;
      d[r * cols + c] = inside ? 0 : -bv;
    }
  }
  return g.ew("Sub", [kept, g.constant(d, a.dtype, [rows, cols])], a.dtype);
}

/**
 * The triangle that `x op y` is, when x and y are iotas along the last two axes (one along
 * each), or undefined.
 */
function comparedTriangle(op: string, x: Val, y: Val): Triangle | undefined {
  const n = x.shape.length;
  const ax = known(x).iotaAxis;
  const ay = known(y).iotaAxis;
  if (n < 2 || ax === undefined || ay === undefined || !shapeEq(x.shape, y.shape)) return undefined;
  // with r the row index and c the column index, each comparison is c - r against a bound
  let rowFirst: boolean;
  if (ax === n - 2 && ay === n - 1) rowFirst = true;
  else if (ax === n - 1 && ay === n - 2) rowFirst = false;
  else return undefined;
  switch (op) {
    case "GreaterOrEqual": // r >= c: c - r <= 0;  c >= r: c - r >= 0
      return rowFirst ? { upper: false, k: 0 } : { upper: true, k: 0 };
    case "Greater": // r > c: c - r <= -1;  c > r: c - r >= 1
      return rowFirst ? { upper: false, k: -1 } : { upper: true, k: 1 };
    case "LessOrEqual": // r <= c: c - r >= 0;  c <= r: c - r <= 0
      return rowFirst ? { upper: true, k: 0 } : { upper: false, k: 0 };
    case "Less": // r < c: c - r >= 1;  c < r: c - r <= -1
      return rowFirst ? { upper: true, k: 1 } : { upper: false, k: -1 };
    default:
      return undefined;
  }
}

export const not = (g: Scope, x: Val): Val => g.ew("Not", [x], "bool");
export const and = (g: Scope, x: Val, y: Val): Val => g.ew("And", [x, y], "bool");
export const or = (g: Scope, x: Val, y: Val): Val => g.ew("Or", [x, y], "bool");
export const nan = (g: Scope, x: Val): Val => g.ew("IsNaN", [x], "bool");
export function cmp(g: Scope, op: "Equal" | "Less" | "LessOrEqual" | "Greater" | "GreaterOrEqual", x: Val, y: Val): Val {
  const r = typed(g, op, [x, y], "bool");
  const triangle = comparedTriangle(op, x, y);
  return triangle ? withKnown(r, { triangle }) : r;
}
export const add = (g: Scope, x: Val, y: Val): Val => typed(g, "Add", [x, y]);
export const sub = (g: Scope, x: Val, y: Val): Val => typed(g, "Sub", [x, y]);
export const mul = (g: Scope, x: Val, y: Val): Val => typed(g, "Mul", [x, y]);
export const max = (g: Scope, x: Val, y: Val): Val => typed(g, "Max", [x, y]);
export const min = (g: Scope, x: Val, y: Val): Val => typed(g, "Min", [x, y]);
export const shift = (g: Scope, x: Val, y: Val, direction: "LEFT" | "RIGHT"): Val =>
  typed(g, "BitShift", [x, y], "same", { direction: str(direction) });

/** A reduction over `axes` (keepdims=0), in a proxy type if needed. */
export function reduce(g: Scope, op: string, x: Val, axes: readonly number[]): Val {
  const kt = kernelType(op, x.dtype);
  const shape = x.shape.filter((_, d) => !axes.includes(d));
  const r = g.op(op, [g.cast(g.full(x), kt), g.i64s(axes)], kt, shape, { keepdims: int(0) });
  return g.cast(r, x.dtype);
}
