// Keeping freed large buffers for reuse, on Linux.
//
// V8 allocates the memory of an ArrayBuffer with calloc. glibc serves a request of more than
// its "mmap threshold" (128 KB at start) with fresh pages from the kernel, and unmaps them
// when the buffer is freed, so every new array of that size page-faults once per 4 KB on
// first touch: measured here, the 256 KB output of a 256×256 matmul took 73 faults per call
// and the matmul ran at 150 GFLOP/s instead of 230. glibc raises the threshold by itself
// (to at most 32 MB) when it frees a mapped chunk bigger than the threshold, so which sizes a
// process happens to free first decides whether it ever leaves the slow state: the same
// benchmark ran fast or slow depending on whether one call came before a garbage collection.
//
// retainLargeBuffers() puts every process in the fast state: structuredClone of a 24 MB
// array serializes it into a malloc'd buffer and frees that before returning, which raises
// the threshold to ~24 MB (and the heap-trimming threshold to twice that). Buffers up to that
// size then come from the heap and go back to it, reused without faults; the cost is that up
// to ~48 MB of freed memory may stay with the process. Elsewhere (browsers, macOS, musl) the
// call is skipped.

const SIZE = 24 << 20;
let done = false;

export function retainLargeBuffers(): void {
  if (done) return;
  done = true;
  const proc = (globalThis as { process?: { platform?: string; versions?: { node?: string } } }).process;
  if (proc?.platform !== "linux" || !proc.versions?.node || typeof structuredClone !== "function") return;
  structuredClone(new Uint8Array(SIZE));
}
