// Products X @ W (float32, W's rows contiguous) in WebAssembly SIMD, for compiled code:
// 16 (or 8) output columns at a time, for one row of X or two (sharing each load of W),
// one f32x4 accumulator per four columns; any number of rows, two at a time. Each
// column's sum is float32 with k ascending, each product and each partial sum rounded
// to float32: what XLA's CPU dot and ONNX Runtime compute, not the float64 sums of the
// eager and JavaScript kernels (results differ by float32 roundings, about 1e-7 relative
// per term). That buys four multiply-adds per instruction pair instead of two, and no
// conversions: a decode step's projections and attention (rows of 1 to 4) are no longer
// bound by scalar JavaScript, and larger products run about 7 times as fast as the
// JavaScript kernel (30 against 4 GFLOP/s, one thread).
//
// W must sit in the module's memory:
// - a weight matrix (a jitted function's argument or constant: arrays are immutable) is
//   copied there once and found again by identity; each call site remembers its last one;
// - a loop's carry (a decode loop's key-value cache, which the loop updates in place) is
//   kept there for the whole loop (the resident region, loops.ts), and read where it lies;
// - any other matrix the program writes to is copied per call, as one block spanning its
//   strided rows.
// Compiled programs keep their float32 (and int32, bool) buffers in the same memory
// (program buffers), so vectors and results are read and written where they lie; others
// are copied per call. Compiled programs' SIMD loops (simd_loop.ts) share the memory too.
// Where WebAssembly SIMD is missing, `matvec()` is null and the JavaScript kernel runs.
import type { TypedArray } from "../../core/dtype.js";
import { RangeAllocator } from "./range_allocator.js";
import {
  ADD,
  BLOCK,
  brIf,
  END,
  EQZ,
  F32X4_ADD,
  F32X4_MUL,
  get,
  I32,
  i32,
  LOAD32_SPLAT,
  LOOP,
  LT_U,
  moduleBytes,
  SHL,
  set,
  tee,
  V_LOAD,
  V_STORE,
  V128,
  V128_ZERO,
  vec,
} from "./wasm_encoding.js";

/**
 * C[b, m, n] = Σ_k A[b, m, k] * W[b, k, n], with MatmulKernel's arguments: the operands
 * addressed by strides, C contiguous.
 */
export type Matvec = (
  A: Float32Array,
  aOff: number,
  aSb: number,
  aSm: number,
  aSk: number,
  W: Float32Array,
  wOff: number,
  wSb: number,
  wSk: number,
  wSn: number,
  C: Float32Array,
  nb: number,
  M: number,
  K: number,
  N: number,
  /** W may change between calls (so it is copied every call, not cached); its columns must then be contiguous (wSn = 1). */
  volatile: boolean,
  /** The call site's memo (codegen keeps one per product), or undefined. */
  site?: MatvecSite,
) => void;

/** The most floats a volatile W's span (from its first to its last element) may cover. */
export const VOLATILE_FLOATS = 1 << 20;
/** The most floats a fixed W may have (a quarter of the cache). */
export const CACHED_FLOATS = 1 << 23;

// ---- the module, assembled by hand ----

const range = (a: number, n: number) => Array.from({ length: n }, (_, i) => a + i);

// Kernel parameters: x (byte address of the vector), w (byte address of row 0 of the first
// group of columns), y (byte address of the results), K, the number of groups of columns,
// the bytes from one row of W to the next, and for two-row kernels the bytes from the first
// vector to the second and from the first results to the second.
const X = 0;
const W = 1;
const Y = 2;
const K = 3;
const GROUPS = 4;
const ROW = 5;
const X_STEP = 6;
const Y_STEP = 7;
const PARAMS = 8;
// locals
const G = 8;
const KK = 9;
const PA = 10;
const PB = 11;
const ACC = 12;

/**
 * A kernel over groups of 4 * `quads` columns for `rows` vectors at once (each loaded part
 * of W serves every row), one f32x4 accumulator per four columns and row.
 */
function kernelBody(rows: 1 | 2, quads: 2 | 4): number[] {
  // v128 locals: the accumulators (row by row), each row's x[k] splatted, the loaded W
  const accs = range(0, rows).map((r) => range(ACC + r * quads, quads));
  const AV = ACC + rows * quads;
  const WL = AV + rows;
  const groupBytes = 16 * quads;
  /** address + g * groupBytes (the g-th group of columns) */
  const group = (addr: number) => [...get(addr), ...get(G), ...i32(Math.log2(groupBytes)), SHL, ADD];
  const step = (r: number, base: number[], by: number) => (r === 0 ? base : [...base, ...get(by), ADD]);
  return [
    ...vec([
      [4, I32],
      [rows * quads + rows + 1, V128],
    ]),
    ...BLOCK, // exits at once when there are no groups
    ...[...get(GROUPS), EQZ, ...brIf(0)],
    ...LOOP, // over groups of columns
    ...accs.flat().flatMap((a) => [...V128_ZERO, ...set(a)]),
    ...[...get(X), ...set(PA)],
    ...[...group(W), ...set(PB)],
    ...[...i32(0), ...set(KK)],
    ...BLOCK, // exits at once when K is 0
    ...[...get(K), EQZ, ...brIf(0)],
    ...LOOP, // over k: acc += x[k] * W[k, the group's columns]
    ...range(0, rows).flatMap((r) => [...step(r, get(PA), X_STEP), ...LOAD32_SPLAT(0), ...set(AV + r)]),
    ...range(0, quads).flatMap((q) => [
      ...[...get(PB), ...V_LOAD(16 * q), ...set(WL)],
      ...range(0, rows).flatMap((r) => [
        ...get(accs[r]![q]!),
        ...get(AV + r),
        ...get(WL),
        ...F32X4_MUL,
        ...F32X4_ADD,
        ...set(accs[r]![q]!),
      ]),
    ]),
    ...[...get(PA), ...i32(4), ADD, ...set(PA)],
    ...[...get(PB), ...get(ROW), ADD, ...set(PB)],
    ...[...get(KK), ...i32(1), ADD, ...tee(KK), ...get(K), LT_U, ...brIf(0)],
    END, // loop over k
    END, // block
    ...range(0, rows).flatMap((r) =>
      range(0, quads).flatMap((q) => [...step(r, group(Y), Y_STEP), ...get(accs[r]![q]!), ...V_STORE(16 * q)]),
    ),
    ...[...get(G), ...i32(1), ADD, ...tee(G), ...get(GROUPS), LT_U, ...brIf(0)],
    END, // loop over groups
    END, // block
    END, // function
  ];
}

/** The exported kernels: one or two rows, 16 or 8 columns per group. */
const KERNELS = { r1c16: kernelBody(1, 4), r1c8: kernelBody(1, 2), r2c16: kernelBody(2, 4), r2c8: kernelBody(2, 2) };
const kernelNames = Object.keys(KERNELS) as (keyof typeof KERNELS)[];

const MODULE = moduleBytes(kernelNames.map((n) => ({ name: n, params: range(0, PARAMS).map(() => I32), body: KERNELS[n] })));

// ---- memory: scratch (the vector, the results), the volatile matrix (also the SIMD
// loops' staging area), the resident region, compiled programs' buffers, then cached matrices. Its size is fixed: growing it
// would detach the buffer under every view of it, and views of it are kept (loop carries,
// program buffers).

const PAGE = 65536;
/** The vector of one call, as float32 (K <= 65536). */
const X_AT = 0;
/** The results of one call, as float32 (N <= 65536). */
const Y_AT = 1 << 18;
/** Floats of scratch for vectors, and for results. */
const X_FLOATS = (Y_AT - X_AT) / 4;
const Y_FLOATS = 1 << 16;
/** Where a volatile matrix is copied. */
const VOLATILE_AT = Y_AT + 4 * Y_FLOATS;
const RESIDENT_AT = VOLATILE_AT + 4 * VOLATILE_FLOATS;
const RESIDENT_BYTES = 16 << 20;
const PROGRAM_AT = RESIDENT_AT + RESIDENT_BYTES;
const PROGRAM_BYTES = 16 << 20;
/** Where cached matrices start; the cache starts over when it would pass the end. */
const CACHE_START = PROGRAM_AT + PROGRAM_BYTES;
const CACHE_BYTES = 128 << 20;
const PAGES = Math.ceil((CACHE_START + CACHE_BYTES) / PAGE);

/** Bytes rounded up to the kernel's 16-byte alignment. */
export const aligned = (bytes: number) => bytes + ((16 - (bytes % 16)) % 16);

/**
 * Float32 storage inside the kernel's memory, for a loop's carries: a matrix there (a
 * key-value cache the loop writes to) is read by the kernel where it lies, with no copy.
 * Allocation is a stack: a loop marks it on entry, allocates, and releases on exit (nested
 * loops exit first); nothing allocated may be used after its release.
 */
export interface ResidentRegion {
  mark(): number;
  /** n floats, or null when the region is full. */
  alloc(n: number): Float32Array | null;
  release(mark: number): void;
  /** Whether the array lies in the kernel's memory (this region or another). */
  holds(a: TypedArray): boolean;
}

/**
 * Float32 buffers of compiled programs inside the kernel's memory, so that the vectors and
 * results of their products need no copies. Each is freed when its program is collected.
 */
export interface ProgramBuffers {
  /** n floats, or null when the region is full. */
  alloc(n: number): Float32Array | null;
  /** n elements of `sample`'s kind (an Int32Array, a Uint8Array...), or null when the region is full. */
  allocLike<T extends TypedArray>(sample: T, n: number): T | null;
  /** Frees these buffers once `program` (what holds them) is garbage. */
  freeWith(program: object, buffers: TypedArray[]): void;
  /** Frees these buffers now (none of them may be used again). */
  free(buffers: TypedArray[]): void;
}

/**
 * Other generated kernels (simd_loop.ts) on the same memory: `link` instantiates a module
 * importing it as "e"."m" (and throws where the host refuses, as a browser's main thread
 * refuses to compile large modules synchronously); `address` gives an array's byte address
 * there, copying it into the staging area at byte `at` (below STAGE_BYTES) when it lies elsewhere.
 */
export interface KernelMemory {
  link(bytes: Uint8Array): Record<string, unknown>;
  address(a: TypedArray, at: number): number;
  /** A view of n elements of `sample`'s kind at byte `at` of the staging area (a kernel's output, copied out after the call). */
  staging<T extends TypedArray>(sample: T, at: number, n: number): T;
}
/** The staging area's size in bytes (the volatile matrix's room: a kernel call uses one or the other). */
export const STAGE_BYTES = 4 * VOLATILE_FLOATS;

/** A call site's memory of the last cached matrix it used, so a repeat call skips the lookup. */
export interface MatvecSite {
  matrix: WeakRef<Float32Array> | undefined;
  at: number;
  generation: number;
}
export const matvecSite = (): MatvecSite => ({ matrix: undefined, at: 0, generation: -1 });

interface Built {
  product: Matvec;
  resident: ResidentRegion;
  programBuffers: ProgramBuffers;
  memory: KernelMemory;
}
let built: Built | null | undefined;

/** The module and what is built on its memory, made on first use; null where WebAssembly SIMD is unavailable. */
function kernel(): Built | null {
  if (built === undefined) built = build();
  return built;
}

/** The WebAssembly matrix-vector kernel, or null where WebAssembly SIMD is unavailable. */
export const matvec = (): Matvec | null => kernel()?.product ?? null;

/** The kernel's resident region, or null where WebAssembly SIMD is unavailable. */
export const residentRegion = (): ResidentRegion | null => kernel()?.resident ?? null;

/** Storage for compiled programs' buffers, or null where WebAssembly SIMD is unavailable. */
export const programBuffers = (): ProgramBuffers | null => kernel()?.programBuffers ?? null;

/** The kernel's memory, for other generated kernels, or null where WebAssembly SIMD is unavailable. */
export const kernelMemory = (): KernelMemory | null => kernel()?.memory ?? null;

/** The part of the WebAssembly API used here (the project's type libraries do not declare it). */
interface Wasm {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
type Kernel = (x: number, w: number, y: number, K: number, groups: number, row: number, xStep: number, yStep: number) => void;

function build(): Built | null {
  const wasm = (globalThis as { WebAssembly?: Wasm }).WebAssembly;
  let buffer: ArrayBuffer;
  let k: Record<keyof typeof KERNELS, Kernel>;
  let link: (bytes: Uint8Array) => Record<string, unknown>;
  try {
    if (!wasm || typeof WeakRef !== "function" || typeof FinalizationRegistry !== "function" || !wasm.validate(MODULE)) return null;
    const memory = new wasm.Memory({ initial: PAGES, maximum: PAGES });
    link = (bytes) => new wasm.Instance(new wasm.Module(bytes), { e: { m: memory } }).exports;
    k = link(MODULE) as typeof k;
    buffer = memory.buffer;
  } catch {
    return null;
  }
  const f32 = new Float32Array(buffer);
  const i32 = new Int32Array(buffer);
  const u8 = new Uint8Array(buffer);

  // cached matrices: per matrix, per layout, where its contiguous [nb, K, N] copy starts
  let cache = new WeakMap<TypedArray, Map<string, number>>();
  let generation = 0;
  let top = CACHE_START;
  const place = (W: Float32Array, wOff: number, wSb: number, wSk: number, wSn: number, nb: number, K: number, N: number): number => {
    const layout = `${wOff},${wSb},${wSk},${wSn},${nb},${K},${N}`;
    let layouts = cache.get(W);
    const hit = layouts?.get(layout);
    if (hit !== undefined) return hit;
    const bytes = aligned(4 * nb * K * N);
    if (nb * K * N > CACHED_FLOATS)
      throw new Error(`jaxts internal error: a ${nb}×${K}×${N} matrix is too large for the matrix-vector cache`);
    if (top + bytes > CACHE_START + CACHE_BYTES) {
      cache = new WeakMap();
      generation++;
      layouts = undefined;
      top = CACHE_START;
    }
    let q = top / 4;
    for (let b = 0; b < nb; b++) {
      for (let k = 0; k < K; k++) {
        const row = wOff + b * wSb + k * wSk;
        if (wSn === 1) f32.set(W.subarray(row, row + N), q);
        else for (let j = 0; j < N; j++) f32[q + j] = W[row + j * wSn]!;
        q += N;
      }
    }
    const at = top;
    if (!layouts) {
      layouts = new Map();
      cache.set(W, layouts);
    }
    layouts.set(layout, at);
    top += bytes;
    return at;
  };

  let residentTop = RESIDENT_AT;
  const resident: ResidentRegion = {
    mark: () => residentTop,
    alloc: (n) => {
      const bytes = aligned(4 * n);
      if (residentTop + bytes > RESIDENT_AT + RESIDENT_BYTES) return null;
      const a = new Float32Array(buffer, residentTop, n);
      residentTop += bytes;
      return a;
    },
    release: (mark) => {
      residentTop = mark;
    },
    holds: (a) => a.buffer === buffer,
  };

  const ranges = new RangeAllocator(PROGRAM_AT, PROGRAM_BYTES);
  const release = (a: TypedArray) => ranges.release(a.byteOffset, aligned(a.byteLength));
  const collected = new FinalizationRegistry<TypedArray[]>((buffers) => buffers.forEach(release));
  const allocLike = <T extends TypedArray>(sample: T, n: number): T | null => {
    const at = n > 0 ? ranges.alloc(aligned(sample.BYTES_PER_ELEMENT * n)) : -1;
    const make = sample.constructor as new (b: ArrayBuffer, at: number, n: number) => T;
    return at < 0 ? null : new make(buffer, at, n);
  };
  const programBuffers: ProgramBuffers = {
    alloc: (n) => allocLike(f32, n),
    allocLike,
    freeWith: (program, buffers) => {
      if (buffers.length > 0) collected.register(program, buffers);
    },
    free: (buffers) => buffers.forEach(release),
  };

  const product: Matvec = (A, aOff, aSb, aSm, aSk, W, wOff, wSb, wSk, wSn, C, nb, M, K, N, volatile, site) => {
    // where W's rows lie in the module's memory
    let base: number;
    let rowBytes = 4 * wSk;
    let batchBytes = 4 * wSb;
    if (W.buffer === buffer && wSn === 1) base = W.byteOffset + 4 * wOff;
    else if (volatile) {
      const span = (nb - 1) * wSb + (K - 1) * wSk + N;
      f32.set(W.subarray(wOff, wOff + span), VOLATILE_AT / 4);
      base = VOLATILE_AT;
    } else {
      rowBytes = 4 * N;
      batchBytes = 4 * K * N;
      const last = site?.matrix?.deref();
      if (site && last === W && site.generation === generation) base = site.at;
      else {
        base = place(W, wOff, wSb, wSk, wSn, nb, K, N);
        if (site) {
          site.matrix = new WeakRef(W);
          site.at = base;
          site.generation = generation;
        }
      }
    }
    // a vector or result in the module's memory (a program buffer) is used where it lies;
    // rows go two at a time where their copies fit the scratch, sharing each load of W
    const aIn = A.buffer === buffer && aSk === 1;
    const cIn = C.buffer === buffer;
    const pairs = M >= 2 && (aIn || 2 * K <= X_FLOATS) && (cIn || 2 * N <= Y_FLOATS);
    const n16 = N >> 4;
    const n8 = (N >> 3) & 1;
    const done = 16 * n16 + 8 * n8;
    for (let b = 0; b < nb; b++) {
      const w = base + b * batchBytes;
      for (let m = 0; m < M; ) {
        const rows = pairs && m + 1 < M ? 2 : 1;
        const row = aOff + b * aSb + m * aSm;
        let x = X_AT;
        if (aIn) x = A.byteOffset + 4 * row;
        else for (let r = 0, q = 0; r < rows; r++) for (let i = 0, p = row + r * aSm; i < K; i++, p += aSk) f32[q++] = A[p]!;
        const xStep = aIn ? 4 * aSm : 4 * K;
        const o = (b * M + m) * N;
        const y = cIn ? C.byteOffset + 4 * o : Y_AT;
        const c8 = rows === 2 ? k.r2c8 : k.r1c8;
        if (n16 > 0) (rows === 2 ? k.r2c16 : k.r1c16)(x, w, y, K, n16, rowBytes, xStep, 4 * N);
        if (n8 > 0) c8(x, w + 64 * n16, y + 64 * n16, K, 1, rowBytes, xStep, 4 * N);
        // the last N % 8 columns: the last 8 columns, some done already, computed again (the
        // same sums, so the same values), with no read past W's columns
        if (done < N && N >= 8) c8(x, w + 4 * (N - 8), y + 4 * (N - 8), K, 1, rowBytes, xStep, 4 * N);
        for (let r = 0; r < rows; r++) {
          if (N < 8) {
            // fewer than 8 columns (codegen never asks): the same float32 sums, in JavaScript
            const xr = (x + r * xStep) / 4;
            for (let j = 0; j < N; j++) {
              let c = 0;
              for (let i = 0, q = w / 4 + j; i < K; i++, q += rowBytes / 4) c = Math.fround(c + Math.fround(f32[xr + i]! * f32[q]!));
              f32[y / 4 + r * N + j] = c;
            }
          }
          if (!cIn) C.set(f32.subarray(Y_AT / 4 + r * N, Y_AT / 4 + (r + 1) * N), o + r * N);
        }
        m += rows;
      }
    }
  };
  const memory: KernelMemory = {
    link,
    address: (a, at) => {
      if (a.buffer === buffer) return a.byteOffset;
      const to = VOLATILE_AT + at;
      if (a instanceof Float32Array) f32.set(a, to / 4);
      else if (a instanceof Int32Array) i32.set(a, to / 4);
      else if (a instanceof Uint8Array) u8.set(a, to);
      else throw new Error(`jaxts internal error: no staging for ${a.constructor.name}`);
      return to;
    },
    staging: <T extends TypedArray>(sample: T, at: number, n: number) =>
      new (sample.constructor as new (b: ArrayBuffer, at: number, n: number) => T)(buffer, VOLATILE_AT + at, n),
  };
  return { product, resident, programBuffers, memory };
}
