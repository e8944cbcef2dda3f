// scan and while in compiled code: the body is compiled once (codegen.ts compileLoopBody)
// and called per iteration, with no tracing or interpretation in between. The loop owns
// its carries: each array carry is a private copy, so the body may update it in place
// (a decode loop writes one row of its KV cache per step instead of copying the cache).
// Before an iteration, every array carry whose storage the body did not create fresh (or
// that another carry shares) is copied, so in-place writes never reach anything else.
import { ArrayImpl } from "../../core/array.js";
import type { ShapedArray } from "../../core/aval.js";
import { typedArrayFor } from "../../core/dtype.js";
import type { CompiledBody } from "./codegen.js";

export interface ScanPlan {
  numConsts: number;
  numCarry: number;
  length: number;
  reverse: boolean;
  /** One step's slice of each scanned input. */
  xAvals: ShapedArray[];
  /** The stacked outputs. */
  yAvals: ShapedArray[];
  /** Carries the body may write in place (arrays of more than one element). */
  mutable: boolean[];
}

export interface WhilePlan {
  condNumConsts: number;
  bodyNumConsts: number;
  mutable: boolean[];
}

/**
 * Makes every mutable carry the only holder of its storage: copies those not owned (not
 * created by the body, or the loop's input) and those sharing storage with another carry.
 */
function own(carry: ArrayImpl[], mutable: readonly boolean[], owned: readonly boolean[] | null): void {
  for (let k = 0; k < carry.length; k++) {
    if (!mutable[k]) continue;
    const c = carry[k]!;
    let shared = owned === null || !owned[k];
    for (let j = 0; !shared && j < carry.length; j++) if (j !== k && carry[j]!.data.buffer === c.data.buffer) shared = true;
    if (shared) carry[k] = new ArrayImpl(c.data.slice(), c.aval);
  }
}

/** scan: args are (consts, carry, xs); returns (carry, stacked ys). */
export function runScan(body: CompiledBody, args: ArrayImpl[], p: ScanPlan): ArrayImpl[] {
  const nc = p.numConsts;
  const nk = p.numCarry;
  const carry = args.slice(nc, nc + nk);
  const xs = args.slice(nc + nk);
  const ys = p.yAvals.map((a) => new ArrayImpl(typedArrayFor(a.dtype, a.size), a));
  const call = args.slice();
  const carryOwned = body.ownedOutputs.slice(0, nk);
  own(carry, p.mutable, null);
  for (let step = 0; step < p.length; step++) {
    const i = p.reverse ? p.length - 1 - step : step;
    for (let k = 0; k < nk; k++) call[nc + k] = carry[k]!;
    for (let j = 0; j < xs.length; j++) {
      const a = p.xAvals[j]!;
      call[nc + nk + j] = new ArrayImpl(xs[j]!.data.subarray(i * a.size, (i + 1) * a.size), a);
    }
    const outs = body.run(call);
    for (let k = 0; k < nk; k++) carry[k] = outs[k]!;
    for (let j = 0; j < ys.length; j++) {
      const y = outs[nk + j]!;
      ys[j]!.data.set(y.data, i * y.size);
    }
    own(carry, p.mutable, carryOwned);
  }
  return [...carry, ...ys];
}

/** while: args are (cond consts, body consts, carry); returns the final carry. */
export function runWhile(cond: CompiledBody, body: CompiledBody, args: ArrayImpl[], p: WhilePlan): ArrayImpl[] {
  const cc = args.slice(0, p.condNumConsts);
  const bc = args.slice(p.condNumConsts, p.condNumConsts + p.bodyNumConsts);
  const carry = args.slice(p.condNumConsts + p.bodyNumConsts);
  own(carry, p.mutable, null);
  for (;;) {
    if (!cond.run([...cc, ...carry])[0]!.data[0]) return carry;
    const outs = body.run([...bc, ...carry]);
    for (let k = 0; k < carry.length; k++) carry[k] = outs[k]!;
    own(carry, p.mutable, body.ownedOutputs);
  }
}
