// The allocator behind compiled programs' buffers in the WebAssembly kernel's memory
// (matvec_wasm.ts): programs come and go (freed when collected), so freed ranges must be
// found again, and merge so that the region does not splinter.

/** First-fit allocation of byte ranges, with freed ranges merged with their free neighbours. */
export class RangeAllocator {
  /** The free ranges, in address order, none touching another. */
  private readonly free: { at: number; bytes: number }[];
  constructor(at: number, bytes: number) {
    this.free = [{ at, bytes }];
  }
  /** The start of `bytes` bytes, or -1 when no free range is that large. */
  alloc(bytes: number): number {
    const i = this.free.findIndex((r) => r.bytes >= bytes);
    if (i < 0) return -1;
    const r = this.free[i]!;
    const at = r.at;
    r.at += bytes;
    r.bytes -= bytes;
    if (r.bytes === 0) this.free.splice(i, 1);
    return at;
  }
  release(at: number, bytes: number): void {
    const free = this.free;
    let i = 0;
    while (i < free.length && free[i]!.at < at) i++;
    const prev = free[i - 1];
    const next = free[i];
    const joinsPrev = prev !== undefined && prev.at + prev.bytes === at;
    const joinsNext = next !== undefined && at + bytes === next.at;
    if (joinsPrev && joinsNext) {
      prev.bytes += bytes + next.bytes;
      free.splice(i, 1);
    } else if (joinsPrev) prev.bytes += bytes;
    else if (joinsNext) {
      next.at = at;
      next.bytes += bytes;
    } else free.splice(i, 0, { at, bytes });
  }
  /** How many free ranges there are (for tests). */
  get pieces(): number {
    return this.free.length;
  }
}
