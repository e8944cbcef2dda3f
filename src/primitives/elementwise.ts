// Elementwise primitives (lax semantics: operands of equal shape and dtype; jax.numpy
// does the broadcasting and promotion before binding these).

import { bitcast, convert, elementwise, type Scalar } from "../backends/cpu/kernels.js";
import * as E from "../backends/ort/elementwise_ops.js";
import { int, ONNX_CODE, OrtUnsupported } from "../backends/ort/graph.js";
import type { LowerRule } from "../backends/ort/rule.js";
import * as T from "../backends/ort/typed_ops.js";
import { ArrayImpl, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { type DType, isFloat, isInteger, isUnsigned } from "../core/dtype.js";
import { definePrimitive, type Primitive, type Tangent, UndefPrimal, Zero } from "../core/primitive.js";
import { fmtShape, shapeEq } from "../core/shape.js";
import { bind, bind1 } from "../core/trace.js";
import { reduceSum } from "./reduce.js";
import { addTangents, batchElementwise, instantiate, isZero, negTangent, scaleTangent } from "./rules.js";
import { broadcastInDim, fullLike } from "./shape_ops.js";

type Kernel = (dtype: DType) => Scalar;

/**
 * The output aval of an elementwise primitive: operands share one dtype and one shape,
 * except that rank-0 operands broadcast (as in JAX's lax: `mul a 2.0:f32[]`).
 */
function checkSame(name: string, avals: ShapedArray[], scalarsBroadcast = true): ShapedArray {
  const a = avals[0]!;
  let shape: readonly number[] | null = null;
  for (const b of avals) {
    if (b.dtype !== a.dtype) {
      throw new TypeError(
        `${name}: operands must have equal dtypes, got ${avals.map((x) => x.dtype).join(" and ")}. ` +
          "Use jnp functions (which promote) or .astype() explicitly.",
      );
    }
    if (scalarsBroadcast && b.ndim === 0) continue;
    if (shape === null) shape = b.shape;
    else if (!shapeEq(shape, b.shape)) {
      throw new Error(
        `${name}: operands must have equal shapes (or be scalars), got ${avals.map((x) => fmtShape(x.shape)).join(" and ")}. ` +
          "Use jnp functions (which broadcast) or broadcast explicitly.",
      );
    }
  }
  const weak = avals.every((x) => x.weakType);
  // an operand's aval already describes the result when shapes and weak types agree (most ops)
  for (const b of avals) if (b.weakType === weak && shapeEq(b.shape, shape ?? [])) return b;
  return new ShapedArray(shape ?? [], a.dtype, weak);
}

/** Sums a cotangent down to a rank-0 operand that was broadcast in the forward pass. */
function unbroadcast(ct: Tangent | null, operand: { aval: ShapedArray }): Tangent | null {
  if (ct === null || ct instanceof Zero || operand.aval.ndim !== 0 || ct.ndim === 0) return ct;
  return reduceSum(ct, [...ct.shape.keys()]);
}

interface ElementwiseSpec {
  name: string;
  arity: number;
  kernel: Kernel;
  /** Which dtypes the op accepts (for a clear error); default: any. */
  accepts?: (d: DType) => boolean;
  /** Output dtype; default: the operands' dtype. */
  outDtype?: DType;
  jvp: (primals: JaxArray[], tangents: Tangent[], out: JaxArray) => Tangent;
  transpose?: (ct: JaxArray, args: (JaxArray | UndefPrimal)[]) => (Tangent | null)[];
  onnx: LowerRule;
}

function elementwiseOp(spec: ElementwiseSpec): Primitive<Record<string, never>> {
  // One scalar function per dtype, created once: the eager kernel caches its generated loop by it.
  const kernels = new Map<DType, Scalar>();
  const kernel = (dtype: DType): Scalar => {
    let f = kernels.get(dtype);
    if (!f) {
      f = spec.kernel(dtype);
      kernels.set(dtype, f);
    }
    return f;
  };
  const prim: Primitive<Record<string, never>> = definePrimitive<Record<string, never>>({
    name: spec.name,
    abstractEval(avals) {
      if (avals.length !== spec.arity) throw new Error(`${spec.name} takes ${spec.arity} operands, got ${avals.length}`);
      const a = checkSame(spec.name, avals);
      if (spec.accepts && !spec.accepts(a.dtype)) {
        throw new TypeError(`${spec.name} does not accept dtype ${a.dtype}.`);
      }
      return [spec.outDtype ? new ShapedArray(a.shape, spec.outDtype, false) : a];
    },
    impl(args) {
      const [aval] = prim.abstractEval(
        args.map((a) => a.aval),
        {},
      );
      return [elementwise(kernel(args[0]!.dtype), args, aval!)];
    },
    jvp(primals, tangents) {
      const out = bind1(prim, primals, {});
      const t = spec.jvp(primals, tangents, out);
      // the tangent of a broadcast scalar operand broadcasts to the output
      return [[out], [t instanceof Zero || shapeEq(t.shape, out.shape) ? t : broadcastInDim(t, out.shape, [])]];
    },
    transpose: spec.transpose ? (cts, args) => spec.transpose!(instantiate(cts[0]!), args).map((c, i) => unbroadcast(c, args[i]!)) : null,
    batch: batchElementwise((args) => bind(prim, args, {})),
    scalar: kernel,
    onnx: spec.onnx,
  });
  return prim;
}

const same =
  (f: Scalar): Kernel =>
  () =>
    f;
const floatOnly = (d: DType) => isFloat(d);
const zeroJvp = (_p: JaxArray[], _t: Tangent[], out: JaxArray): Tangent => new Zero(out.aval);

// ---- unary ----
export const negP = elementwiseOp({
  name: "neg",
  arity: 1,
  kernel: (d) => (isUnsigned(d) ? (x) => -x >>> 0 : (x) => -x),
  jvp: (_, [t]) => negTangent(t!),
  transpose: (ct) => [neg(ct)],
  onnx: (g, [x]) => [isUnsigned(x!.dtype as DType) ? T.sub(g, g.scalar(0, x!.dtype), x!) : T.typed(g, "Neg", [x!])],
});
export const sinP = elementwiseOp({
  name: "sin",
  arity: 1,
  kernel: same(Math.sin),
  accepts: floatOnly,
  jvp: ([x], [t]) => scaleTangent(t!, cos(x!)),
  onnx: E.unary("Sin"),
});
export const cosP = elementwiseOp({
  name: "cos",
  arity: 1,
  kernel: same(Math.cos),
  accepts: floatOnly,
  jvp: ([x], [t]) => scaleTangent(t!, neg(sin(x!))),
  onnx: E.unary("Cos"),
});
export const tanP = elementwiseOp({
  name: "tan",
  arity: 1,
  kernel: same(Math.tan),
  accepts: floatOnly,
  jvp: (_, [t], y) => scaleTangent(t!, add(fullLike(y.aval, 1), mul(y, y))),
  onnx: (g, [x]) => {
    E.floatOnly("tan", x!);
    if (x!.dtype === "float32") return [g.ew("Tan", [x!], "float32")];
    return [g.ew("Div", [g.ew("Sin", [x!], "float64"), g.ew("Cos", [x!], "float64")], "float64")];
  },
});
export const tanhP = elementwiseOp({
  name: "tanh",
  arity: 1,
  kernel: same(Math.tanh),
  accepts: floatOnly,
  jvp: (_, [t], y) => scaleTangent(t!, sub(fullLike(y.aval, 1), mul(y, y))),
  onnx: E.unary("Tanh"),
});
export const expP = elementwiseOp({
  name: "exp",
  arity: 1,
  kernel: same(Math.exp),
  accepts: floatOnly,
  jvp: (_, [t], y) => scaleTangent(t!, y),
  onnx: E.unary("Exp"),
});
export const logP = elementwiseOp({
  name: "log",
  arity: 1,
  kernel: same(Math.log),
  accepts: floatOnly,
  jvp: ([x], [t]) => divTangent(t!, x!),
  onnx: E.unary("Log"),
});
export const log1pP = elementwiseOp({
  name: "log1p",
  arity: 1,
  kernel: same(Math.log1p),
  accepts: floatOnly,
  jvp: ([x], [t]) => divTangent(t!, add(x!, fullLike(x!.aval, 1))),
  onnx: (g, [x]) => {
    E.floatOnly("log1p", x!);
    return [E.log1p(g, x!)];
  },
});
export const expm1P = elementwiseOp({
  name: "expm1",
  arity: 1,
  kernel: same(Math.expm1),
  accepts: floatOnly,
  jvp: (_, [t], y) => scaleTangent(t!, add(y, fullLike(y.aval, 1))),
  onnx: (g, [x]) => {
    E.floatOnly("expm1", x!);
    return [E.expm1(g, x!)];
  },
});
export const sqrtP = elementwiseOp({
  name: "sqrt",
  arity: 1,
  kernel: same(Math.sqrt),
  accepts: floatOnly,
  jvp: (_, [t], y) => divTangent(t!, mul(y, fullLike(y.aval, 2))),
  onnx: E.unary("Sqrt"),
});
export const rsqrtP = elementwiseOp({
  name: "rsqrt",
  arity: 1,
  kernel: same((x) => 1 / Math.sqrt(x)),
  accepts: floatOnly,
  jvp: ([x], [t], y) => scaleTangent(t!, mul(div(y, x!), fullLike(y.aval, -0.5))),
  onnx: (g, [x]) => {
    E.floatOnly("rsqrt", x!);
    return [g.ew("Div", [g.scalar(1, x!.dtype), g.ew("Sqrt", [x!], x!.dtype)], x!.dtype)];
  },
});
export const logisticP = elementwiseOp({
  name: "logistic",
  arity: 1,
  kernel: same((x) => 1 / (1 + Math.exp(-x))),
  accepts: floatOnly,
  jvp: (_, [t], y) => scaleTangent(t!, mul(y, sub(fullLike(y.aval, 1), y))),
  onnx: E.unary("Sigmoid"),
});
export const absP = elementwiseOp({
  name: "abs",
  arity: 1,
  kernel: (d) => (isUnsigned(d) ? (x) => x : Math.abs),
  jvp: ([x], [t]) => scaleTangent(t!, sign(x!)),
  onnx: (g, [x]) => [isUnsigned(x!.dtype as DType) ? x! : T.typed(g, "Abs", [x!])],
});
export const signP = elementwiseOp({
  name: "sign",
  arity: 1,
  kernel: (d) => (isUnsigned(d) ? (x) => (x > 0 ? 1 : 0) : (x) => (Number.isNaN(x) ? x : x > 0 ? 1 : x < 0 ? -1 : 0)),
  jvp: zeroJvp,
  onnx: (g, [x]) => [T.typed(g, "Sign", [x!])],
});
export const floorP = elementwiseOp({
  name: "floor",
  arity: 1,
  kernel: same(Math.floor),
  accepts: floatOnly,
  jvp: zeroJvp,
  onnx: E.unary("Floor"),
});
export const ceilP = elementwiseOp({
  name: "ceil",
  arity: 1,
  kernel: same(Math.ceil),
  accepts: floatOnly,
  jvp: zeroJvp,
  onnx: E.unary("Ceil"),
});
/** Rounds half to even, as jnp.round does. */
export const roundP = elementwiseOp({
  name: "round",
  arity: 1,
  kernel: same((x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }),
  accepts: floatOnly,
  jvp: zeroJvp,
  onnx: E.unary("Round"), // ONNX Round rounds half to even too
});
export const notP = elementwiseOp({
  name: "not",
  arity: 1,
  kernel: (d) => (d === "bool" ? (x) => (x ? 0 : 1) : (x) => ~x),
  accepts: (d) => !isFloat(d),
  jvp: zeroJvp,
  onnx: (g, [x]) => [x!.dtype === "bool" ? T.not(g, x!) : g.ew("BitwiseNot", [x!], x!.dtype)],
});
export const isFiniteP = elementwiseOp({
  name: "is_finite",
  arity: 1,
  kernel: same((x) => (Number.isFinite(x) ? 1 : 0)),
  accepts: floatOnly,
  outDtype: "bool",
  jvp: zeroJvp,
  onnx: (g, [x]) => {
    E.floatOnly("is_finite", x!);
    return [T.not(g, T.or(g, T.nan(g, x!), g.ew("IsInf", [x!], "bool")))];
  },
});

// ---- binary ----
export const addP = elementwiseOp({
  name: "add",
  arity: 2,
  kernel: (d) => (d === "bool" ? (x, y) => x | y : (x, y) => x + y),
  jvp: (_, [a, b]) => addTangents(a!, b!),
  transpose: (ct, [x, y]) => [isUndef(x) ? ct : null, isUndef(y) ? ct : null],
  onnx: (g, [x, y]) => [x!.dtype === "bool" ? T.or(g, x!, y!) : T.add(g, x!, y!)],
});
export const subP = elementwiseOp({
  name: "sub",
  arity: 2,
  kernel: same((x, y) => x - y),
  jvp: (_, [a, b]) => addTangents(a!, negTangent(b!)),
  transpose: (ct, [x, y]) => [isUndef(x) ? ct : null, isUndef(y) ? neg(ct) : null],
  onnx: (g, [x, y]) => [T.sub(g, x!, y!)],
});
export const mulP = elementwiseOp({
  name: "mul",
  arity: 2,
  kernel: (d) => (d === "bool" ? (x, y) => x & y : isInteger(d) ? Math.imul : (x, y) => x * y),
  jvp: ([x, y], [a, b]) => addTangents(scaleTangent(a!, y!), scaleTangent(b!, x!)),
  transpose: (ct, [x, y]) => {
    if (isUndef(x) && isUndef(y)) throw new Error("mul: cannot transpose a product of two linear inputs");
    return isUndef(x) ? [mul(ct, y! as JaxArray), null] : [null, mul(x! as JaxArray, ct)];
  },
  onnx: (g, [x, y]) => [x!.dtype === "bool" ? T.and(g, x!, y!) : T.mul(g, x!, y!)],
});
export const divP = elementwiseOp({
  name: "div",
  arity: 2,
  kernel: (d) => (isInteger(d) ? (x, y) => (y === 0 ? (isUnsigned(d) ? 0xffffffff : -1) : Math.trunc(x / y)) : (x, y) => x / y),
  jvp: ([, y], [a, b], out) => addTangents(divTangent(a!, y!), negTangent(scaleTangent(b!, div(out, y!)))),
  transpose: (ct, [x, y]) => {
    if (isUndef(y)) throw new Error("div: cannot transpose with respect to the divisor");
    return [isUndef(x) ? div(ct, y! as JaxArray) : null, null];
  },
  onnx: (g, [x, y]) => [isFloat(x!.dtype as DType) ? g.ew("Div", [x!, y!], x!.dtype) : E.intDivRem(g, x!, y!, false)],
});
/** Remainder with the dividend's sign (C fmod), as lax.rem. */
export const remP = elementwiseOp({
  name: "rem",
  arity: 2,
  kernel: (d) => (isInteger(d) ? (x, y) => (y === 0 ? x : x % y) : (x, y) => x % y),
  jvp: ([x, y], [a, b]) => {
    const q = div(x!, y!);
    return addTangents(a!, negTangent(scaleTangent(b!, mul(sign(q), floor(abs(q))))));
  },
  onnx: (g, [x, y]) => [isFloat(x!.dtype as DType) ? g.ew("Mod", [x!, y!], x!.dtype, { fmod: int(1) }) : E.intDivRem(g, x!, y!, true)],
});
export const powP = elementwiseOp({
  name: "pow",
  arity: 2,
  // C's pow (and XLA's): 1^y = 1 even for NaN y, (-1)^±inf = 1; JS's Math.pow gives NaN there
  kernel: same((x, y) => (x === 1 || (x === -1 && (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY)) ? 1 : x ** y)),
  accepts: floatOnly,
  jvp: ([x, y], [a, b], out) => {
    // d/dx = y * x^(y-1), zero where y == 0; d/dy = log(x) * x^y, zero where x == 0.
    const zero = fullLike(x!.aval, 0);
    const one = fullLike(x!.aval, 1);
    const ta = scaleTangent(a!, select(eq(y!, zero), zero, mul(y!, pow(x!, sub(y!, one)))));
    const tb = scaleTangent(b!, select(eq(x!, zero), zero, mul(log(select(eq(x!, zero), one, x!)), out)));
    return addTangents(ta, tb);
  },
  onnx: (g, [x, y]) => {
    E.floatOnly("pow", x!);
    return [g.ew("Pow", [x!, y!], x!.dtype)];
  },
});
export const maxP = elementwiseOp({
  name: "max",
  arity: 2,
  kernel: same((x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x > y ? x : y)),
  jvp: ([x, y], [a, b]) => balancedJvp(x!, y!, a!, b!, gt),
  onnx: (g, [x, y]) => [T.max(g, x!, y!)],
});
export const minP = elementwiseOp({
  name: "min",
  arity: 2,
  kernel: same((x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x < y ? x : y)),
  jvp: ([x, y], [a, b]) => balancedJvp(x!, y!, a!, b!, lt),
  onnx: (g, [x, y]) => [T.min(g, x!, y!)],
});
export const atan2P = elementwiseOp({
  name: "atan2",
  arity: 2,
  kernel: same(Math.atan2),
  accepts: floatOnly,
  jvp: ([x, y], [a, b]) => {
    // d atan2(x, y) = (y dx - x dy) / (x^2 + y^2)
    const den = add(mul(x!, x!), mul(y!, y!));
    return addTangents(divTangent(scaleTangent(a!, y!), den), divTangent(negTangent(scaleTangent(b!, x!)), den));
  },
  onnx: (g, [x, y]) => {
    E.floatOnly("atan2", x!, ["float32"]);
    return [E.atan2(g, x!, y!)];
  },
});

const intOrBool = (d: DType) => !isFloat(d);
export const andP = elementwiseOp({
  name: "and",
  arity: 2,
  kernel: same((x, y) => x & y),
  accepts: intOrBool,
  jvp: zeroJvp,
  onnx: (g, [x, y]) => [x!.dtype === "bool" ? T.and(g, x!, y!) : g.ew("BitwiseAnd", [x!, y!], x!.dtype)],
});
export const orP = elementwiseOp({
  name: "or",
  arity: 2,
  kernel: same((x, y) => x | y),
  accepts: intOrBool,
  jvp: zeroJvp,
  onnx: (g, [x, y]) => [x!.dtype === "bool" ? T.or(g, x!, y!) : g.ew("BitwiseOr", [x!, y!], x!.dtype)],
});
export const xorP = elementwiseOp({
  name: "xor",
  arity: 2,
  kernel: same((x, y) => x ^ y),
  accepts: intOrBool,
  jvp: zeroJvp,
  onnx: (g, [x, y]) => [x!.dtype === "bool" ? g.ew("Xor", [x!, y!], "bool") : g.ew("BitwiseXor", [x!, y!], x!.dtype)],
});
const intOnly = (d: DType) => isInteger(d);
const bits = (d: DType) => (d.endsWith("8") ? 8 : d.endsWith("16") ? 16 : 32);
export const shiftLeftP = elementwiseOp({
  name: "shift_left",
  arity: 2,
  kernel: (d) => (x, y) => (y >= bits(d) || y < 0 ? 0 : x << y),
  accepts: intOnly,
  jvp: zeroJvp,
  onnx: (g, [x, y]) => [E.shiftLeft(g, x!, y!)],
});
export const shiftRightLogicalP = elementwiseOp({
  name: "shift_right_logical",
  arity: 2,
  kernel: (d) => {
    const n = bits(d);
    const mask = n === 32 ? 0xffffffff : (1 << n) - 1;
    return (x, y) => (y >= n || y < 0 ? 0 : ((x & mask) >>> y) >>> 0);
  },
  accepts: intOnly,
  jvp: zeroJvp,
  onnx: (g, [x, y]) => [E.shiftRightLogical(g, x!, y!)],
});
export const shiftRightArithmeticP = elementwiseOp({
  name: "shift_right_arithmetic",
  arity: 2,
  kernel: (d) => (x, y) => x >> Math.min(Math.max(y, 0), bits(d) - 1),
  accepts: intOnly,
  jvp: zeroJvp,
  onnx: (g, [x, y]) => [E.shiftRightArithmetic(g, x!, y!)],
});

function compareOp(name: string, f: Scalar, onnx: LowerRule): Primitive {
  return elementwiseOp({ name, arity: 2, kernel: same(f), outDtype: "bool", jvp: zeroJvp, onnx });
}
const onnxCompare =
  (op: "Equal" | "Less" | "LessOrEqual" | "Greater" | "GreaterOrEqual"): LowerRule =>
  (g, [x, y]) => [T.cmp(g, op, x!, y!)];
export const eqP = compareOp("eq", (x, y) => (x === y ? 1 : 0), onnxCompare("Equal"));
export const neP = compareOp(
  "ne",
  (x, y) => (x !== y ? 1 : 0),
  (g, [x, y]) => [T.not(g, T.cmp(g, "Equal", x!, y!))],
);
export const ltP = compareOp("lt", (x, y) => (x < y ? 1 : 0), onnxCompare("Less"));
export const leP = compareOp("le", (x, y) => (x <= y ? 1 : 0), onnxCompare("LessOrEqual"));
export const gtP = compareOp("gt", (x, y) => (x > y ? 1 : 0), onnxCompare("Greater"));
export const geP = compareOp("ge", (x, y) => (x >= y ? 1 : 0), onnxCompare("GreaterOrEqual"));

// ---- integer_pow: x ** n for a static integer n (exact, and differentiable at x < 0) ----
export const integerPowP: Primitive<{ y: number }> = definePrimitive<{ y: number }>({
  name: "integer_pow",
  abstractEval: ([x]) => [x!],
  impl([x], p) {
    return [elementwise(integerPowP.scalar!(x!.dtype, p), [x!], x!.aval)];
  },
  scalar: (dtype, { y }) => intPowKernel(isInteger(dtype), y),
  jvp([x], [t], { y }) {
    const out = integerPow(x!, y);
    if (y === 0) return [[out], [new Zero(x!.aval)]];
    if (y === 1) return [[out], [t!]];
    // d/dx x^y = y·x^(y-1), with y as a rank-0 operand (elementwise ops broadcast it)
    const k = ArrayImpl.scalar(y, x!.dtype, x!.weakType);
    const d = mul(y === 2 ? x! : integerPow(x!, y - 1), k);
    return [[out], [scaleTangent(t!, d)]];
  },
  transpose: null,
  batch: batchElementwise((args, p) => [integerPow(args[0]!, p.y)]),
  onnx: (g, [x], { y }) => [E.integerPow(g, x!, y)],
});

const intPowKernels = new Map<string, Scalar>();
function intPowKernel(integer: boolean, y: number): Scalar {
  const key = `${integer}|${y}`;
  let f = intPowKernels.get(key);
  if (!f) {
    f = integer ? (v) => intPow(v, y) : y === 2 ? (v) => v * v : (v) => v ** y;
    intPowKernels.set(key, f);
  }
  return f;
}

function intPow(b: number, e: number): number {
  if (e < 0) return b === 1 ? 1 : b === -1 ? (e % 2 ? -1 : 1) : 0;
  let r = 1;
  for (let i = 0; i < e; i++) r = Math.imul(r, b);
  return r;
}

// ---- select_n(which, *cases): cases[which], elementwise ----
const select2: Scalar = (w, a, b) => (w ? b! : a!);
/** The selector is bool or int32; it and the cases share one shape, rank-0 ones broadcast. */
function selectAval(which: ShapedArray, cases: ShapedArray[]): ShapedArray {
  if (which.dtype !== "bool" && which.dtype !== "int32") {
    throw new TypeError(`select_n: the selector must be bool or int32, got ${which.dtype}.`);
  }
  const out = checkSame("select_n", cases);
  if (which.ndim !== 0 && out.ndim !== 0 && !shapeEq(which.shape, out.shape)) {
    throw new Error(`select_n: selector shape ${fmtShape(which.shape)} must equal the case shape ${fmtShape(out.shape)} (or be a scalar).`);
  }
  return out.ndim === 0 && which.ndim !== 0 ? new ShapedArray(which.shape, out.dtype, out.weakType) : out;
}
const selectMany: Scalar = (w, ...cs) => cs[w]!;
export const selectNP = definePrimitive<Record<string, never>>({
  name: "select_n",
  abstractEval([which, ...cases]) {
    return [selectAval(which!, cases)];
  },
  impl([which, ...cases]) {
    const aval = selectAval(
      which!.aval,
      cases.map((c) => c.aval),
    );
    return [elementwise(cases.length === 2 ? select2 : selectMany, [which!, ...cases], aval)];
  },
  scalar: () => selectMany,
  jvp([which, ...cases], [, ...tangents]) {
    const out = selectN(which!, cases);
    if (tangents.every((t) => isZero(t))) return [[out], [new Zero(out.aval)]];
    const t = selectN(which!, tangents.map(instantiate));
    return [[out], [shapeEq(t.shape, out.shape) ? t : broadcastInDim(t, out.shape, [])]];
  },
  transpose([ct], [which, ...cases]) {
    if (isUndef(which)) throw new Error("select_n: cannot transpose with respect to the selector");
    const c = instantiate(ct!);
    const zero = fullLike(c.aval, 0);
    return [
      null,
      ...cases.map((x, i) =>
        isUndef(x)
          ? unbroadcast(
              selectN(
                which! as JaxArray,
                cases.map((_, j) => (j === i ? c : zero)),
              ),
              x,
            )
          : null,
      ),
    ];
  },
  batch: batchElementwise((args) => [selectN(args[0]!, args.slice(1))]),
  onnx: (g, [which, ...cases]) => {
    if (which!.dtype === "bool") return [cases.length === 1 ? cases[0]! : T.where(g, which!, cases[1]!, cases[0]!)];
    let r = cases[cases.length - 1]!;
    for (let i = cases.length - 2; i >= 0; i--) r = T.where(g, T.cmp(g, "Equal", which!, g.scalar(i, which!.dtype)), cases[i]!, r);
    return [r];
  },
});

// ---- dtype conversion ----
export const convertElementTypeP = definePrimitive<{ newDtype: DType; weakType: boolean }>({
  name: "convert_element_type",
  abstractEval: ([x], { newDtype, weakType }) => [new ShapedArray(x!.shape, newDtype, weakType)],
  impl: ([x], p) => [convert(x!, new ShapedArray(x!.shape, p.newDtype, p.weakType))],
  jvp([x], [t], p) {
    const out = convertElementType(x!, p.newDtype, p.weakType);
    if (!isFloat(p.newDtype) || !isFloat(x!.dtype)) return [[out], [new Zero(out.aval)]];
    return [[out], [convertElementType(instantiate(t!), p.newDtype, p.weakType)]];
  },
  transpose([ct], [x]) {
    const a = (x as { aval: ShapedArray }).aval;
    return [convertElementType(instantiate(ct!), a.dtype, a.weakType)];
  },
  batch: batchElementwise(([x], p) => [convertElementType(x!, p.newDtype, p.weakType)]),
  // the output aval's dtype, not newDtype: lower.ts computes 16-bit floats in float32
  onnx: (g, [x], _p, [out]) => [E.convert(g, x!, out!.dtype)],
  printParams: (p) => `[new_dtype=${p.newDtype} weak_type=${p.weakType ? "True" : "False"}]`,
});

export const bitcastConvertTypeP = definePrimitive<{ newDtype: DType }>({
  name: "bitcast_convert_type",
  abstractEval([x], { newDtype }) {
    const size = (d: DType) => (d.endsWith("64") ? 8 : d.endsWith("32") ? 4 : d.endsWith("16") ? 2 : 1);
    if (size(x!.dtype) !== size(newDtype)) {
      throw new TypeError(`bitcast_convert_type: ${x!.dtype} and ${newDtype} have different sizes.`);
    }
    return [new ShapedArray(x!.shape, newDtype)];
  },
  impl: ([x], p) => [bitcast(x!, new ShapedArray(x!.shape, p.newDtype))],
  jvp: ([x], _t, p) => {
    const out = bitcastConvertType(x!, p.newDtype);
    return [[out], [new Zero(out.aval)]];
  },
  transpose: null,
  batch: batchElementwise(([x], p) => [bitcastConvertType(x!, p.newDtype)]),
  onnx: (g, [x], { newDtype }, _outs, ctx) => {
    if (ctx.widened || !E.BITCAST_TYPES.includes(x!.dtype) || !E.BITCAST_TYPES.includes(newDtype)) {
      throw new OrtUnsupported(`bitcast_convert_type from ${x!.dtype} to ${newDtype}`);
    }
    g.requireOpset(26); // BitCast is new in opset 26
    return [g.ew("BitCast", [x!], newDtype, { to: int(ONNX_CODE[newDtype]) })];
  },
});

/** Identity whose derivative is zero (lax.stop_gradient). */
export const stopGradientP = definePrimitive<Record<string, never>>({
  name: "stop_gradient",
  abstractEval: ([x]) => [x!],
  impl: ([x]) => [x!],
  jvp: ([x]) => [[stopGradient(x!)], [new Zero(x!.aval)]],
  transpose: null,
  batch: (_n, [x], [d]) => [[stopGradient(x!)], [d ?? null]],
  onnx: (_g, [x]) => [x!],
});

// ---- binders: the lax-level functions (equal shapes and dtypes required) ----
/** The params of parameterless primitives: one shared (never mutated) object, not one per call. */
const NO_PARAMS = Object.freeze({});
const b1 =
  (p: Primitive) =>
  (...xs: JaxArray[]) =>
    bind1(p, xs, NO_PARAMS);
export const neg = b1(negP);
export const sin = b1(sinP);
export const cos = b1(cosP);
export const tan = b1(tanP);
export const tanh = b1(tanhP);
export const exp = b1(expP);
export const log = b1(logP);
export const log1p = b1(log1pP);
export const expm1 = b1(expm1P);
export const sqrt = b1(sqrtP);
export const rsqrt = b1(rsqrtP);
export const logistic = b1(logisticP);
export const abs = b1(absP);
export const sign = b1(signP);
export const floor = b1(floorP);
export const ceil = b1(ceilP);
export const round = b1(roundP);
export const not = b1(notP);
// biome-ignore lint/suspicious/noShadowRestrictedNames: the camelCase name of lax.is_finite
export const isFinite = b1(isFiniteP);
export const add = b1(addP);
export const sub = b1(subP);
export const mul = b1(mulP);
export const div = b1(divP);
export const rem = b1(remP);
export const pow = b1(powP);
export const max = b1(maxP);
export const min = b1(minP);
export const atan2 = b1(atan2P);
export const and = b1(andP);
export const or = b1(orP);
export const xor = b1(xorP);
export const shiftLeft = b1(shiftLeftP);
export const shiftRightLogical = b1(shiftRightLogicalP);
export const shiftRightArithmetic = b1(shiftRightArithmeticP);
export const eq = b1(eqP);
export const ne = b1(neP);
export const lt = b1(ltP);
export const le = b1(leP);
export const gt = b1(gtP);
export const ge = b1(geP);
export const integerPow = (x: JaxArray, y: number): JaxArray => bind1(integerPowP, [x], { y });
export const selectN = (which: JaxArray, cases: JaxArray[]): JaxArray => bind1(selectNP, [which, ...cases], {});
/** lax.select(pred, onTrue, onFalse). */
export const select = (pred: JaxArray, onTrue: JaxArray, onFalse: JaxArray): JaxArray => selectN(pred, [onFalse, onTrue]);
export const convertElementType = (x: JaxArray, newDtype: DType, weakType = false): JaxArray =>
  x.dtype === newDtype && x.weakType === weakType ? x : bind1(convertElementTypeP, [x], { newDtype, weakType });
export const bitcastConvertType = (x: JaxArray, newDtype: DType): JaxArray => bind1(bitcastConvertTypeP, [x], { newDtype });
export const stopGradient = (x: JaxArray): JaxArray => bind1(stopGradientP, [x], {});

// ---- helpers ----
function divTangent(t: Tangent, by: JaxArray): Tangent {
  return t instanceof Zero ? t : div(t, by);
}

/** JAX's max/min JVP: the tangent of the winner; ties split the tangents half and half. */
function balancedJvp(x: JaxArray, y: JaxArray, a: Tangent, b: Tangent, wins: (p: JaxArray, q: JaxArray) => JaxArray): Tangent {
  const one = fullLike(x.aval, 1);
  const half = fullLike(x.aval, 0.5);
  const zero = fullLike(x.aval, 0);
  const tie = eq(x, y);
  const wx = select(tie, half, select(wins(x, y), one, zero));
  const wy = select(tie, half, select(wins(y, x), one, zero));
  return addTangents(scaleTangent(a, wx), scaleTangent(b, wy));
}

function isUndef(x: unknown): x is UndefPrimal {
  return x instanceof UndefPrimal;
}
