// A minimal protobuf encoder for the ONNX messages a lowered jaxpr needs (ModelProto,
// GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto). Field numbers follow
// onnx/onnx.proto3. Encoding collects byte chunks and copies them once at the end, so large
// initializers (weights) are copied a single time however deeply they are nested.

/** ONNX TensorProto.DataType codes. */
export const OnnxType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  BFLOAT16: 16,
} as const;
export type OnnxTypeCode = (typeof OnnxType)[keyof typeof OnnxType];

export interface TensorProto {
  name: string;
  dataType: OnnxTypeCode;
  dims: readonly number[];
  /** Little-endian element bytes (raw_data). */
  raw: Uint8Array;
}

export interface ValueInfoProto {
  name: string;
  elemType: OnnxTypeCode;
  shape: readonly number[];
}

export type AttributeValue =
  | { kind: "int"; value: number }
  | { kind: "string"; value: string }
  | { kind: "ints"; value: readonly number[] }
  | { kind: "graph"; value: GraphProto };

export interface NodeProto {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes: Readonly<Record<string, AttributeValue>>;
}

export interface GraphProto {
  name: string;
  nodes: NodeProto[];
  initializers: TensorProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
}

export interface ModelProto {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  graph: GraphProto;
}

// ---- wire format ----
const VARINT = 0;
const LEN = 2;

const utf8 = new TextEncoder();

/** A message under construction: a list of byte chunks and their total length. */
class Msg {
  readonly parts: Uint8Array[] = [];
  length = 0;
  private scratch: number[] = [];

  private flush(): void {
    if (this.scratch.length === 0) return;
    const b = Uint8Array.from(this.scratch);
    this.scratch = [];
    this.parts.push(b);
    this.length += b.length;
  }
  private varint(v: number): void {
    if (v < 0) {
      // negative int64: ten bytes of two's complement
      let b = BigInt.asUintN(64, BigInt(v));
      for (let i = 0; i < 9; i++) {
        this.scratch.push(Number(b & 0x7fn) | 0x80);
        b >>= 7n;
      }
      this.scratch.push(Number(b));
      return;
    }
    while (v >= 0x80) {
      this.scratch.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.scratch.push(v);
  }
  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }
  int(field: number, v: number): this {
    if (!Number.isSafeInteger(v)) throw new Error(`onnx_proto: ${v} is not an integer`);
    this.tag(field, VARINT);
    this.varint(v);
    return this;
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, LEN);
    this.varint(b.length);
    this.flush();
    this.parts.push(b);
    this.length += b.length;
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }
  packedInts(field: number, vs: readonly number[]): this {
    const m = new Msg();
    for (const v of vs) m.varint(v);
    return this.message(field, m);
  }
  message(field: number, m: Msg): this {
    m.flush();
    this.tag(field, LEN);
    this.varint(m.length);
    this.flush();
    this.parts.push(...m.parts);
    this.length += m.length;
    return this;
  }
  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}

// ---- messages ----
function tensorMsg(t: TensorProto): Msg {
  const m = new Msg();
  for (const d of t.dims) m.int(1, d);
  m.int(2, t.dataType);
  m.string(8, t.name);
  m.bytes(9, t.raw);
  return m;
}

function valueInfoMsg(v: ValueInfoProto): Msg {
  const shape = new Msg();
  for (const d of v.shape) shape.message(1, new Msg().int(1, d));
  const tensorType = new Msg().int(1, v.elemType).message(2, shape);
  const type = new Msg().message(1, tensorType);
  return new Msg().string(1, v.name).message(2, type);
}

// AttributeProto.AttributeType codes
const ATTR_TYPE = { int: 2, string: 3, graph: 5, ints: 7 } as const;

function attributeMsg(name: string, a: AttributeValue): Msg {
  const m = new Msg().string(1, name);
  switch (a.kind) {
    case "int":
      m.int(3, a.value);
      break;
    case "string":
      m.string(4, a.value);
      break;
    case "graph":
      m.message(6, graphMsg(a.value));
      break;
    case "ints":
      m.packedInts(8, a.value);
      break;
  }
  return m.int(20, ATTR_TYPE[a.kind]);
}

function nodeMsg(n: NodeProto): Msg {
  const m = new Msg();
  for (const i of n.inputs) m.string(1, i);
  for (const o of n.outputs) m.string(2, o);
  m.string(3, n.name);
  m.string(4, n.opType);
  for (const [k, a] of Object.entries(n.attributes)) m.message(5, attributeMsg(k, a));
  return m;
}

function graphMsg(g: GraphProto): Msg {
  const m = new Msg();
  for (const n of g.nodes) m.message(1, nodeMsg(n));
  m.string(2, g.name);
  for (const t of g.initializers) m.message(5, tensorMsg(t));
  for (const v of g.inputs) m.message(11, valueInfoMsg(v));
  for (const v of g.outputs) m.message(12, valueInfoMsg(v));
  return m;
}

/** Serializes a model to the bytes of an .onnx file. */
export function encodeModel(model: ModelProto): Uint8Array {
  const m = new Msg();
  m.int(1, model.irVersion);
  m.string(2, model.producerName);
  if (model.producerVersion) m.string(3, model.producerVersion);
  if (model.docString) m.string(6, model.docString);
  m.message(7, graphMsg(model.graph));
  // the default (ai.onnx) domain: OperatorSetIdProto { domain = "", version }
  m.message(8, new Msg().string(1, "").int(2, model.opsetVersion));
  return m.finish();
}
