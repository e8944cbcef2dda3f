// scan and while in compiled code: the body is compiled once (codegen.ts compileLoopBody)
// and called per iteration, with no tracing or interpretation in between. The loop owns
// its carries: each array carry is a private copy, so the body may update it in place
// (a decode loop writes one row of its KV cache per step instead of copying the cache).
// Before an iteration, every array carry whose storage the body did not create fresh (or
// that another carry shares) is copied, so in-place writes never reach anything else.
// The first private copies of float32 carries go in the matrix-vector kernel's resident
// region (matvec_wasm.ts), where the kernel reads a key-value cache with no per-step copy;
// they are copied out when the loop ends, and the region released.
import { ArrayImpl } from "../../core/array.js";
import type { ShapedArray } from "../../core/aval.js";
import { typedArrayFor } from "../../core/dtype.js";
import type { CompiledBody } from "./codegen.js";
import { type ResidentRegion, residentRegion } from "./matvec_wasm.js";

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

/** Carries smaller than this stay in ordinary arrays (a kernel reads them rarely, if ever). */
const RESIDENT_MIN = 256;

/**
 * Makes every mutable carry the only holder of its storage: copies those not owned (not
 * created by the body, or the loop's input) and those sharing storage with another carry.
 * With `region`, copies of float32 carries go there while it has room.
 *
 * An owned output's storage is new this step or an owned argument, so two owned carries
 * share storage only as one typed array (an output returned twice, or reshaped): identity
 * finds that, with no reading of `.buffer` (which makes V8 move a small typed array's
 * elements off its heap, each step).
 */
function own(
  carry: ArrayImpl[],
  mutable: readonly boolean[],
  owned: readonly boolean[] | null,
  region: ResidentRegion | null = null,
): void {
  for (let k = 0; k < carry.length; k++) {
    if (!mutable[k]) continue;
    const c = carry[k]!;
    let shared = owned === null || !owned[k];
    for (let j = 0; !shared && j < carry.length; j++) if (j !== k && carry[j]!.data === c.data) shared = true;
    if (!shared) continue;
    const home = region && c.data instanceof Float32Array && c.size >= RESIDENT_MIN ? region.alloc(c.size) : null;
    if (home) home.set(c.data);
    carry[k] = new ArrayImpl(home ?? c.data.slice(), c.aval);
  }
}

/**
 * Runs a loop with its first carry copies in the resident region, and copies whatever
 * carries still lie there into ordinary arrays before the region is released.
 */
function withResidentCarries(carry: ArrayImpl[], mutable: readonly boolean[], loop: () => ArrayImpl[]): ArrayImpl[] {
  const region = residentRegion();
  if (!region) {
    own(carry, mutable, null);
    return loop();
  }
  const mark = region.mark();
  try {
    own(carry, mutable, null, region);
    return loop().map((a) => (region.holds(a.data) ? new ArrayImpl(a.data.slice(), a.aval) : a));
  } finally {
    region.release(mark);
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
  return withResidentCarries(carry, p.mutable, () => {
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
  });
}

/** while: args are (cond consts, body consts, carry); returns the final carry. */
export function runWhile(cond: CompiledBody, body: CompiledBody, args: ArrayImpl[], p: WhilePlan): ArrayImpl[] {
  const cc = args.slice(0, p.condNumConsts);
  const bc = args.slice(p.condNumConsts, p.condNumConsts + p.bodyNumConsts);
  const carry = args.slice(p.condNumConsts + p.bodyNumConsts);
  return withResidentCarries(carry, p.mutable, () => {
    // the argument lists are built once; each step writes the new carries into them
    const condArgs = [...cc, ...carry];
    const bodyArgs = [...bc, ...carry];
    for (;;) {
      for (let k = 0; k < carry.length; k++) condArgs[cc.length + k] = bodyArgs[bc.length + k] = carry[k]!;
      if (!cond.run(condArgs)[0]!.data[0]) return carry;
      const outs = body.run(bodyArgs);
      for (let k = 0; k < carry.length; k++) carry[k] = outs[k]!;
      own(carry, p.mutable, body.ownedOutputs);
    }
  });
}
