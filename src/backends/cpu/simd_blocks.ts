// SIMD loops over more data than the kernel's staging area holds, run block by block.
//
// A SIMD loop reads and writes arrays in the WebAssembly kernel's memory; arrays outside it
// (arguments, fresh outputs) are copied into the staging area (4 MB) for the call, and
// outputs copied out after it. A loop whose staged arrays do not fit (a 10M-element
// tanh(x) * 2 + 1: 80 MB) runs here instead, as a sequence of calls each taking a block of
// the outermost level: the block's part of every staged input is copied in, the function
// runs, and its part of every staged output is copied out. Blocks are sized to stay in the
// core's cache (BLOCK_BYTES of staged data), so each element crosses main memory once in
// and once out, as in a loop over the arrays themselves.
//
// The function is compiled for a block of `block` outer indices, and a second one for the
// shorter last block; its arrays' addresses are parameters, set per block, and its
// patterns' base offsets are 0 (the block's first element is found here instead).

import type { TypedArray } from "../../core/dtype.js";
import { aligned, type KernelMemory } from "./matvec_wasm.js";
import type { Lane } from "./simd_loop.js";
import { bytesOf } from "./simd_loop.js";
import { exchange, forget, helpers, type LoopSpec, startJob, type WorkerHandle, waitJob } from "./simd_threads.js";

/** Staged bytes per block: half of a core's 2 MB L2 cache here, with room for the output's copy. */
export const BLOCK_BYTES = 1 << 19;

/** An array of a blocked loop: in the kernel's memory already (resident), or staged in or out per block. */
export interface BlockArray {
  lane: Lane;
  /** Per loop level, in elements (all >= 0 where staged). */
  strides: number[];
  /** The element where the whole loop starts. */
  base: number;
  role: "resident" | "in" | "out";
}

/** A function parameter: an array's address, or the call's k-th number. */
export type BlockParam = { array: number } | { scalar: number };

type SimdFn = (...args: number[]) => void;

/** The elements an array's block spans: from its first, `(outer - 1) * stride0 + extent`. */
function extentOf(a: BlockArray, levels: readonly { n: number }[]): number {
  let ext = 1;
  for (let l = 1; l < levels.length; l++) ext += (levels[l]!.n - 1) * a.strides[l]!;
  return ext;
}

/**
 * How many outer indices a block takes, so that its staged bytes stay within `budget`; 0
 * when even one does not fit. With one level, blocks are equal to within the block count,
 * so that the last has 4 elements or more (a SIMD loop's inner level needs 4).
 */
export function blockSize(arrays: readonly BlockArray[], levels: readonly { n: number }[], budget: number): number {
  const n0 = levels[0]!.n;
  let perOuter = 0;
  let fixed = 0;
  for (const a of arrays) {
    if (a.role === "resident") continue;
    const bytes = bytesOf(a.lane);
    perOuter += a.strides[0]! * bytes;
    fixed += (extentOf(a, levels) - a.strides[0]!) * bytes + 16;
  }
  let block = perOuter === 0 ? n0 : Math.min(n0, Math.floor((budget - fixed) / perOuter));
  if (block < 1) return 0;
  if (levels.length === 1) {
    const count = Math.ceil(n0 / block);
    block = Math.ceil(n0 / count);
    if (n0 - (count - 1) * block < 4) return 0;
  }
  return block;
}

/** A compiled function of a blocked loop, with its module's bytes (helper threads compile them again). */
export interface BlockFn {
  fn: SimdFn;
  bytes: Uint8Array;
}

let loopIds = 0;
const forgotten = new FinalizationRegistry<number>(forget);

/** Runs one blocked loop: `run(arrays, scalars)` per call of the compiled program. */
export class BlockedLoop {
  /** Per staged array, its block's place in the staging area. */
  private readonly staged: TypedArray[];
  private readonly addresses: number[];
  private readonly extents: number[];
  private readonly args: number[];
  /** What helper threads need, where they may take blocks (no array lies in the main thread's kernel memory). */
  private readonly spec: LoopSpec | null;
  constructor(
    memory: KernelMemory,
    private readonly arrays: readonly BlockArray[],
    private readonly params: readonly BlockParam[],
    private readonly n0: number,
    private readonly block: number,
    private readonly full: BlockFn,
    private readonly last: BlockFn | null,
    levels: readonly { n: number }[],
    samples: readonly TypedArray[],
  ) {
    this.extents = arrays.map((a) => extentOf(a, levels));
    let top = 0;
    const stageAt: number[] = [];
    this.staged = arrays.map((a, k) => {
      const n = a.role === "resident" ? 0 : this.span(k, block);
      stageAt.push(top);
      top += aligned(n * bytesOf(a.lane));
      return memory.staging(samples[k]!, stageAt[k]!, n);
    });
    this.args = params.map(() => 0);
    this.addresses = arrays.map(() => 0);
    this.spec = arrays.some((a) => a.role === "resident")
      ? null
      : {
          id: ++loopIds,
          full: full.bytes,
          last: last?.bytes ?? null,
          block,
          arrays: arrays.map((a, k) => ({
            role: a.role,
            bytes: bytesOf(a.lane),
            stride0: a.strides[0]!,
            extent: this.extents[k]!,
            stageAt: stageAt[k]!,
          })),
          params: params.map((p) => ({ ...p })),
          stageBytes: top,
        };
    if (this.spec) forgotten.register(this, this.spec.id);
  }

  /** Whether helper threads may take blocks: they need the outputs on SharedArrayBuffers (outputsShared). */
  get threaded(): boolean {
    return this.helpers() !== null;
  }

  /** The helper threads, where the loop has 4 blocks or more and no array in the main thread's kernel memory. */
  private helpers(): readonly WorkerHandle[] | null {
    return this.spec !== null && Math.ceil(this.n0 / this.block) >= 4 ? helpers() : null;
  }

  /** The elements array k spans over `outer` outer indices from the first of them. */
  private span(k: number, outer: number): number {
    return (outer - 1) * this.arrays[k]!.strides[0]! + this.extents[k]!;
  }

  run(data: readonly TypedArray[], scalars: readonly number[]): void {
    const params = this.params;
    const args = this.args;
    const n0 = this.n0;
    const block = this.block;
    params.forEach((p, i) => {
      if ("scalar" in p) args[i] = scalars[p.scalar]!;
    });
    const workers = this.outputsShared(data) ? this.helpers() : null;
    if (!workers) {
      this.runBlocks(data, 0, n0);
      return;
    }
    // the main thread takes the first blocks, each helper an equal run of the rest
    const blocks = Math.ceil(n0 / block);
    const per = Math.ceil(blocks / (workers.length + 1));
    const started = workers.filter((_, i) => (i + 1) * per < blocks);
    started.forEach((w, i) => {
      const start = (i + 1) * per * block;
      this.handOver(w, data, scalars, start, Math.min(start + per * block, n0) - start);
    });
    this.runBlocks(data, 0, per * block);
    for (const w of started) waitJob(w);
  }

  private outputsShared(data: readonly TypedArray[]): boolean {
    return this.arrays.every((a, k) => a.role !== "out" || data[k]!.buffer instanceof SharedArrayBuffer);
  }

  /** Starts a helper on outer indices [start, start + outer), its inputs copied to its exchange buffer where not shared. */
  private handOver(w: WorkerHandle, data: readonly TypedArray[], scalars: readonly number[], start: number, outer: number): void {
    const buffers: (SharedArrayBuffer | null)[] = [];
    const at: number[] = [];
    const copies: { k: number; into: number; count: number; from: number }[] = [];
    let exchanged = 0;
    this.arrays.forEach((a, k) => {
      const d = data[k]!;
      const bytes = bytesOf(a.lane);
      const first = d.byteOffset + (a.base + start * a.strides[0]!) * bytes;
      const count = this.span(k, outer) * bytes;
      if (d.buffer instanceof SharedArrayBuffer) {
        buffers.push(d.buffer);
        at.push(first);
      } else {
        buffers.push(null);
        at.push(exchanged);
        copies.push({ k, into: exchanged, count, from: first });
        exchanged += aligned(count);
      }
    });
    if (copies.length > 0) {
      const ex = exchange(w, exchanged);
      const into = new Uint8Array(ex);
      for (const c of copies) {
        into.set(new Uint8Array(data[c.k]!.buffer, c.from, c.count), c.into);
        buffers[c.k] = ex;
      }
    }
    startJob(w, this.spec!, { outer, scalars, buffers, at });
  }

  /** Runs blocks over outer indices [from, to) on this thread. */
  private runBlocks(data: readonly TypedArray[], from: number, to: number): void {
    const arrays = this.arrays;
    const params = this.params;
    const staged = this.staged;
    const args = this.args;
    const addresses = this.addresses;
    const block = this.block;
    for (let start = from; start < to; start += block) {
      const outer = Math.min(block, to - start);
      const fn = outer === block ? this.full.fn : this.last!.fn;
      for (let k = 0; k < arrays.length; k++) {
        const a = arrays[k]!;
        const first = a.base + start * a.strides[0]!;
        const d = data[k]!;
        if (a.role === "resident") {
          addresses[k] = d.byteOffset + first * d.BYTES_PER_ELEMENT;
          continue;
        }
        const view = staged[k]!;
        if (a.role === "in") {
          (view as Float32Array).set(d.subarray(first, first + this.span(k, outer)) as Float32Array);
        }
        addresses[k] = view.byteOffset;
      }
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!;
        if ("array" in p) args[i] = addresses[p.array]!;
      }
      fn(...args);
      for (let k = 0; k < arrays.length; k++) {
        const a = arrays[k]!;
        if (a.role !== "out") continue;
        (data[k] as Float32Array).set(staged[k]!.subarray(0, this.span(k, outer)) as Float32Array, a.base + start * a.strides[0]!);
      }
    }
  }
}
