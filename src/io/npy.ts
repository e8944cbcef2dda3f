// NumPy's .npy format: the magic "\x93NUMPY", a version, a header length, a Python-literal
// header {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces and a
// newline to a multiple of 64 bytes, then the raw elements.
//
// save writes exactly the bytes numpy.save writes (version 1.0, or 2.0 for headers past
// 64 KiB). load reads versions 1 to 3, either byte order, C or Fortran order; 64-bit
// integers become int32/uint32 when every value fits, as jnp.asarray gives without x64.
// bfloat16 has no .npy type code (numpy has no bfloat16), so it is refused both ways.
import { transpose } from "../backends/cpu/kernels.js";
import type { ArrayImpl, JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import type { DType } from "../core/dtype.js";
import { itemsize } from "../core/dtype.js";
import { sizeOf } from "../core/shape.js";
import { arrayFromBytes, concreteArray, elementBytes, narrowInt64, nodeFs } from "./bytes.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ALIGN = 64;
/** numpy pads the header for this many digits of the first axis, so appending can grow it in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;

const DESCR: Partial<Record<DType, string>> = {
  bool: "|b1",
  int8: "|i1",
  uint8: "|u1",
  int16: "<i2",
  uint16: "<u2",
  float16: "<f2",
  int32: "<i4",
  uint32: "<u4",
  float32: "<f4",
  float64: "<f8",
};
const KIND: Record<string, DType> = {
  b1: "bool",
  i1: "int8",
  u1: "uint8",
  i2: "int16",
  u2: "uint16",
  f2: "float16",
  i4: "int32",
  u4: "uint32",
  f4: "float32",
  f8: "float64",
};

/** Python's repr of a tuple of ints: (), (3,), (2, 3). */
function tupleRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** The .npy bytes of a concrete array, identical to numpy.save's. */
export function save(x: JaxArray): Uint8Array {
  const a = concreteArray("npy.save", "array", x);
  const descr = DESCR[a.dtype];
  if (descr === undefined)
    throw new TypeError(
      `npy.save: .npy has no type code for ${a.dtype} (numpy has no bfloat16); convert with astype("float32") or use safetensors.`,
    );
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tupleRepr(a.shape)}, }`;
  if (a.ndim > 0) dict += " ".repeat(GROWTH_AXIS_MAX_DIGITS - String(a.shape[0]).length);
  // version 1.0 has a 2-byte header length; 2.0 a 4-byte one, used only when needed
  let lenBytes = 2;
  let padded = pad(dict, 8 + lenBytes);
  if (padded.length > 0xffff) {
    lenBytes = 4;
    padded = pad(dict, 8 + lenBytes);
  }
  const header = new TextEncoder().encode(padded);
  const data = elementBytes(a);
  const out = new Uint8Array(8 + lenBytes + header.length + data.length);
  out.set(MAGIC);
  out[6] = lenBytes === 2 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (lenBytes === 2) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(header, 8 + lenBytes);
  out.set(data, 8 + lenBytes + header.length);
  return out;
}

/** The header text padded with spaces and a final newline so that the data starts at a multiple of 64. */
function pad(dict: string, prefix: number): string {
  const len = dict.length + 1;
  return `${dict}${" ".repeat(ALIGN - ((prefix + len) % ALIGN))}\n`;
}

/** Reads .npy bytes into a new concrete array. */
export function load(data: Uint8Array): JaxArray {
  const bad = (why: string) => new Error(`npy.load: not a valid .npy file: ${why}.`);
  if (data.length < 10 || MAGIC.some((b, i) => data[i] !== b)) throw bad("it does not start with the magic string \\x93NUMPY");
  const major = data[6]!;
  if (major < 1 || major > 3) throw bad(`unknown format version ${major}.${data[7]}`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + headerLen > data.length) throw bad(`the header length ${headerLen} runs past the end of the ${data.length} bytes`);
  // versions 1 and 2 are latin-1, 3 is UTF-8; the fields we read are ASCII either way
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(data.subarray(start, start + headerLen));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined) throw bad(`the header has no simple 'descr' (structured dtypes are not supported): ${header.trim()}`);
  if (fortran === undefined || shapeText === undefined) throw bad(`the header lacks 'fortran_order' or 'shape': ${header.trim()}`);
  const shape = shapeText
    .split(",")
    .map((s) => s.trim().replace(/L$/, ""))
    .filter((s) => s !== "")
    .map((s) => {
      if (!/^\d+$/.test(s)) throw bad(`invalid shape (${shapeText})`);
      return Number(s);
    });

  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) throw new TypeError(`npy.load: unsupported dtype '${descr}'.`);
  const [, order, kind, size] = m as unknown as [string, string, string, string];
  // '=' is the writer's native order; every platform that writes .npy files today is little-endian
  const little = order !== ">";
  // Fortran-ordered data is the C-ordered data of the transposed array
  const fileShape = fortran === "True" ? [...shape].reverse() : shape;
  const body = data.subarray(start + headerLen);
  const n = sizeOf(shape);

  let arr: ArrayImpl;
  if ((kind === "i" || kind === "u") && size === "8") {
    if (body.length < n * 8) throw bad(`the data holds ${body.length} bytes, ${n * 8} needed`);
    arr = narrowInt64("npy.load", "array", body.subarray(0, n * 8), fileShape, kind === "i", little);
  } else {
    const dtype = KIND[`${kind}${size}`];
    if (dtype === undefined)
      throw new TypeError(`npy.load: unsupported dtype '${descr}'; supported: ${Object.values(DESCR).join(", ")} (and 64-bit integers).`);
    const nbytes = n * itemsize(dtype);
    if (body.length < nbytes) throw bad(`the data holds ${body.length} bytes, ${nbytes} needed for ${descr}${tupleRepr(shape)}`);
    arr = arrayFromBytes(body.subarray(0, nbytes), fileShape, dtype, little);
  }
  if (fortran === "True" && shape.length > 1) {
    const perm = fileShape.map((_, i) => fileShape.length - 1 - i);
    arr = transpose(arr, perm, new ShapedArray(shape, arr.dtype));
  }
  return arr;
}

/** Writes a concrete array to a .npy file. */
export function saveFile(x: JaxArray, path: string): void {
  nodeFs("npy.saveFile").writeFileSync(path, save(x));
}

/** Reads a .npy file into a new concrete array. */
export function loadFile(path: string): JaxArray {
  return load(nodeFs("npy.loadFile").readFileSync(path));
}
