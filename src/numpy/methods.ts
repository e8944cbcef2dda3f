// Installs jax.numpy as the methods of every array (x.add, x.sum, x.reshape, ...).
import { ArrayImpl, installArrayMethods, type JaxArray } from "../core/array.js";
import { Tracer } from "../core/trace.js";
import { at } from "./at.js";
import { castTo } from "./coerce.js";
import { index } from "./indexing.js";
import * as M from "./manipulation.js";
import * as P from "./products.js";
import * as R from "./reductions.js";
import * as U from "./ufuncs.js";

/** Why a traced value has no concrete value, and what to do instead. */
export class ConcretizationTypeError extends TypeError {
  override name = "ConcretizationTypeError";
}

function concretize(x: JaxArray, what: string): ArrayImpl {
  if (x instanceof ArrayImpl) return x;
  const c = x instanceof Tracer ? x.concreteValue() : null;
  if (c) return c;
  throw new ConcretizationTypeError(
    `Abstract tracer value encountered where a concrete value is expected: ${what} was called on a traced array ` +
      `(${x.aval.toString()}) inside a transformation (${x instanceof Tracer ? x.trace.constructor.name : "?"}). ` +
      "Its value is not known while tracing. If it depends only on arguments that are compile-time constants, mark them " +
      "with jit's staticArgnums; to choose between values use jnp.where or lax.cond (lax.whileLoop / lax.foriLoop for loops).",
  );
}

installArrayMethods({
  add: U.add,
  subtract: U.subtract,
  multiply: U.multiply,
  divide: U.divide,
  power: U.power,
  mod: U.mod,
  negative: U.negative,
  matmul: P.matmul,
  dot: P.dot,
  greater: U.greater,
  less: U.less,
  greaterEqual: U.greaterEqual,
  lessEqual: U.lessEqual,
  equal: U.equal,
  notEqual: U.notEqual,
  sum: R.sum,
  mean: R.mean,
  max: R.max,
  min: R.min,
  prod: R.prod,
  argmax: R.argmax,
  argmin: R.argmin,
  reshape: M.reshape,
  transpose: M.transpose,
  squeeze: M.squeeze,
  expandDims: M.expandDims,
  ravel: M.ravel,
  astype: (x, dtype) => castTo(x, dtype),
  abs: U.abs,
  exp: U.exp,
  log: U.log,
  sqrt: U.sqrt,
  square: U.square,
  tanh: U.tanh,
  index,
  at,
  concretize,
});
