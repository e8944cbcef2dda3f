// Continuous distributions that are one transformation of uniform samples.
import type { JaxArray } from "../core/array.js";
import { checkShape } from "../core/shape.js";
import { abs, add, ge, log, log1p, mul, neg, select, sign, sub } from "../primitives/elementwise.js";
import { reshape, slice } from "../primitives/shape_ops.js";
import type { DTypeOpts } from "./normal.js";
import { checkFloatDtype, constant, epsneg, nmant, tiny } from "./params.js";
import { uniform } from "./uniform.js";

type ShapeArg = number | readonly number[];

/** Exponential(1) samples: -log(1 - u). */
export function exponential(k: JaxArray, shape: ShapeArg = [], opts: DTypeOpts = {}): JaxArray {
  const s = checkShape("random.exponential", shape);
  const u = uniform(k, s, { dtype: checkFloatDtype("random.exponential", opts.dtype) });
  return neg(log1p(neg(u)));
}

/** Laplace(0, 1) samples: sign(u) · log(1 - |u|) for u uniform on (-1, 1). */
export function laplace(k: JaxArray, shape: ShapeArg = [], opts: DTypeOpts = {}): JaxArray {
  const s = checkShape("random.laplace", shape);
  const dtype = checkFloatDtype("random.laplace", opts.dtype);
  const u = uniform(k, s, { dtype, minval: constant([], dtype, -1 + epsneg(dtype)), maxval: constant([], dtype, 1) });
  return mul(sign(u), log1p(neg(abs(u))));
}

/** Standard logistic samples: log(u) - log(1 - u). */
export function logistic(k: JaxArray, shape: ShapeArg = [], opts: DTypeOpts = {}): JaxArray {
  const s = checkShape("random.logistic", shape);
  const dtype = checkFloatDtype("random.logistic", opts.dtype);
  const x = uniform(k, s, { dtype, minval: constant([], dtype, tiny(dtype)), maxval: constant([], dtype, 1) });
  return sub(log(x), log1p(neg(x)));
}

export interface GumbelOpts extends DTypeOpts {
  /**
   * "low" (default): one uniform draw per sample, so events rarer than about 1e-7 (in
   * float32) are undersampled; "high": two draws per sample push that limit to about 1e-14.
   */
  mode?: "low" | "high";
}

/** Standard Gumbel samples: -log(-log(u)). */
export function gumbel(k: JaxArray, shape: ShapeArg = [], opts: GumbelOpts = {}): JaxArray {
  const s = checkShape("random.gumbel", shape);
  const dtype = checkFloatDtype("random.gumbel", opts.dtype);
  const mode = opts.mode ?? "low";
  if (mode === "low") {
    const u = uniform(k, s, { dtype, minval: constant([], dtype, tiny(dtype)), maxval: constant([], dtype, 1) });
    return neg(log(neg(log(u))));
  }
  if (mode !== "high") throw new Error(`random.gumbel: mode must be "low" or "high", got ${JSON.stringify(mode)}.`);
  // the second draw fills in the bits below the first one's resolution where u < 1/2
  const both = uniform(k, [2, ...s], { dtype });
  const pick = (i: number) => reshape(slice(both, [i, ...s.map(() => 0)], [i + 1, ...s]), s);
  const high = pick(0);
  const low = pick(1);
  const refined = add(add(high, mul(constant(s, dtype, 2 ** -nmant(dtype)), low)), constant(s, dtype, tiny(dtype)));
  const x = select(ge(high, constant(s, dtype, 0.5)), high, refined);
  return neg(log(neg(log1p(neg(x)))));
}
