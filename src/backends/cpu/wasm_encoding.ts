// The WebAssembly binary format, as far as the cpu engine's generated kernels need it:
// LEB128 numbers, sections, and the instructions they use (byte arrays, concatenated).
// Opcodes follow the WebAssembly 2.0 core specification, SIMD included.

/** An unsigned LEB128 number. */
export const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

/** A signed LEB128 number (an i32.const immediate). */
export const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
};

export const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
export const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
export const name = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** A module of functions, each exported under its name, importing memory "e"."m". */
export function moduleBytes(funcs: { name: string; params: number[]; body: number[] }[]): Uint8Array {
  // one type per function keeps this simple; modules are small
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]))),
    ...section(2, vec([[...name("e"), ...name("m"), 0x02, 0x00, 1]])),
    ...section(3, vec(funcs.map((_, i) => leb(i)))),
    ...section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...leb(i)]))),
    ...section(10, vec(funcs.map((f) => [...leb(f.body.length), ...f.body]))),
  ]);
}

// value types
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

// control and locals
export const BLOCK = [0x02, 0x40];
export const LOOP = [0x03, 0x40];
export const END = 0x0b;
export const brIf = (depth: number): number[] => [0x0d, depth];
export const get = (l: number): number[] => [0x20, ...leb(l)];
export const set = (l: number): number[] => [0x21, ...leb(l)];
export const tee = (l: number): number[] => [0x22, ...leb(l)];

// scalar numbers
export const i32 = (v: number): number[] => [0x41, ...sleb(v | 0)];
export const f32 = (v: number): number[] => {
  const b = new Uint8Array(new Float32Array([v]).buffer);
  return [0x43, ...b];
};
export const ADD = 0x6a;
export const SUB = 0x6b;
export const MUL = 0x6c;
export const SHL = 0x74;
export const EQZ = 0x45;
export const LT_S = 0x48;
export const LT_U = 0x49;
export const F32_STORE = (offset: number): number[] => [0x38, 2, ...leb(offset)];
export const F32_MAX = 0x97;
export const F32_MIN = 0x96;
export const F64_ADD = 0xa0;
export const F32_DEMOTE_F64 = 0xb6;

// SIMD (prefix 0xfd)
export const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...leb(op), ...imm];
export const V_LOAD = (offset: number): number[] => simd(0x00, 4, ...leb(offset));
export const V_STORE = (offset: number): number[] => simd(0x0b, 4, ...leb(offset));
export const LOAD32_SPLAT = (offset: number): number[] => simd(0x09, 2, ...leb(offset));
export const LOAD8_SPLAT = (offset: number): number[] => simd(0x07, 0, ...leb(offset));
export const LOAD32_ZERO = (offset: number): number[] => simd(0x5c, 2, ...leb(offset));
export const STORE8_LANE = (offset: number): number[] => simd(0x58, 0, ...leb(offset), 0);
export const STORE32_LANE = (offset: number): number[] => simd(0x5a, 2, ...leb(offset), 0);
export const V128_CONST = (bytes: number[]): number[] => simd(0x0c, ...bytes);
export const V128_ZERO = V128_CONST(new Array<number>(16).fill(0));
export const SHUFFLE = (lanes: number[]): number[] => simd(0x0d, ...lanes);
export const I32X4_SPLAT = simd(0x11);
export const F32X4_SPLAT = simd(0x13);
export const F32X4_EXTRACT = (lane: number): number[] => simd(0x1f, lane);
export const F64X2_EXTRACT = (lane: number): number[] => simd(0x21, lane);
export const I32X4_EQ = simd(0x37);
export const I32X4_NE = simd(0x38);
export const I32X4_LT_S = simd(0x39);
export const I32X4_GT_S = simd(0x3b);
export const I32X4_LE_S = simd(0x3d);
export const I32X4_GE_S = simd(0x3f);
export const F32X4_EQ = simd(0x41);
export const F32X4_NE = simd(0x42);
export const F32X4_LT = simd(0x43);
export const F32X4_GT = simd(0x44);
export const F32X4_LE = simd(0x45);
export const F32X4_GE = simd(0x46);
export const V128_NOT = simd(0x4d);
export const V128_AND = simd(0x4e);
export const V128_OR = simd(0x50);
export const V128_XOR = simd(0x51);
export const V128_BITSELECT = simd(0x52);
export const F32X4_DEMOTE_F64X2_ZERO = simd(0x5e);
export const F64X2_PROMOTE_LOW = simd(0x5f);
export const I8X16_NARROW_I16X8_S = simd(0x65);
export const F32X4_CEIL = simd(0x67);
export const F32X4_FLOOR = simd(0x68);
export const I16X8_NARROW_I32X4_S = simd(0x85);
export const I16X8_EXTEND_LOW_I8X16_U = simd(0x89);
export const I32X4_EXTEND_LOW_I16X8_U = simd(0xa9);
export const I32X4_NEG = simd(0xa1);
export const I32X4_SHL = simd(0xab);
export const I32X4_SHR_S = simd(0xac);
export const I32X4_ADD = simd(0xae);
export const I32X4_SUB = simd(0xb1);
export const I32X4_MUL = simd(0xb5);
export const I32X4_MIN_S = simd(0xb6);
export const I32X4_MAX_S = simd(0xb8);
export const F32X4_ABS = simd(0xe0);
export const F32X4_NEG = simd(0xe1);
export const F32X4_SQRT = simd(0xe3);
export const F32X4_ADD = simd(0xe4);
export const F32X4_SUB = simd(0xe5);
export const F32X4_MUL = simd(0xe6);
export const F32X4_DIV = simd(0xe7);
export const F32X4_MIN = simd(0xe8);
export const F32X4_MAX = simd(0xe9);
export const F32X4_PMIN = simd(0xea);
export const F64X2_GT = simd(0x4a);
export const I64X2_SHR_U = simd(0xcd);
export const I64X2_ADD = simd(0xce);
export const I64X2_SUB = simd(0xd1);
export const F64X2_ADD = simd(0xf0);
export const F64X2_SUB = simd(0xf1);
export const F64X2_MUL = simd(0xf2);
export const F64X2_DIV = simd(0xf3);
export const F32X4_CONVERT_I32X4_S = simd(0xfa);
