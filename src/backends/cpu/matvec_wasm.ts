// Matrix-vector products x @ W (float32, W's rows contiguous) in WebAssembly SIMD, for
// compiled code: 8 output columns at a time, each pair of columns one f64x2 accumulator,
// so the sums are exactly the JavaScript kernel's (double precision, k ascending, one
// rounding to float32 at the end) at 2-4 times its speed. It is how a decode step's
// projections (rows of 1) stop being bound by scalar JavaScript.
//
// W must sit in the module's memory: a weight matrix (a jitted function's argument or
// constant: arrays are immutable) is copied there once and found again by identity; a
// matrix the program writes to (a decode loop's key-value cache, updated in place) is
// copied per call, as one block spanning its strided rows. The vector is copied per call.
// Where WebAssembly SIMD is missing, `matvec()` is null and the JavaScript kernel runs.
import type { TypedArray } from "../../core/dtype.js";

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
) => void;

/** The most floats a volatile W's span (from its first to its last element) may cover. */
export const VOLATILE_FLOATS = 1 << 20;

// ---- the module, assembled by hand ----

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const name = (s: string) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

const I32 = 0x7f;
const V128 = 0x7b;
const simd = (op: number, ...imm: number[]) => [0xfd, ...leb(op), ...imm];
const get = (l: number) => [0x20, l];
const set = (l: number) => [0x21, l];
const tee = (l: number) => [0x22, l];
const i32 = (v: number) => [0x41, ...leb(v)];
const ADD = 0x6a;
const SHL = 0x74;
const EQZ = 0x45;
const LT_U = 0x49;
const F32_LOAD = (offset: number) => [0x2a, 2, ...leb(offset)];
const PROMOTE = 0xbb;
const V_LOAD = (offset: number) => simd(0x00, 0, ...leb(offset));
const V_STORE = (offset: number) => simd(0x0b, 0, ...leb(offset));
const F64X2_SPLAT = simd(0x14);
const F64X2_ADD = simd(0xf0);
const F64X2_MUL = simd(0xf2);
const PROMOTE_LOW = simd(0x5f);
const DEMOTE_ZERO = simd(0x5e);
const shuffle = (lanes: number[]) => simd(0x0d, ...lanes);
const range = (a: number, n: number) => Array.from({ length: n }, (_, i) => a + i);
const HIGH_HALF = shuffle([...range(8, 8), ...range(0, 8)]);
const LOW_HALVES = shuffle([...range(0, 8), ...range(16, 8)]);

// params: x (byte address), w (byte address of row 0, column 0), y (byte address), K, N8, row bytes
const X = 0;
const W = 1;
const Y = 2;
const K = 3;
const N8 = 4;
const ROW = 5;
// locals
const G = 6;
const KK = 7;
const PA = 8;
const PB = 9;
const A0 = 10;
const A1 = 11;
const A2 = 12;
const A3 = 13;
const AV = 14;
const W0 = 15;
const W1 = 16;
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const brIf = (depth: number) => [0x0d, depth];
const END = 0x0b;
const F64_ZERO = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
/** address + g * 32 (the g-th group of 8 float32 columns) */
const group = (addr: number) => [...get(addr), ...get(G), ...i32(5), SHL, ADD];

const body: number[] = [
  // locals: 4 i32, then 7 v128
  ...vec([
    [4, I32],
    [7, V128],
  ]),
  ...BLOCK, // exits at once when N8 is 0
  ...[...get(N8), EQZ, ...brIf(0)],
  ...LOOP, // over groups of 8 columns
  ...[A0, A1, A2, A3].flatMap((a) => [...F64_ZERO, ...F64X2_SPLAT, ...set(a)]),
  ...[...get(X), ...set(PA)],
  ...[...group(W), ...set(PB)],
  ...[...i32(0), ...set(KK)],
  ...BLOCK, // exits at once when K is 0
  ...[...get(K), EQZ, ...brIf(0)],
  ...LOOP, // over k: acc += x[k] * W[k, 8 columns]
  ...[...get(PA), ...F32_LOAD(0), PROMOTE, ...F64X2_SPLAT, ...set(AV)],
  ...[...get(PB), ...V_LOAD(0), ...set(W0)],
  ...[...get(PB), ...V_LOAD(16), ...set(W1)],
  ...(
    [
      [A0, W0, false],
      [A1, W0, true],
      [A2, W1, false],
      [A3, W1, true],
    ] as const
  ).flatMap(([acc, w, high]) => [
    ...get(acc),
    ...get(AV),
    ...get(w),
    ...(high ? [...get(w), ...HIGH_HALF] : []),
    ...PROMOTE_LOW,
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...set(acc),
  ]),
  ...[...get(PA), ...i32(4), ADD, ...set(PA)],
  ...[...get(PB), ...get(ROW), ADD, ...set(PB)],
  ...[...get(KK), ...i32(1), ADD, ...tee(KK), ...get(K), LT_U, ...brIf(0)],
  END, // loop over k
  END, // block
  // the 8 sums rounded to float32 and stored
  ...(
    [
      [A0, A1, 0],
      [A2, A3, 16],
    ] as const
  ).flatMap(([lo, hi, off]) => [...group(Y), ...get(lo), ...DEMOTE_ZERO, ...get(hi), ...DEMOTE_ZERO, ...LOW_HALVES, ...V_STORE(off)]),
  ...[...get(G), ...i32(1), ADD, ...tee(G), ...get(N8), LT_U, ...brIf(0)],
  END, // loop over groups
  END, // block
  END, // function
];

const MODULE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  ...section(1, vec([[0x60, ...vec(range(0, 6).map(() => [I32])), 0]])),
  ...section(2, vec([[...name("e"), ...name("m"), 0x02, 0x00, 1]])),
  ...section(3, vec([[0]])),
  ...section(7, vec([[...name("mv"), 0x00, 0]])),
  ...section(10, vec([[...leb(body.length), ...body]])),
]);

// ---- memory: the scratch region, the volatile matrix, then cached weight matrices ----

const PAGE = 65536;
/** Bytes of cached matrices before the cache starts over. */
const CACHE_LIMIT = 64 << 20;
/** The vector (K floats) and the result (N floats) of one call. */
const SCRATCH = 1 << 20;
/** Where a volatile matrix is copied (after the scratch region), and where cached ones start. */
const VOLATILE_AT = 2 * SCRATCH;
const CACHE_START = VOLATILE_AT + 4 * VOLATILE_FLOATS;

let instance: Matvec | null | undefined;

/** The WebAssembly matrix-vector kernel, or null where WebAssembly SIMD is unavailable. */
export function matvec(): Matvec | null {
  if (instance === undefined) instance = build();
  return instance;
}

/** The part of the WebAssembly API used here (the project's type libraries do not declare it). */
interface Wasm {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type Kernel = (x: number, w: number, y: number, K: number, n8: number, row: number) => void;

function build(): Matvec | null {
  const wasm = (globalThis as { WebAssembly?: Wasm }).WebAssembly;
  let memory: WasmMemory;
  let mv: Kernel;
  try {
    if (!wasm || !wasm.validate(MODULE)) return null;
    memory = new wasm.Memory({ initial: CACHE_START / PAGE });
    const inst = new wasm.Instance(new wasm.Module(MODULE), { e: { m: memory } });
    mv = inst.exports.mv as Kernel;
  } catch {
    return null;
  }
  let heap = new Float32Array(memory.buffer);
  // per matrix, per layout: where its contiguous [nb, K, N] copy starts (byte address)
  let cache = new WeakMap<TypedArray, Map<string, number>>();
  let top = CACHE_START;
  const place = (W: Float32Array, wOff: number, wSb: number, wSk: number, wSn: number, nb: number, K: number, N: number): number => {
    const layout = `${wOff},${wSb},${wSk},${wSn},${nb},${K},${N}`;
    let layouts = cache.get(W);
    const hit = layouts?.get(layout);
    if (hit !== undefined) return hit;
    const bytes = 4 * nb * K * N;
    if (top + bytes > CACHE_START + CACHE_LIMIT) {
      cache = new WeakMap();
      layouts = undefined;
      top = CACHE_START;
    }
    const need = top + bytes;
    if (need > memory.buffer.byteLength) {
      memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
      heap = new Float32Array(memory.buffer);
    }
    let q = top / 4;
    for (let b = 0; b < nb; b++) {
      for (let k = 0; k < K; k++) {
        const row = wOff + b * wSb + k * wSk;
        if (wSn === 1) heap.set(W.subarray(row, row + N), q);
        else for (let j = 0; j < N; j++) heap[q + j] = W[row + j * wSn]!;
        q += N;
      }
    }
    const at = top;
    if (!layouts) {
      layouts = new Map();
      cache.set(W, layouts);
    }
    layouts.set(layout, at);
    top = need + ((16 - (need % 16)) % 16);
    return at;
  };
  return (A, aOff, aSb, aSm, aSk, W, wOff, wSb, wSk, wSn, C, nb, M, K, N, volatile) => {
    // a cached matrix is stored compactly ([nb, K, N]); a volatile one keeps W's strides
    let base: number;
    let rowStride = N;
    let batchStride = K * N;
    if (volatile) {
      const span = (nb - 1) * wSb + (K - 1) * wSk + N;
      heap.set(W.subarray(wOff, wOff + span), VOLATILE_AT / 4);
      base = VOLATILE_AT;
      rowStride = wSk;
      batchStride = wSb;
    } else base = place(W, wOff, wSb, wSk, wSn, nb, K, N);
    const n8 = N >> 3;
    const yAt = SCRATCH / 4;
    for (let b = 0; b < nb; b++) {
      const w = base + 4 * b * batchStride;
      for (let m = 0; m < M; m++) {
        let p = aOff + b * aSb + m * aSm;
        for (let k = 0; k < K; k++, p += aSk) heap[k] = A[p]!;
        const o = (b * M + m) * N;
        if (n8 > 0) {
          mv(0, w, SCRATCH, K, n8, 4 * rowStride);
          C.set(heap.subarray(yAt, yAt + 8 * n8), o);
        }
        for (let j = 8 * n8; j < N; j++) {
          let c = 0;
          for (let k = 0, q = w / 4 + j; k < K; k++, q += rowStride) c += heap[k]! * heap[q]!;
          C[o + j] = c;
        }
      }
    }
  };
}
