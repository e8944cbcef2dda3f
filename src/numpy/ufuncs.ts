// Elementwise jax.numpy functions: promotion and broadcasting, then lax primitives.
import type { ArrayLike, JaxArray } from "../core/array.js";
import { isFloat, isInteger } from "../core/dtype.js";
import { broadcastShapes } from "../core/shape.js";
import * as lax from "../primitives/elementwise.js";
import { fullLike } from "../primitives/shape_ops.js";
import { asJax, broadcastTo, castTo, promoteArgs, promoteInexact } from "./coerce.js";
import { type NonzeroOpts, nonzero } from "./gather.js";
import { divmod } from "./math.js";

type Binary = (x: ArrayLike, y: ArrayLike) => JaxArray;
type Unary = (x: ArrayLike) => JaxArray;

const binary =
  (name: string, f: (a: JaxArray, b: JaxArray) => JaxArray): Binary =>
  (x, y) => {
    const [a, b] = promoteArgs(name, [x, y], { keepScalars: true }) as [JaxArray, JaxArray];
    return f(a, b);
  };
const unaryFloat =
  (name: string, f: (a: JaxArray) => JaxArray): Unary =>
  (x) =>
    f(promoteInexact(name, x));

export const add = binary("add", lax.add);
export const subtract = binary("subtract", (a, b) => {
  if (a.dtype === "bool") throw new TypeError("subtract: boolean subtract is not supported; use logicalXor or cast to int.");
  return lax.sub(a, b);
});
export const multiply = binary("multiply", lax.mul);
export const divide: Binary = (x, y) => {
  const [a, b] = promoteArgs("divide", [x, y], { inexact: true, keepScalars: true }) as [JaxArray, JaxArray];
  return lax.div(a, b);
};
export const trueDivide = divide;
export const maximum = binary("maximum", lax.max);
export const minimum = binary("minimum", lax.min);
export const arctan2: Binary = (x, y) => {
  const [a, b] = promoteArgs("arctan2", [x, y], { inexact: true }) as [JaxArray, JaxArray];
  return lax.atan2(a, b);
};

/** x ** y; a JS integer exponent uses lax.integer_pow (exact, differentiable for x < 0). */
export function power(x: ArrayLike, y: ArrayLike): JaxArray {
  if (typeof y === "number" && Number.isInteger(y) && Math.abs(y) <= 2 ** 16) {
    const a = asJax(x, "power");
    if (y < 0 && isInteger(a.dtype)) throw new Error("power: integers cannot be raised to negative integer powers.");
    if (y < 0) return lax.div(fullLike(a.aval, 1), lax.integerPow(a, -y));
    return lax.integerPow(a, y);
  }
  const [a, b] = promoteArgs("power", [x, y], { keepScalars: true }) as [JaxArray, JaxArray];
  if (!isFloat(a.dtype)) {
    // integer ** integer array: exact for results below 2^53
    return castTo(lax.round(lax.pow(castTo(a, "float64"), castTo(b, "float64"))), a.dtype, a.weakType);
  }
  return lax.pow(a, b);
}
export const pow = power;

/** floor(x / y), following the divisor's sign; for floats via JAX's divmod (1.0 // 0.1 is 9). */
export const floorDivide: Binary = (x, y) => divmod(x, y)[0];
/** Remainder with the divisor's sign (numpy mod); an integer divisor of 0 gives 0, as in JAX. */
export const mod: Binary = (x, y) => {
  const [a, b] = promoteArgs("mod", [x, y]) as [JaxArray, JaxArray];
  if (!isFloat(a.dtype)) return divmod(a, b)[1];
  const r = lax.rem(a, b);
  const zero = fullLike(a.aval, 0);
  const fix = lax.and(lax.ne(r, zero), lax.ne(lax.lt(r, zero), lax.lt(b, zero)));
  return lax.select(fix, lax.add(r, b), r);
};
export const remainder = mod;

export const negative: Unary = (x) => lax.neg(asJax(x, "negative"));
export const positive: Unary = (x) => asJax(x, "positive");
export const sin = unaryFloat("sin", lax.sin);
export const cos = unaryFloat("cos", lax.cos);
export const tan = unaryFloat("tan", lax.tan);
export const tanh = unaryFloat("tanh", lax.tanh);
export const exp = unaryFloat("exp", lax.exp);
export const log = unaryFloat("log", lax.log);
export const log1p = unaryFloat("log1p", lax.log1p);
export const expm1 = unaryFloat("expm1", lax.expm1);
export const sqrt = unaryFloat("sqrt", lax.sqrt);
export const floor = (x: ArrayLike): JaxArray => {
  const a = asJax(x, "floor");
  return isFloat(a.dtype) ? lax.floor(a) : a;
};
export const ceil = (x: ArrayLike): JaxArray => {
  const a = asJax(x, "ceil");
  return isFloat(a.dtype) ? lax.ceil(a) : a;
};
export const abs: Unary = (x) => {
  const a = asJax(x, "abs");
  return a.dtype === "bool" ? a : lax.abs(a);
};
export const absolute = abs;
export const sign: Unary = (x) => lax.sign(asJax(x, "sign"));
export const square: Unary = (x) => lax.integerPow(asJax(x, "square"), 2);
export const reciprocal: Unary = (x) => {
  const a = promoteInexact("reciprocal", x);
  return lax.div(fullLike(a.aval, 1), a);
};

// ---- comparisons and logic ----
export const equal = binary("equal", lax.eq);
export const notEqual = binary("notEqual", lax.ne);
export const less = binary("less", lax.lt);
export const lessEqual = binary("lessEqual", lax.le);
export const greater = binary("greater", lax.gt);
export const greaterEqual = binary("greaterEqual", lax.ge);

const toBool = (x: ArrayLike) => {
  const a = asJax(x);
  return a.dtype === "bool" ? a : lax.ne(a, fullLike(a.aval, 0));
};
export const logicalAnd = (x: ArrayLike, y: ArrayLike): JaxArray =>
  lax.and(...(promoteArgs("logicalAnd", [toBool(x), toBool(y)]) as [JaxArray, JaxArray]));
export const logicalOr = (x: ArrayLike, y: ArrayLike): JaxArray =>
  lax.or(...(promoteArgs("logicalOr", [toBool(x), toBool(y)]) as [JaxArray, JaxArray]));
export const logicalXor = (x: ArrayLike, y: ArrayLike): JaxArray =>
  lax.xor(...(promoteArgs("logicalXor", [toBool(x), toBool(y)]) as [JaxArray, JaxArray]));
export const logicalNot = (x: ArrayLike): JaxArray => lax.not(toBool(x));

/**
 * where(cond, x, y): x where cond is true, else y (all three broadcast together).
 * where(cond) alone is nonzero(cond): a list of index arrays, one per axis.
 */
export function where(cond: ArrayLike, x: ArrayLike, y: ArrayLike): JaxArray;
export function where(cond: ArrayLike, x?: undefined, y?: undefined, opts?: NonzeroOpts): JaxArray[];
export function where(cond: ArrayLike, x?: ArrayLike, y?: ArrayLike, opts: NonzeroOpts = {}): JaxArray | JaxArray[] {
  if (x === undefined && y === undefined) return nonzero(cond, opts);
  if (x === undefined || y === undefined) throw new TypeError("where: pass both x and y, or neither (where(cond) is nonzero(cond)).");
  const c = toBool(cond);
  const [a, b] = promoteArgs("where", [x, y]) as [JaxArray, JaxArray];
  const shape = broadcastShapes("where", c.shape, a.shape);
  return lax.select(broadcastTo(c, shape, "where"), broadcastTo(a, shape, "where"), broadcastTo(b, shape, "where"));
}
