// The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes
// of JSON header {"__metadata__": {string: string}, name: {dtype, shape, data_offsets}},
// then the tensors' little-endian element bytes, each at [begin, end) relative to the end of
// the header. Nothing is executed on load, so files from anywhere are safe to read.
//
// save/load work on bytes (Uint8Array); saveFile/loadFile read and write files. load also
// returns the metadata, which Python reaches through safe_open(...).metadata().
import type { JaxArray } from "../core/array.js";
import type { DType } from "../core/dtype.js";
import { itemsize } from "../core/dtype.js";
import { fmtShape, sizeOf } from "../core/shape.js";
import { arrayFromBytes, concreteArray, elementBytes, narrowInt64, nodeFs } from "./bytes.js";

/** The dtype names of the format. */
export type SafetensorsDType = "BOOL" | "U8" | "I8" | "U16" | "I16" | "F16" | "BF16" | "U32" | "I32" | "F32" | "F64" | "I64" | "U64";

const TO_FILE: Record<DType, SafetensorsDType> = {
  bool: "BOOL",
  uint8: "U8",
  int8: "I8",
  uint16: "U16",
  int16: "I16",
  float16: "F16",
  bfloat16: "BF16",
  uint32: "U32",
  int32: "I32",
  float32: "F32",
  float64: "F64",
};
const FROM_FILE = new Map<string, DType>(Object.entries(TO_FILE).map(([d, s]) => [s, d as DType]));

/** The format caps the header at 100 MB, so a corrupt length cannot make a reader allocate gigabytes. */
const MAX_HEADER = 100_000_000;

export interface SafetensorsContents {
  tensors: Record<string, JaxArray>;
  /** The header's "__metadata__" string map ({} when absent). */
  metadata: Record<string, string>;
}

export interface SaveOpts {
  /** Free-form string metadata stored in the header (e.g. a model config as JSON). */
  metadata?: Record<string, string>;
}

/**
 * The safetensors bytes of named concrete arrays. As in the reference implementation,
 * tensors are laid out by decreasing element size, then by name, so each one is aligned
 * to its element size, and the header is padded with spaces to a multiple of 8 bytes.
 * 64-bit integers cannot occur (jaxts has none); 16-bit floats keep their exact bits.
 */
export function save(tensors: Record<string, JaxArray>, opts: SaveOpts = {}): Uint8Array {
  const op = "safetensors.save";
  const names = Object.keys(tensors);
  const arrays = new Map(names.map((n) => [n, concreteArray(op, n, tensors[n])]));
  names.sort((a, b) => itemsize(arrays.get(b)!.dtype) - itemsize(arrays.get(a)!.dtype) || (a < b ? -1 : a > b ? 1 : 0));

  const header: Record<string, unknown> = {};
  if (opts.metadata !== undefined) {
    for (const [k, v] of Object.entries(opts.metadata)) {
      if (typeof v !== "string")
        throw new TypeError(`${op}: metadata values must be strings; "${k}" is ${typeof v}. Encode it (e.g. JSON.stringify) first.`);
    }
    header.__metadata__ = opts.metadata;
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === "__metadata__") throw new Error(`${op}: "__metadata__" is reserved for the metadata; rename that tensor.`);
    const x = arrays.get(name)!;
    const bytes = elementBytes(x);
    header[name] = { dtype: TO_FILE[x.dtype], shape: [...x.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Parses and validates the header: every entry well-formed, the byte ranges tiling the data exactly. */
function parseHeader(op: string, data: Uint8Array): { entries: Entry[]; metadata: Record<string, string>; dataStart: number } {
  const bad = (why: string) => new Error(`${op}: not a valid safetensors file: ${why}.`);
  if (data.length < 8) throw bad(`${data.length} bytes is shorter than the 8-byte header length`);
  const n = new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER)) throw bad(`the header length ${n} exceeds the format's limit of ${MAX_HEADER} bytes`);
  const headerLen = Number(n);
  if (8 + headerLen > data.length) throw bad(`the header length ${headerLen} runs past the end of the ${data.length} bytes`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw bad(`the header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) throw bad("the header is not a JSON object");

  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (!isPlainObject(info)) throw bad("__metadata__ is not an object");
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== "string") throw bad(`metadata "${k}" is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (!isPlainObject(info)) throw bad(`the entry of "${name}" is not an object`);
    const { dtype, shape, data_offsets: offs } = info;
    if (typeof dtype !== "string") throw bad(`"${name}" has no dtype`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
      throw bad(`"${name}" has an invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isInteger(o) && o >= 0) || offs[0] > offs[1]) {
      throw bad(`"${name}" has invalid data_offsets ${JSON.stringify(offs)}`);
    }
    entries.push({ name, dtype, shape, begin: offs[0], end: offs[1] });
  }
  // as the reference reader: the ranges, in order, must tile the data with no gap or overlap
  const dataLen = data.length - 8 - headerLen;
  let expect = 0;
  for (const e of [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (e.begin !== expect) throw bad(`"${e.name}" starts at byte ${e.begin}, expected ${expect} (gap or overlap between tensors)`);
    expect = e.end;
  }
  if (expect !== dataLen) throw bad(`the tensors cover ${expect} bytes but ${dataLen} follow the header`);
  return { entries, metadata, dataStart: 8 + headerLen };
}

/** Reads safetensors bytes: every tensor (as a new concrete array) and the metadata. */
export function load(data: Uint8Array): SafetensorsContents {
  const op = "safetensors.load";
  const { entries, metadata, dataStart } = parseHeader(op, data);
  const tensors: Record<string, JaxArray> = {};
  for (const e of entries) {
    const bytes = data.subarray(dataStart + e.begin, dataStart + e.end);
    const n = sizeOf(e.shape);
    if (e.dtype === "I64" || e.dtype === "U64") {
      tensors[e.name] = narrowInt64(op, e.name, bytes, e.shape, e.dtype === "I64");
      continue;
    }
    const dtype = FROM_FILE.get(e.dtype);
    if (dtype === undefined) {
      throw new TypeError(
        `${op}: "${e.name}" has dtype ${e.dtype}, which jaxts cannot hold; supported: ${[...FROM_FILE.keys(), "I64", "U64"].join(", ")}.`,
      );
    }
    if (bytes.length !== n * itemsize(dtype)) {
      throw new Error(
        `${op}: not a valid safetensors file: "${e.name}" (${e.dtype}${fmtShape(e.shape)}) needs ${n * itemsize(dtype)} bytes, its data_offsets span ${bytes.length}.`,
      );
    }
    tensors[e.name] = arrayFromBytes(bytes, e.shape, dtype);
  }
  return { tensors, metadata };
}

/** Writes named concrete arrays to a .safetensors file. */
export function saveFile(tensors: Record<string, JaxArray>, path: string, opts: SaveOpts = {}): void {
  nodeFs("safetensors.saveFile").writeFileSync(path, save(tensors, opts));
}

/** Reads a .safetensors file: its tensors and metadata. */
export function loadFile(path: string): SafetensorsContents {
  return load(nodeFs("safetensors.loadFile").readFileSync(path));
}
