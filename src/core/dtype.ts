// Data types and JAX's type-promotion lattice (with weak types).
//
// A weak type is the type of a JS number used in an operation: it adapts to the other
// operand's dtype instead of widening it (`float32 array * 2` stays float32), exactly as
// Python scalars do in JAX. Integer-valued JS numbers are weak ints, others weak floats.
import { retainLargeBuffers } from "./large_buffers.js";

export type DType = "bool" | "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32" | "float16" | "bfloat16" | "float32" | "float64";

export const DTYPES: readonly DType[] = [
  "bool",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "float16",
  "bfloat16",
  "float32",
  "float64",
];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

// Small arrays are carved out of shared 32 KB slabs: V8 gives a typed array of more than
// 64 bytes its own off-heap backing store, which costs 0.4-1 µs per array (and extra GC
// work), several times what a view into an existing buffer costs. Eager steps allocate
// dozens of such arrays. The price: a live array keeps its whole slab alive, so a few
// long-lived small arrays scattered among temporaries can each hold up to 32 KB. Arrays
// never expose their slab: dataSync() returns a copy.
const SLAB_BYTES = 32768;
const SLAB_MAX_BYTES = 2048;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/** A byte offset into `slab` with room for `bytes` (a fresh zeroed slab when full), 8-byte aligned. */
function carve(bytes: number): number {
  const size = (bytes + 7) & ~7;
  if (slabUsed + size > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed += size;
  return at;
}

const ELEMENT_BYTES: Record<DType, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  float16: 2,
  bfloat16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  float64: 8,
};

/** The typed array that stores each dtype, zero-filled. 16-bit floats are stored as raw bits. */
export function typedArrayFor(dtype: DType, n: number): TypedArray {
  const bytes = n * ELEMENT_BYTES[dtype];
  if (bytes <= 64 || bytes > SLAB_MAX_BYTES) return ownTypedArray(dtype, n);
  const at = carve(bytes);
  switch (dtype) {
    case "float32":
      return new Float32Array(slab, at, n);
    case "float64":
      return new Float64Array(slab, at, n);
    case "int32":
      return new Int32Array(slab, at, n);
    case "uint32":
      return new Uint32Array(slab, at, n);
    case "int16":
      return new Int16Array(slab, at, n);
    case "uint16":
    case "float16":
    case "bfloat16":
      return new Uint16Array(slab, at, n);
    case "int8":
      return new Int8Array(slab, at, n);
    case "uint8":
    case "bool":
      return new Uint8Array(slab, at, n);
  }
}

/** Arrays from this many elements (128 KB of bytes, 32 KB of float32) are "large" for glibc (large_buffers.ts). */
const LARGE_ELEMENTS = 32768;

/** A zero-filled typed array with a buffer of its own (for buffers compared by identity, or handed out). */
export function ownTypedArray(dtype: DType, n: number): TypedArray {
  if (n >= LARGE_ELEMENTS) retainLargeBuffers();
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
    case "int32":
      return new Int32Array(n);
    case "uint32":
      return new Uint32Array(n);
    case "int16":
      return new Int16Array(n);
    case "uint16":
    case "float16":
    case "bfloat16":
      return new Uint16Array(n);
    case "int8":
      return new Int8Array(n);
    case "uint8":
    case "bool":
      return new Uint8Array(n);
  }
}

export function isFloat(d: DType): boolean {
  return d === "float32" || d === "float64" || d === "float16" || d === "bfloat16";
}
export function isInteger(d: DType): boolean {
  return !isFloat(d) && d !== "bool";
}
export function isUnsigned(d: DType): boolean {
  return d === "uint8" || d === "uint16" || d === "uint32";
}
/** 16-bit floats are stored as bit patterns and computed in float32. */
export function isHalf(d: DType): boolean {
  return d === "float16" || d === "bfloat16";
}

export function itemsize(d: DType): number {
  switch (d) {
    case "bool":
    case "int8":
    case "uint8":
      return 1;
    case "int16":
    case "uint16":
    case "float16":
    case "bfloat16":
      return 2;
    case "float64":
      return 8;
    default:
      return 4;
  }
}

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (DTYPES as readonly string[]).includes(x);
}

export function checkDType(op: string, x: unknown): DType {
  if (!isDType(x)) {
    throw new TypeError(`${op}: unknown dtype ${JSON.stringify(x)}; expected one of ${DTYPES.join(", ")}.`);
  }
  return x;
}

// ---- the promotion lattice (jax/_src/dtypes.py), nodes are dtypes plus the weak kinds ----
// i* and f* are the weak integer and weak float nodes; int64/uint64 exist only inside the
// lattice and canonicalize to their 32-bit forms, as JAX does with x64 disabled.
type Node = DType | "i*" | "f*" | "int64" | "uint64";

const EDGES: Record<Node, Node[]> = {
  bool: ["i*"],
  "i*": ["uint8", "int8"],
  uint8: ["int16", "uint16"],
  uint16: ["int32", "uint32"],
  uint32: ["int64", "uint64"],
  uint64: ["f*"],
  int8: ["int16"],
  int16: ["int32"],
  int32: ["int64"],
  int64: ["f*"],
  "f*": ["float16", "bfloat16"],
  float16: ["float32"],
  bfloat16: ["float32"],
  float32: ["float64"],
  float64: [],
};

const UPPER = new Map<Node, Set<Node>>();
function upperBounds(n: Node): Set<Node> {
  let s = UPPER.get(n);
  if (s) return s;
  s = new Set<Node>([n]);
  for (const m of EDGES[n]) for (const u of upperBounds(m)) s.add(u);
  UPPER.set(n, s);
  return s;
}

function lub(a: Node, b: Node): Node {
  const ua = upperBounds(a);
  const ub = upperBounds(b);
  const common = [...ua].filter((n) => ub.has(n));
  // The least upper bound is the common bound whose own upper bounds are all common.
  for (const c of common) {
    const uc = upperBounds(c);
    if (common.every((n) => uc.has(n))) return c;
  }
  throw new Error(`no common dtype for ${a} and ${b}`);
}

function toNode(dtype: DType, weak: boolean): Node {
  if (!weak || dtype === "bool") return dtype;
  return isFloat(dtype) ? "f*" : "i*";
}

const DTYPE_INDEX = new Map<DType, number>(DTYPES.map((d, i) => [d, i]));
/** promoteTypes results by (a, aWeak, b, bWeak): every op promotes its operands, so the lattice walk is done once per pair. */
const PROMOTED: ([DType, boolean] | undefined)[] = new Array(4 * DTYPES.length * DTYPES.length);

/** JAX's result type of a binary operation: the lattice join, then canonicalized. */
export function promoteTypes(a: DType, aWeak: boolean, b: DType, bWeak: boolean): [DType, boolean] {
  const slot = ((DTYPE_INDEX.get(a)! * 2 + (aWeak ? 1 : 0)) * DTYPES.length + DTYPE_INDEX.get(b)!) * 2 + (bWeak ? 1 : 0);
  let r = PROMOTED[slot];
  if (r === undefined) {
    r = joinTypes(a, aWeak, b, bWeak);
    PROMOTED[slot] = r;
  }
  return [r[0], r[1]];
}

function joinTypes(a: DType, aWeak: boolean, b: DType, bWeak: boolean): [DType, boolean] {
  // Both weak: promote the strong counterparts and keep the result weak (weak int16 + weak
  // int8 is weak int16), as JAX does.
  if (aWeak && bWeak) {
    const [d] = promoteTypes(a, false, b, false);
    return [d, d !== "bool"];
  }
  const n = lub(toNode(a, aWeak), toNode(b, bWeak));
  switch (n) {
    case "i*":
      return ["int32", true];
    case "f*":
      // a weak float64 keeps its width (JAX's default float is float64 when it exists)
      return [(aWeak && a === "float64") || (bWeak && b === "float64") ? "float64" : "float32", true];
    case "int64":
      return ["int32", false];
    case "uint64":
      return ["uint32", false];
    default:
      return [n, false];
  }
}

export interface Typed {
  dtype: DType;
  weakType: boolean;
}

export function resultType(xs: readonly Typed[]): [DType, boolean] {
  if (xs.length === 0) throw new Error("resultType needs at least one input");
  let dt = xs[0]!.dtype;
  let weak = xs[0]!.weakType;
  for (let i = 1; i < xs.length; i++) [dt, weak] = promoteTypes(dt, weak, xs[i]!.dtype, xs[i]!.weakType);
  return [dt, weak];
}

/** The dtype used when an integer or bool input must become floating (jnp.sin(int)). */
export function toInexact(d: DType): DType {
  return isFloat(d) ? d : "float32";
}
