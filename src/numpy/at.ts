// x.at(...idx): JAX's functional index updates (x.at[idx].set(v) and friends). The index
// grammar is x.get's (see indexing.ts); the update is one scatter over the same plan that
// x.get would gather with: transpose x so the indexed axes lead, lay the values out like
// the gather's output, scatter, transpose back.
//
// As in JAX: values are broadcast to the shape of x[idx] and computed in the promoted
// dtype, the result has x's dtype; repeated indices all apply (for set, the last wins);
// out-of-bounds updates are dropped (mode "drop", the default) or clamped (mode "clip").
import type { ArrayLike, AtGetOpts, AtUpdateOpts, IndexItem, IndexUpdateRef, JaxArray } from "../core/array.js";
import { resultType } from "../core/dtype.js";
import { neg } from "../primitives/elementwise.js";
import { type ScatterParams, scatter, scatterAdd, scatterMax, scatterMin, scatterMul } from "../primitives/gather_scatter.js";
import * as S from "../primitives/shape_ops.js";
import { asJax, broadcastTo, castTo } from "./coerce.js";
import { advancedIndex, plan, resolve } from "./indexing.js";
import { divide, power } from "./ufuncs.js";

type Scatter = (operand: JaxArray, indices: JaxArray, updates: JaxArray, p?: Partial<ScatterParams>) => JaxArray;

function invert(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

function scatterMode(op: string, mode: AtUpdateOpts["mode"]): ScatterParams["mode"] {
  if (mode === undefined || mode === "drop" || mode === "fill" || mode === "promise_in_bounds") return "drop";
  if (mode === "clip") return "clip";
  throw new Error(`${op}: unknown mode ${JSON.stringify(mode)}; expected "drop", "fill", "clip" or "promise_in_bounds".`);
}

/** x with x[idx] combined with `values` by `scatterFn`. */
function update(op: string, x: JaxArray, idx: readonly IndexItem[], values: ArrayLike, scatterFn: Scatter, opts: AtUpdateOpts): JaxArray {
  const v = asJax(values, op);
  const [dt, weak] = resultType([x, v]);
  const xs = castTo(x, dt, weak);
  const p = plan(op, x.shape, resolve(op, x.shape, idx));
  // the values, laid out like the gather's output: drop the new axes, undo outPerm
  const laidOut = p.outPerm.map((d) => p.gatherShape[d]!);
  const vs = S.transpose(S.reshape(broadcastTo(castTo(v, dt, weak), p.shape, op), laidOut), invert(p.outPerm));
  const y = scatterFn(S.transpose(xs, p.perm), p.indices, vs, {
    mode: scatterMode(op, opts.mode),
    uniqueIndices: opts.uniqueIndices ?? false,
  });
  return castTo(S.transpose(y, invert(p.perm)), x.dtype, x.weakType);
}

const onesLike = (x: JaxArray): JaxArray => S.fullLike(x.aval, 1);

class AtRef implements IndexUpdateRef {
  constructor(
    private readonly x: JaxArray,
    private readonly idx: readonly IndexItem[],
  ) {}
  /** x[idx] with a choice of out-of-bounds handling (see AtGetOpts). */
  get(opts: AtGetOpts = {}): JaxArray {
    const mode = opts.mode ?? "promise_in_bounds";
    if (mode !== "clip" && mode !== "fill" && mode !== "promise_in_bounds") {
      throw new Error(`at().get: unknown mode ${JSON.stringify(mode)}; expected "clip", "fill" or "promise_in_bounds".`);
    }
    const tokens = resolve("at().get", this.x.shape, this.idx);
    return advancedIndex(this.x, tokens, mode, opts.fillValue ?? null);
  }
  set(values: ArrayLike, opts: AtUpdateOpts = {}): JaxArray {
    return update("at().set", this.x, this.idx, values, scatter, opts);
  }
  add(values: ArrayLike, opts: AtUpdateOpts = {}): JaxArray {
    return update("at().add", this.x, this.idx, values, scatterAdd, opts);
  }
  subtract(values: ArrayLike, opts: AtUpdateOpts = {}): JaxArray {
    return update("at().subtract", this.x, this.idx, neg(asJax(values, "at().subtract")), scatterAdd, opts);
  }
  multiply(values: ArrayLike, opts: AtUpdateOpts = {}): JaxArray {
    return update("at().multiply", this.x, this.idx, values, scatterMul, opts);
  }
  mul(values: ArrayLike, opts: AtUpdateOpts = {}): JaxArray {
    return this.multiply(values, opts);
  }
  /** x / (the product of the values landing on each element), as JAX computes it. */
  divide(values: ArrayLike, opts: AtUpdateOpts = {}): JaxArray {
    return divide(this.x, update("at().divide", onesLike(this.x), this.idx, values, scatterMul, opts));
  }
  /** x ** (the product of the values landing on each element), as JAX computes it. */
  power(values: ArrayLike, opts: AtUpdateOpts = {}): JaxArray {
    return power(this.x, update("at().power", onesLike(this.x), this.idx, values, scatterMul, opts));
  }
  min(values: ArrayLike, opts: AtUpdateOpts = {}): JaxArray {
    return update("at().min", this.x, this.idx, values, scatterMin, opts);
  }
  max(values: ArrayLike, opts: AtUpdateOpts = {}): JaxArray {
    return update("at().max", this.x, this.idx, values, scatterMax, opts);
  }
}

/** x.at(...idx) (installed as the array method). */
export function at(x: JaxArray, idx: readonly IndexItem[]): IndexUpdateRef {
  return new AtRef(x, idx);
}
