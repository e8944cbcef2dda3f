// jax.lax: the primitives themselves (equal shapes and dtypes, no implicit promotion).

export { cummax, cummin, cumprod, cumsum } from "../primitives/cumulative.js";
export { type DotDims, dotGeneral } from "../primitives/dot_general.js";
export { dynamicSlice, dynamicUpdateSlice } from "../primitives/dynamic_slice.js";
export {
  abs,
  add,
  and,
  atan2,
  bitcastConvertType,
  ceil,
  convertElementType,
  cos,
  div,
  eq,
  exp,
  expm1,
  floor,
  ge,
  gt,
  integerPow,
  isFinite,
  le,
  log,
  log1p,
  logistic,
  lt,
  max,
  min,
  mul,
  ne,
  neg,
  not,
  or,
  pow,
  rem,
  round,
  rsqrt,
  select,
  selectN,
  shiftLeft,
  shiftRightArithmetic,
  shiftRightLogical,
  sign,
  sin,
  sqrt,
  stopGradient,
  sub,
  tan,
  tanh,
  xor,
} from "../primitives/elementwise.js";
export {
  type GatherMode,
  gather,
  type ScatterMode,
  scatter,
  scatterAdd,
  scatterMax,
  scatterMin,
  scatterMul,
} from "../primitives/gather_scatter.js";
export { argmax, argmin, reduceMax, reduceMin, reduceProd, reduceSum } from "../primitives/reduce.js";
export { broadcastInDim, concatenate, iota, pad, reshape, rev, slice, transpose } from "../primitives/shape_ops.js";
export { sort, sortKeyVal, topK } from "../primitives/sort.js";
export { digamma, erf, erfc, erfInv, lgamma, nextafter, polygamma } from "../primitives/special.js";
export { associativeScan } from "./associative_scan.js";
export { cond, foriLoop, map, scan, switch_ as switch, whileLoop } from "./control_flow.js";
export * as linalg from "./linalg.js";
export { type ConvDimensionNumbers, type ConvOpts, convGeneralDilated, type Padding, padtypeToPads, reduceWindow } from "./windows.js";
