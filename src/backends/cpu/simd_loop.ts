// Fused loops compiled to WebAssembly SIMD: the cpu engine's second code generator, for
// loop nests whose arrays lie in the matrix-vector kernel's memory (matvec_wasm.ts: program
// buffers, loop carries, and arguments staged there per call). Four elements at a time,
// as f32x4 / i32x4 lanes; booleans are lane masks (0 or all ones) in registers and bytes
// in memory. What JavaScript does one element at a time with a float64 rounded to float32
// per operation, this does four at a time in float32 arithmetic: the same results for
// add, sub, mul, div, sqrt, comparisons, selects and conversions, since rounding an exact
// float64 result to float32 equals float32 arithmetic for these. The exceptions:
// - exp, logistic and tanh: a polynomial in float32, within one ulp of the correctly
//   rounded value for exp and two for logistic and tanh (the JavaScript path's fastmath.ts:
//   one), and 0 where exp's or logistic's result is below the smallest normal float32, as
//   on XLA's CPU backend; log computes in float64, like Math.log, and is almost always
//   correctly rounded;
// - rsqrt: a float32 square root, then a float32 division (one more rounding);
// - sums: four float64 partial sums (lanes), added at the end, instead of one in element order.
//
// A loop (SimdLoop) is a nest of levels, the innermost taking four elements per step (the
// last few one at a time); every array is read or written at `base + Σ index[level] *
// stride[level]` of its access pattern, with an innermost stride of 1 (contiguous) or 0
// (the same element: loaded once per pass of the inner loop). Reductions run over the
// innermost levels and store one float32 per pass over them at their pattern's offset.

import {
  ADD,
  brIf,
  END,
  F32,
  F32_DEMOTE_F64,
  F32_MAX,
  F32_MIN,
  F32_STORE,
  F32X4_ABS,
  F32X4_ADD,
  F32X4_CEIL,
  F32X4_CONVERT_I32X4_S,
  F32X4_DEMOTE_F64X2_ZERO,
  F32X4_DIV,
  F32X4_EQ,
  F32X4_EXTRACT,
  F32X4_FLOOR,
  F32X4_GE,
  F32X4_GT,
  F32X4_LE,
  F32X4_LT,
  F32X4_MAX,
  F32X4_MIN,
  F32X4_MUL,
  F32X4_NE,
  F32X4_NEG,
  F32X4_PMIN,
  F32X4_SPLAT,
  F32X4_SQRT,
  F32X4_SUB,
  F64_ADD,
  F64X2_ADD,
  F64X2_DIV,
  F64X2_EXTRACT,
  F64X2_GT,
  F64X2_MUL,
  F64X2_PROMOTE_LOW,
  F64X2_SUB,
  f32,
  get,
  I8X16_NARROW_I16X8_S,
  I16X8_EXTEND_LOW_I8X16_U,
  I16X8_NARROW_I32X4_S,
  I32,
  I32X4_ADD,
  I32X4_EQ,
  I32X4_EXTEND_LOW_I16X8_U,
  I32X4_GE_S,
  I32X4_GT_S,
  I32X4_LE_S,
  I32X4_LT_S,
  I32X4_MAX_S,
  I32X4_MIN_S,
  I32X4_MUL,
  I32X4_NE,
  I32X4_NEG,
  I32X4_SHL,
  I32X4_SHR_S,
  I32X4_SPLAT,
  I32X4_SUB,
  I64X2_ADD,
  I64X2_SHR_U,
  I64X2_SUB,
  i32,
  LOAD8_SPLAT,
  LOAD32_SPLAT,
  LOAD32_ZERO,
  LOOP,
  LT_S,
  leb,
  MUL,
  SHL,
  SHUFFLE,
  STORE8_LANE,
  STORE32_LANE,
  SUB,
  set,
  tee,
  V_LOAD,
  V_STORE,
  V128,
  V128_AND,
  V128_BITSELECT,
  V128_CONST,
  V128_NOT,
  V128_OR,
  V128_XOR,
  V128_ZERO,
  vec,
} from "./wasm_encoding.js";

/** The kind of a lane: a float32, an int32, or a boolean (a mask in registers, a byte in memory). */
export type Lane = "f32" | "i32" | "bool";

export type UnaryFn = "neg" | "abs" | "sqrt" | "rsqrt" | "exp" | "logistic" | "tanh" | "log" | "floor" | "ceil" | "square";
export type BinaryFn = "add" | "sub" | "mul" | "div" | "max" | "min" | "and" | "or" | "xor";
export type CompareFn = "eq" | "ne" | "lt" | "le" | "gt" | "ge";

/** One value per element; operands are earlier nodes' indices. */
export type SimdNode =
  | { op: "load"; array: number }
  /** A number passed per call (a bool as 0 or 1). */
  | { op: "scalar"; param: number; lane: Lane }
  | { op: "const"; lane: Lane; value: number }
  /** float32 functions */
  | { op: "unary"; fn: UnaryFn; x: number }
  | { op: "not"; x: number }
  | { op: "binary"; fn: BinaryFn; lane: Lane; a: number; b: number }
  /** Operands of `lane`; the result is a bool. */
  | { op: "compare"; fn: CompareFn; a: number; b: number }
  /** pred ? onTrue : onFalse, pred a bool. */
  | { op: "select"; pred: number; onFalse: number; onTrue: number }
  | { op: "convert"; from: Lane; to: Lane; x: number };

export interface SimdArray {
  /** Byte address in the kernel's memory: fixed, or an i32 parameter's value. */
  address: number | { param: number };
  lane: Lane;
  pattern: number;
}

export interface SimdLoop {
  /** The function's parameters: i32 (addresses, int32 and bool numbers) or f32. */
  params: ("i32" | "f32")[];
  /** Outermost first; the innermost one's n is 4 or more. strides: per pattern, in elements. */
  levels: { n: number; strides: number[] }[];
  /** Per pattern: the element offset where it starts. */
  bases: number[];
  arrays: SimdArray[];
  nodes: SimdNode[];
  stores: { array: number; node: number }[];
  /**
   * Over the levels from `reduceFrom` in (the innermost at least): one float32 result per
   * pass over them, written at the array's pattern offset (its strides over those levels are 0).
   */
  reductions: { kind: "sum" | "max" | "min"; node: number; array: number }[];
  reduceFrom: number;
}

/** The bytes per element in memory. */
export const bytesOf = (lane: Lane) => (lane === "bool" ? 1 : 4);

/** The lane kind of each node's value. */
function lanesOf(loop: SimdLoop): Lane[] {
  const lanes: Lane[] = [];
  for (const n of loop.nodes) {
    switch (n.op) {
      case "load":
        lanes.push(loop.arrays[n.array]!.lane);
        break;
      case "scalar":
      case "const":
      case "binary":
        lanes.push(n.lane);
        break;
      case "unary":
        lanes.push("f32");
        break;
      case "not":
      case "compare":
        lanes.push("bool");
        break;
      case "select":
        lanes.push(lanes[n.onTrue]!);
        break;
      case "convert":
        lanes.push(n.to);
        break;
    }
  }
  return lanes;
}

const cat = (...parts: number[][]): number[] => parts.flat();
const splat4 = (bytes: number[]) => V128_CONST([...bytes, ...bytes, ...bytes, ...bytes]);
const f32Bytes = (v: number) => f32(v).slice(1);
const i32Bytes = (v: number) => Array.from(new Uint8Array(new Int32Array([v]).buffer));
const ONES = splat4(i32Bytes(-1));
/** Lane 0's bits kept, the others zero (a one-element step's contribution to a sum). */
const LANE0 = [255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/** Shuffle lanes: the low two float32s of two vectors, side by side. */
const LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
/** Shuffle lanes: the high two float32s of a vector moved to the low half. */
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

// e^x = 2^n e^r with n = round(x / ln2) and r = x - n ln2 (ln2 in two parts, the first
// with few enough bits that n * LN2_HI is exact); e^r by its Taylor polynomial of degree 7
// (|r| <= ln2/2: truncation error 5e-9 relative, below float32's half-ulp); 2^n applied
// in two factors, so that 2^128 (an overflow to infinity) can be formed. Results below the
// smallest normal float32 (x < ln 2^-126) are 0, as on XLA's CPU backend, which flushes
// subnormals: computing them would cost a microcode assist per element on x86, and the
// masked scores of an attention softmax (e^(-3e38)) are exactly that case. NaN stays NaN.
const SMALLEST_NORMAL_EXP = Math.fround(Math.log(2 ** -126));
const LN2_HI = 0.693359375;
const LN2_LO = Math.fround(Math.LN2 - LN2_HI);
/** 1.5 * 2^23: adding it to a float32 of magnitude below 2^22 rounds it to an integer, held in the low bits. */
const ROUNDER = 12582912;
const ROUNDER_BITS = 0x4b400000;
/** 1.5 * 2^52, the same for float64. */
const ROUNDER64 = 6755399441055744;
const TAYLOR = [1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2];

class FunctionBuilder {
  readonly code: number[] = [];
  private readonly prologue: number[] = [];
  private readonly constants = new Map<string, number>();
  private readonly i32Locals: number;
  private nI32 = 0;
  private nV128 = 0;
  constructor(
    private readonly nParams: number,
    maxI32: number,
  ) {
    this.i32Locals = maxI32;
  }
  /** A fresh i32 local. */
  i32(): number {
    if (this.nI32 >= this.i32Locals) throw new Error("jaxts internal error: SIMD loop ran out of i32 locals");
    return this.nParams + this.nI32++;
  }
  /** A fresh v128 local. */
  v128(): number {
    return this.nParams + this.i32Locals + this.nV128++;
  }
  /**
   * A constant vector (4 bytes for every lane, or 16): a local set once, at the function's start (V8 builds a v128.const
   * from general registers each time it runs, several instructions; a local is one load at most).
   */
  constant(bytes: number[]): number[] {
    const key = bytes.join(",");
    let l = this.constants.get(key);
    if (l === undefined) {
      l = this.v128();
      this.constants.set(key, l);
      this.prologue.push(...(bytes.length === 4 ? splat4(bytes) : V128_CONST(bytes)), ...set(l));
    }
    return get(l);
  }
  f32x4(v: number): number[] {
    return this.constant(f32Bytes(v));
  }
  i32x4(v: number): number[] {
    return this.constant(i32Bytes(v));
  }
  emit(...parts: number[][]): void {
    for (const p of parts) for (const b of p) this.code.push(b);
  }
  body(): number[] {
    const groups = [
      [this.i32Locals, I32],
      [this.nV128, V128],
    ].filter(([n]) => n! > 0);
    return [...vec(groups.map(([n, t]) => [...leb(n!), t!])), ...this.prologue, ...this.code, END];
  }
}

/** The function body of one loop nest (its parameters as `loop.params`). */
export function simdLoopBody(loop: SimdLoop): number[] {
  const { levels, nodes, arrays } = loop;
  const depth = levels.length;
  const inner = levels[depth - 1]!;
  if (inner.n < 4) throw new Error("jaxts internal error: a SIMD loop's inner level must have 4 elements or more");
  const lanes = lanesOf(loop);
  const nPatterns = loop.bases.length;
  // i32 locals: a counter per level, an offset per pattern, an address per array, j*4
  const f = new FunctionBuilder(loop.params.length, depth + nPatterns + arrays.length + 1);
  const counters = levels.map(() => f.i32());
  const offsets = loop.bases.map(() => f.i32());
  const addrs = arrays.map(() => f.i32());
  const j4 = f.i32();
  const counter = counters[depth - 1]!;

  // which nodes stay the same across the inner loop (computed once per pass)
  const innerStride = (a: number) => inner.strides[arrays[a]!.pattern]!;
  const invariant: boolean[] = [];
  for (const n of nodes) {
    let inv: boolean;
    switch (n.op) {
      case "load":
        inv = innerStride(n.array) === 0;
        break;
      case "scalar":
      case "const":
        inv = true;
        break;
      case "unary":
      case "not":
      case "convert":
        inv = invariant[n.x]!;
        break;
      case "binary":
      case "compare":
        inv = invariant[n.a]! && invariant[n.b]!;
        break;
      case "select":
        inv = invariant[n.pred]! && invariant[n.onFalse]! && invariant[n.onTrue]!;
        break;
    }
    invariant.push(inv);
  }
  const locals = nodes.map(() => f.v128());
  const tmp = [f.v128(), f.v128(), f.v128()];
  const f64 = [f.v128(), f.v128(), f.v128()];

  // Steps of the inner loop take `unroll` groups of four elements, group u at byte offset
  // u * 16 (u * 4 for bools) through the memory instructions' offsets; reductions keep an
  // accumulator per group, so their chains of dependent operations run side by side. The
  // elements after the last whole step (the tail) go one at a time: each value splatted
  // over the lanes, lane 0 stored, lane 0 alone summed.
  const reducing = loop.reductions.length > 0;
  const unroll = reducing && inner.n >= 16 ? 4 : inner.n >= 8 ? 2 : 1;
  const main = inner.n - (inner.n % (4 * unroll));
  /** u: the group of a vector step; -1: one element (the tail). */
  const compute = (k: number, u: number) => {
    const n = nodes[k]!;
    const x = (i: number) => get(locals[i]!);
    switch (n.op) {
      case "load": {
        const a = arrays[n.array]!;
        const bool = a.lane === "bool";
        const whole = innerStride(n.array) === 0;
        // bools are bytes: element j lies j bytes on, others 4j
        f.emit(get(addrs[n.array]!));
        if (!whole) f.emit(get(bool ? counter : j4), [ADD]);
        if (whole || u < 0) {
          if (bool) f.emit(LOAD8_SPLAT(0), V128_ZERO, I32X4_NE);
          else f.emit(LOAD32_SPLAT(0));
        } else if (bool) f.emit(LOAD32_ZERO(4 * u), I16X8_EXTEND_LOW_I8X16_U, I32X4_EXTEND_LOW_I16X8_U, V128_ZERO, I32X4_NE);
        else f.emit(V_LOAD(16 * u));
        break;
      }
      case "scalar":
        if (n.lane === "f32") f.emit(get(n.param), F32X4_SPLAT);
        else if (n.lane === "i32") f.emit(get(n.param), I32X4_SPLAT);
        else f.emit(i32(0), get(n.param), [SUB], I32X4_SPLAT); // 0 - b: a mask
        break;
      case "const":
        if (n.lane === "f32") f.emit(f.f32x4(n.value));
        else if (n.lane === "i32") f.emit(f.i32x4(n.value));
        else f.emit(n.value ? ONES : V128_ZERO);
        break;
      case "unary":
        f.emit(unary(f, n.fn, locals[n.x]!, tmp, f64));
        break;
      case "not":
        f.emit(x(n.x), V128_NOT);
        break;
      case "binary":
        f.emit(binary(n.fn, n.lane, locals[n.a]!, locals[n.b]!));
        break;
      case "compare":
        f.emit(x(n.a), x(n.b), compareOp(n.fn, lanes[n.a]!));
        break;
      case "select":
        f.emit(x(n.onTrue), x(n.onFalse), x(n.pred), V128_BITSELECT);
        break;
      case "convert":
        f.emit(convert(f, n.from, n.to, locals[n.x]!));
        break;
    }
    f.emit(set(locals[k]!));
  };

  // accumulators, per group: sums in two float64x2 (lanes 0-1 and 2-3), max/min in one float32x4
  const accs = loop.reductions.map((r) => Array.from({ length: unroll }, () => (r.kind === "sum" ? [f.v128(), f.v128()] : [f.v128()])));

  const initAccumulators = () =>
    loop.reductions.forEach((r, k) => {
      const init = r.kind === "sum" ? V128_ZERO : f.f32x4(r.kind === "max" ? -Infinity : Infinity);
      for (const group of accs[k]!) for (const acc of group) f.emit(init, set(acc));
    });
  // the groups' accumulators combined, then their lanes; one float32 each
  const finishAccumulators = () =>
    loop.reductions.forEach((r, k) => {
      const [first, ...rest] = accs[k]!;
      const [a, b] = first!;
      f.emit(get(addrs[r.array]!));
      if (r.kind === "sum") {
        f.emit(get(a!));
        for (const g of rest) f.emit(get(g[0]!), F64X2_ADD);
        f.emit(get(b!));
        for (const g of rest) f.emit(get(g[1]!), F64X2_ADD);
        f.emit(F64X2_ADD, tee(a!), F64X2_EXTRACT(0), get(a!), F64X2_EXTRACT(1), [F64_ADD, F32_DEMOTE_F64]);
      } else {
        const vop = r.kind === "max" ? F32X4_MAX : F32X4_MIN;
        const op = r.kind === "max" ? F32_MAX : F32_MIN;
        f.emit(get(a!));
        for (const g of rest) f.emit(get(g[0]!), vop);
        f.emit(tee(a!));
        f.emit(F32X4_EXTRACT(0), get(a!), F32X4_EXTRACT(1), [op], get(a!), F32X4_EXTRACT(2), get(a!), F32X4_EXTRACT(3), [op], [op]);
      }
      f.emit(F32_STORE(0));
    });

  // the outer levels
  for (let l = 0; l < depth - 1; l++) {
    if (l === loop.reduceFrom) initAccumulators();
    f.emit(i32(0), set(counters[l]!), LOOP);
  }
  // the pass of the inner loop: pattern offsets, array addresses, invariants, accumulators
  for (let p = 0; p < nPatterns; p++) {
    f.emit(i32(loop.bases[p]!));
    for (let l = 0; l < depth - 1; l++) {
      const s = levels[l]!.strides[p]!;
      if (s !== 0) f.emit(get(counters[l]!), i32(s), [MUL], [ADD]);
    }
    f.emit(set(offsets[p]!));
  }
  arrays.forEach((a, k) => {
    f.emit(typeof a.address === "number" ? i32(a.address) : get(a.address.param));
    f.emit(get(offsets[a.pattern]!));
    if (bytesOf(a.lane) === 4) f.emit(i32(2), [SHL]);
    f.emit([ADD], set(addrs[k]!));
  });
  nodes.forEach((_, k) => {
    if (invariant[k]) compute(k, 0);
  });
  if (loop.reduceFrom === depth - 1) initAccumulators();
  /** One step's work: group u of a vector step, or (u = -1) one element of the tail. */
  const step = (u: number) => {
    nodes.forEach((_, k) => {
      if (!invariant[k]) compute(k, u);
    });
    for (const st of loop.stores) {
      const a = arrays[st.array]!;
      const v = get(locals[st.node]!);
      if (a.lane === "bool") {
        // masks to 0/1; four narrowed to bytes, or lane 0's low byte
        f.emit(get(addrs[st.array]!), get(counter), [ADD], v, I32X4_NEG);
        if (u < 0) f.emit(STORE8_LANE(0));
        else
          f.emit(tee(tmp[0]!), get(tmp[0]!), I16X8_NARROW_I32X4_S, tee(tmp[0]!), get(tmp[0]!), I8X16_NARROW_I16X8_S, STORE32_LANE(4 * u));
      } else f.emit(get(addrs[st.array]!), get(j4), [ADD], v, u < 0 ? STORE32_LANE(0) : V_STORE(16 * u));
    }
    loop.reductions.forEach((r, k) => {
      const v = get(locals[r.node]!);
      const [a, b] = accs[k]![Math.max(u, 0)]!;
      if (r.kind === "sum" && u < 0) f.emit(get(a!), v, f.constant(LANE0), V128_AND, F64X2_PROMOTE_LOW, F64X2_ADD, set(a!));
      else if (r.kind === "sum") {
        f.emit(get(a!), v, F64X2_PROMOTE_LOW, F64X2_ADD, set(a!));
        f.emit(get(b!), v, v, SHUFFLE(HIGH_HALF), F64X2_PROMOTE_LOW, F64X2_ADD, set(b!));
      } else f.emit(get(a!), v, r.kind === "max" ? F32X4_MAX : F32X4_MIN, set(a!));
    });
  };
  f.emit(i32(0), set(counter));
  if (main > 0) {
    f.emit(LOOP, get(counter), i32(2), [SHL], set(j4));
    for (let u = 0; u < unroll; u++) step(u);
    f.emit(get(counter), i32(4 * unroll), [ADD], tee(counter), i32(main), [LT_S], brIf(0), [END]);
  }
  if (main < inner.n) {
    f.emit(LOOP, get(counter), i32(2), [SHL], set(j4));
    step(-1);
    f.emit(get(counter), i32(1), [ADD], tee(counter), i32(inner.n), [LT_S], brIf(0), [END]);
  }
  if (loop.reduceFrom === depth - 1) finishAccumulators();
  // close the outer levels, innermost first
  for (let l = depth - 2; l >= 0; l--) {
    f.emit(get(counters[l]!), i32(1), [ADD], tee(counters[l]!), i32(levels[l]!.n), [LT_S], brIf(0), [END]);
    if (l === loop.reduceFrom) finishAccumulators();
  }
  return f.body();
}

function compareOp(fn: CompareFn, l: Lane): number[] {
  if (l === "f32") return { eq: F32X4_EQ, ne: F32X4_NE, lt: F32X4_LT, le: F32X4_LE, gt: F32X4_GT, ge: F32X4_GE }[fn];
  if (l === "bool" && fn !== "eq" && fn !== "ne") throw new Error("jaxts internal error: bool order comparison in a SIMD loop");
  return { eq: I32X4_EQ, ne: I32X4_NE, lt: I32X4_LT_S, le: I32X4_LE_S, gt: I32X4_GT_S, ge: I32X4_GE_S }[fn];
}

function binary(fn: BinaryFn, lane: Lane, a: number, b: number): number[] {
  const A = get(a);
  const B = get(b);
  if (lane === "bool") {
    // add and mul of bools are or and and
    const op = { and: V128_AND, or: V128_OR, xor: V128_XOR, add: V128_OR, mul: V128_AND }[fn as "and"];
    if (!op) throw new Error(`jaxts internal error: bool ${fn} in a SIMD loop`);
    return cat(A, B, op);
  }
  if (lane === "i32") {
    const op = {
      add: I32X4_ADD,
      sub: I32X4_SUB,
      mul: I32X4_MUL,
      max: I32X4_MAX_S,
      min: I32X4_MIN_S,
      and: V128_AND,
      or: V128_OR,
      xor: V128_XOR,
    }[fn as "add"];
    if (!op) throw new Error(`jaxts internal error: int32 ${fn} in a SIMD loop`);
    return cat(A, B, op);
  }
  switch (fn) {
    case "add":
      return cat(A, B, F32X4_ADD);
    case "sub":
      return cat(A, B, F32X4_SUB);
    case "mul":
      return cat(A, B, F32X4_MUL);
    case "div":
      return cat(A, B, F32X4_DIV);
    case "max":
    case "min":
      // as the JavaScript path: NaN if either is NaN, else a if a > b (a < b), else b (so
      // max(+0, -0) is -0, where f32x4.max would give +0); all-ones bits are a NaN
      return cat(A, B, A, B, fn === "max" ? F32X4_GT : F32X4_LT, V128_BITSELECT, A, A, F32X4_NE, B, B, F32X4_NE, V128_OR, V128_OR);
    default:
      throw new Error(`jaxts internal error: float32 ${fn} in a SIMD loop`);
  }
}

function convert(f: FunctionBuilder, from: Lane, to: Lane, x: number): number[] {
  const X = get(x);
  if (from === to) return cat(X);
  if (to === "bool") return cat(X, V128_ZERO, from === "f32" ? F32X4_NE : I32X4_NE);
  if (from === "bool") return cat(X, to === "f32" ? [...f.f32x4(1), ...V128_AND] : I32X4_NEG);
  if (from === "i32" && to === "f32") return cat(X, F32X4_CONVERT_I32X4_S);
  throw new Error(`jaxts internal error: conversion ${from} to ${to} in a SIMD loop`);
}

/**
 * The instructions reducing the value on the stack, t: afterwards tmp[1] holds
 * n = round(t / ln2) as an int32 and tmp[2] holds e^r - 1 for r = t - n ln2 (|r| <= ln2/2),
 * as r + r^2 (1/2 + r (1/6 + ...)); tmp[0] is used.
 */
function expReduce(f: FunctionBuilder, tmp: number[]): number[] {
  const [t, n, p] = tmp as [number, number, number];
  return cat(
    // n = round(t / ln2), by adding 1.5 * 2^23: the sum's low bits are n as an integer
    cat(tee(t), f.f32x4(Math.LOG2E), F32X4_MUL, f.f32x4(ROUNDER), F32X4_ADD, tee(n)),
    // t = (t - n LN2_HI) - n LN2_LO, with n as a float
    cat(f.f32x4(ROUNDER), F32X4_SUB, set(p)),
    cat(get(t), get(p), f.f32x4(LN2_HI), F32X4_MUL, F32X4_SUB, get(p), f.f32x4(LN2_LO), F32X4_MUL, F32X4_SUB, set(t)),
    // p = t + t^2 (1/2 + t (1/6 + ...))
    f.f32x4(TAYLOR[0]!),
    ...TAYLOR.slice(1).map((c) => cat(get(t), F32X4_MUL, f.f32x4(c), F32X4_ADD)),
    cat(get(t), get(t), F32X4_MUL, F32X4_MUL, get(t), F32X4_ADD, set(p)),
    cat(get(n), f.i32x4(ROUNDER_BITS), I32X4_SUB, set(n)),
  );
}

/** 2^k for int32 lanes k on the stack (-126 <= k <= 127), built in the exponent bits. */
const pow2 = (f: FunctionBuilder) => cat(f.i32x4(127), I32X4_ADD, i32(23), I32X4_SHL);

/** The instructions leaving e^x on the stack, given those pushing x (run twice); they use tmp[0..2]. */
function exp(f: FunctionBuilder, x: number[], tmp: number[]): number[] {
  const [t, n, p] = tmp as [number, number, number];
  return cat(
    // the 0 that replaces subnormal results, under the computation on the stack
    V128_ZERO,
    // min(x, 89) (NaN stays), or 0 where the result is 0: a subnormal intermediate would cost an assist
    cat(V128_ZERO, x, f.f32x4(89), F32X4_PMIN, x, f.f32x4(SMALLEST_NORMAL_EXP), F32X4_LT, V128_BITSELECT),
    expReduce(f, tmp),
    // (1 + p) 2^h 2^(n-h) with h = n >> 1: two factors, so that n = 128 (an overflow) can be formed
    cat(get(p), f.f32x4(1), F32X4_ADD, get(n), i32(1), I32X4_SHR_S, tee(t), pow2(f), F32X4_MUL),
    cat(get(n), get(t), I32X4_SUB, pow2(f), F32X4_MUL),
    cat(x, f.f32x4(SMALLEST_NORMAL_EXP), F32X4_LT, V128_BITSELECT),
  );
}

/**
 * The float32 lanes of local `x` computed in float64, two at a time: `half` turns the
 * float64x2 on the stack into its result; the results are rounded to float32 and put side
 * by side. Uses tmp[1..2].
 */
function inFloat64(x: number, tmp: number[], half: () => number[]): number[] {
  const [lo, hi] = [tmp[1]!, tmp[2]!];
  return cat(
    cat(get(x), F64X2_PROMOTE_LOW, half(), F32X4_DEMOTE_F64X2_ZERO, set(lo)),
    cat(get(x), get(x), SHUFFLE(HIGH_HALF), F64X2_PROMOTE_LOW, half(), F32X4_DEMOTE_F64X2_ZERO, set(hi)),
    cat(get(lo), get(hi), SHUFFLE(LOW_HALVES)),
  );
}

/** A float64 constant in both lanes. */
const f64x2 = (f: FunctionBuilder, v: number) => f.constant(Array.from(new Uint8Array(new Float64Array([v, v]).buffer)));
/** An int64 constant in both lanes. */
const i64x2 = (f: FunctionBuilder, v: bigint) => f.constant(Array.from(new Uint8Array(new BigInt64Array([v, v]).buffer)));

/**
 * tanh in float32, within 2 ulps: tanh x = sign(x) m / (m + 2) with m = e^(2|x|) - 1 (2|x|
 * capped at 20, where the quotient rounds to 1) formed as m = 2^n (e^r - 1) + (2^n - 1)
 * from expReduce, so that small |x| (n = 0, m = e^r - 1 by its polynomial) loses nothing
 * to cancellation. The sign is copied from x (tanh -0 = -0); NaN stays NaN. Uses tmp[0..2].
 */
function tanh(f: FunctionBuilder, x: number, tmp: number[]): number[] {
  const [t, n, p] = tmp as [number, number, number];
  return cat(
    get(x),
    cat(get(x), F32X4_ABS, get(x), F32X4_ABS, F32X4_ADD, f.f32x4(20), F32X4_PMIN),
    expReduce(f, tmp),
    // k = 2^n (in t); m = k p + (k - 1)
    cat(get(n), pow2(f), tee(t), get(p), F32X4_MUL, get(t), f.f32x4(1), F32X4_SUB, F32X4_ADD, tee(p)),
    cat(get(p), f.f32x4(2), F32X4_ADD, F32X4_DIV),
    cat(f.constant(i32Bytes(-0x80000000)), V128_BITSELECT),
  );
}

/**
 * log, in float64 (inFloat64; float32 subnormals are normal there): x = 2^e m with m in
 * [sqrt(1/2), sqrt(2)), log m = 2 atanh s = 2 (s + s^3/3 + ... + s^13/13) with s = (m-1)/(m+1)
 * (|s| <= 0.172: 1e-12 relative), log x = e ln2 + log m; almost always the correctly rounded
 * float32. log 0 = -inf, log of a negative number or NaN is NaN, log inf = inf.
 */
function log(f: FunctionBuilder, x: number, tmp: number[], f64: number[]): number[] {
  const [m, e, z] = f64 as [number, number, number];
  const d = (v: number) => f64x2(f, v);
  const half = () =>
    cat(
      // e = the exponent, m = the significand in [1, 2)
      cat(tee(m), i32(52), I64X2_SHR_U, i64x2(f, 1023n), I64X2_SUB, set(e)),
      cat(get(m), i64x2(f, 0x000fffffffffffffn), V128_AND, i64x2(f, 0x3ff0000000000000n), V128_OR, tee(m)),
      // above sqrt(2): m / 2, e + 1 (the comparison's mask is -1)
      cat(d(Math.SQRT2), F64X2_GT, set(z), get(m), d(0.5), F64X2_MUL, get(m), get(z), V128_BITSELECT, set(m)),
      // e as a float64: its bits added to those of 1.5 * 2^52 give 1.5 * 2^52 + e
      cat(get(e), get(z), I64X2_SUB, d(ROUNDER64), I64X2_ADD, d(ROUNDER64), F64X2_SUB, set(e)),
      // s = (m - 1) / (m + 1) in m, s^2 in z
      cat(get(m), d(1), F64X2_SUB, get(m), d(1), F64X2_ADD, F64X2_DIV, tee(m), get(m), F64X2_MUL, set(z)),
      d(1 / 13),
      ...[1 / 11, 1 / 9, 1 / 7, 1 / 5, 1 / 3].map((c) => cat(get(z), F64X2_MUL, d(c), F64X2_ADD)),
      cat(get(z), F64X2_MUL, get(m), F64X2_MUL, get(m), F64X2_ADD, d(2), F64X2_MUL),
      cat(get(e), d(Math.LN2), F64X2_MUL, F64X2_ADD),
    );
  const X = get(x);
  const r = tmp[0]!;
  return cat(
    cat(inFloat64(x, tmp, half), set(r)),
    // -inf at 0, NaN (all-ones bits) below 0 and at NaN, inf at inf
    cat(f.f32x4(Number.NEGATIVE_INFINITY), get(r), X, V128_ZERO, F32X4_EQ, V128_BITSELECT, set(r)),
    cat(ONES, get(r), X, X, F32X4_NE, X, V128_ZERO, F32X4_LT, V128_OR, V128_BITSELECT, set(r)),
    cat(f.f32x4(Number.POSITIVE_INFINITY), get(r), X, f.f32x4(Number.POSITIVE_INFINITY), F32X4_EQ, V128_BITSELECT),
  );
}

function unary(f: FunctionBuilder, fn: UnaryFn, x: number, tmp: number[], f64: number[]): number[] {
  const X = get(x);
  switch (fn) {
    case "neg":
      return cat(X, F32X4_NEG);
    case "abs":
      return cat(X, F32X4_ABS);
    case "sqrt":
      return cat(X, F32X4_SQRT);
    case "rsqrt":
      return cat(f.f32x4(1), X, F32X4_SQRT, F32X4_DIV);
    case "floor":
      return cat(X, F32X4_FLOOR);
    case "ceil":
      return cat(X, F32X4_CEIL);
    case "square":
      return cat(X, X, F32X4_MUL);
    case "exp":
      return exp(f, X, tmp);
    case "tanh":
      return tanh(f, x, tmp);
    case "log":
      return log(f, x, tmp, f64);
    case "logistic": {
      // e = e^-|x|; 1 / (1 + e) for x >= 0, e / (1 + e) below (no overflow; results below
      // the smallest normal float32 are 0, as exp's)
      const e = tmp[2]!;
      return cat(
        exp(f, cat(X, F32X4_ABS, F32X4_NEG), tmp),
        set(e),
        cat(f.f32x4(1), get(e), X, V128_ZERO, F32X4_GE, V128_BITSELECT),
        cat(f.f32x4(1), get(e), F32X4_ADD, F32X4_DIV),
      );
    }
  }
}

/** The WebAssembly value type of a parameter. */
export const simdParamType = (p: "i32" | "f32"): number => (p === "i32" ? I32 : F32);
