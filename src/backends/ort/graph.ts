// The ONNX graph builder the lowering rules write into. Values carry their dtype and shape,
// so each rule can pick the ONNX operator and the proxy types it needs, and every value may
// be held "compactly": a smaller tensor that numpy-broadcasts to its logical shape (a
// broadcast_in_dim of a bias or of a scalar costs nothing until a non-elementwise operator
// needs the full array).
import type { DType } from "../../core/dtype.js";
import { broadcastShapes, shapeEq, sizeOf } from "../../core/shape.js";
import {
  type AttributeValue,
  type GraphProto,
  type NodeProto,
  OnnxType,
  type OnnxTypeCode,
  type TensorProto,
  type ValueInfoProto,
} from "./onnx_proto.js";

/** Our dtypes plus int64, which ONNX uses for indices and shapes. */
export type ODType = DType | "int64";

/** A value in the graph: `name` is a tensor of shape `pshape`, broadcastable to `shape`. */
export interface Val {
  readonly name: string;
  readonly dtype: ODType;
  readonly shape: readonly number[];
  readonly pshape: readonly number[];
}

/**
 * What the lowering knows of a value's contents beyond its type, for rules that have a
 * cheaper exact form in special cases. Kept beside the Val, not in it: a copy of a Val
 * under another shape (`{...v, shape}`) must not inherit facts that the new shape breaks,
 * so only the rules that know a fact survives pass it on (withKnown).
 */
export interface Known {
  /** Every element equals this number. */
  readonly scalar?: number;
  /** The array is iota along this axis (each element is its index on that axis). */
  readonly iotaAxis?: number;
  /**
   * A bool array that, over its last two axes (row r, column c), is true where c - r <= k
   * (lower) or c - r >= k (upper), alike for every index of the leading axes.
   */
  readonly triangle?: { readonly upper: boolean; readonly k: number };
}
const knownFacts = new WeakMap<Val, Known>();
const NOTHING_KNOWN: Known = {};
export const known = (v: Val): Known => knownFacts.get(v) ?? NOTHING_KNOWN;
/** Records facts about `v` (a Val made by the caller); returns it. */
export function withKnown<V extends Val>(v: V, facts: Known): V {
  knownFacts.set(v, facts);
  return v;
}

/** Thrown when a jaxpr cannot be lowered exactly; the message says why. */
export class OrtUnsupported extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "OrtUnsupported";
  }
}

export const ONNX_CODE: Record<ODType, OnnxTypeCode> = {
  bool: OnnxType.BOOL,
  int8: OnnxType.INT8,
  uint8: OnnxType.UINT8,
  int16: OnnxType.INT16,
  uint16: OnnxType.UINT16,
  int32: OnnxType.INT32,
  uint32: OnnxType.UINT32,
  int64: OnnxType.INT64,
  float16: OnnxType.FLOAT16,
  bfloat16: OnnxType.BFLOAT16,
  float32: OnnxType.FLOAT,
  float64: OnnxType.DOUBLE,
};

type Storage = Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | BigInt64Array;

function storageFor(dtype: ODType, vals: readonly number[]): Storage {
  switch (dtype) {
    case "float32":
      return Float32Array.from(vals);
    case "float64":
      return Float64Array.from(vals);
    case "int32":
      return Int32Array.from(vals);
    case "uint32":
      return Uint32Array.from(vals);
    case "int16":
      return Int16Array.from(vals);
    case "uint16":
      return Uint16Array.from(vals);
    case "int8":
      return Int8Array.from(vals);
    case "uint8":
      return Uint8Array.from(vals);
    case "bool":
      return Uint8Array.from(vals, (v) => (v ? 1 : 0));
    case "int64":
      return BigInt64Array.from(vals, (v) => BigInt(v));
    default:
      throw new OrtUnsupported(`${dtype} constants`);
  }
}

export const ints = (value: readonly number[]): AttributeValue => ({ kind: "ints", value });
export const int = (value: number): AttributeValue => ({ kind: "int", value });
export const str = (value: string): AttributeValue => ({ kind: "string", value });
export const graphAttr = (value: GraphProto): AttributeValue => ({ kind: "graph", value });

/** withoutHoles applies to outputs of at least this many elements, and operands this many times smaller. */
const HOLE_MIN_OUTPUT = 4096;
const HOLE_MIN_RATIO = 4;

const stripOnes = (s: readonly number[]) => s.slice(s.findIndex((n) => n !== 1) === -1 ? s.length : s.findIndex((n) => n !== 1));

/** State shared by a model's main graph and its subgraphs: names, initializers, constants. */
class ModelState {
  counter = 0;
  readonly initializers: TensorProto[] = [];
  readonly constCache = new Map<string, Val>();
  /** Initializers of constant arrays (closed-over values), one per array. */
  readonly arrays = new Map<object, Val>();
  /** Raised to 26 by a lowering that needs BitCast. */
  opset = 18;
  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }
}

/** One graph (the main one or an If/Loop body): its nodes; initializers live in the main graph. */
export class Scope {
  readonly nodes: NodeProto[] = [];
  private readonly fullCache = new Map<string, Val>();
  readonly model: ModelState;

  constructor(model?: ModelState) {
    this.model = model ?? new ModelState();
  }
  child(): Scope {
    return new Scope(this.model);
  }
  fresh(prefix = "v"): string {
    return this.model.fresh(prefix);
  }
  requireOpset(v: number): void {
    this.model.opset = Math.max(this.model.opset, v);
  }

  /** Emits a node; returns its output names (fresh ones unless given). */
  emit(
    opType: string,
    inputs: readonly string[],
    outputs: number | readonly string[],
    attributes: Record<string, AttributeValue> = {},
  ): string[] {
    const outs = typeof outputs === "number" ? Array.from({ length: outputs }, () => this.fresh()) : [...outputs];
    this.nodes.push({ opType, inputs, outputs: outs, name: this.fresh("n"), attributes });
    return outs;
  }

  // ---- constants ----
  /** An initializer holding `data` (no copy: the bytes are referenced until encoding). */
  initializer(data: Storage, dtype: ODType, shape: readonly number[]): Val {
    const name = this.fresh("c");
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.model.initializers.push({ name, dataType: ONNX_CODE[dtype], dims: [...shape], raw });
    return { name, dtype, shape, pshape: shape };
  }
  /** A small constant (deduplicated). */
  constant(vals: readonly number[], dtype: ODType, shape: readonly number[]): Val {
    // -0 is spelled out: String(-0) is "0", which would share +0's initializer
    const key = `${dtype}|${shape.join(",")}|${vals.map((v) => (Object.is(v, -0) ? "-0" : v)).join(",")}`;
    let v = this.model.constCache.get(key);
    if (!v) {
      v = this.initializer(storageFor(dtype, vals), dtype, shape);
      if (vals.length === 1) withKnown(v, { scalar: vals[0]! });
      this.model.constCache.set(key, v);
    }
    return v;
  }
  scalar(value: number, dtype: ODType): Val {
    return this.constant([value], dtype, []);
  }
  /** A scalar constant seen as an array of `shape` (broadcast lazily). */
  filled(value: number, dtype: ODType, shape: readonly number[]): Val {
    return withKnown({ ...this.scalar(value, dtype), shape }, { scalar: value });
  }
  i64s(vals: readonly number[]): Val {
    return this.constant(vals, "int64", [vals.length]);
  }

  // ---- generic nodes ----
  /** A node on materialized inputs with one output of the given dtype and shape. */
  op(
    opType: string,
    inputs: readonly (Val | null)[],
    dtype: ODType,
    shape: readonly number[],
    attributes: Record<string, AttributeValue> = {},
  ): Val {
    const names = inputs.map((v) => (v === null ? "" : this.full(v).name));
    const [name] = this.emit(opType, names, 1, attributes);
    return { name: name!, dtype, shape, pshape: shape };
  }
  /** An elementwise (broadcasting) node: inputs stay compact, and so does the result. */
  ew(opType: string, inputs: readonly Val[], dtype: ODType, attributes: Record<string, AttributeValue> = {}): Val {
    const pshape = broadcastShapes("ort", ...inputs.map((v) => v.pshape));
    const [name] = this.emit(
      opType,
      inputs.map((v) => this.withoutHoles(v, pshape).name),
      1,
      attributes,
    );
    return { name: name!, dtype, shape: broadcastShapes("ort", ...inputs.map((v) => v.shape)), pshape };
  }
  /**
   * An elementwise operand broadcast along an axis between two of its own, like a rotary
   * table [1, 64, 1, 16] against [16, 64, 4, 16], runs in ONNX Runtime as one short inner
   * loop per row (three times a plain Mul). Expanding it over those inner axes only
   * ([1, 64, 4, 16], a sixteenth of the output) leaves an outer broadcast, which runs at
   * full speed; small outputs are not worth the extra node.
   */
  private withoutHoles(v: Val, outP: readonly number[]): Val {
    const p = [...Array(outP.length - v.pshape.length).fill(1), ...v.pshape];
    const first = p.findIndex((n) => n !== 1);
    if (first < 0 || sizeOf(outP) < HOLE_MIN_OUTPUT) return v;
    const target = outP.map((n, d) => (d < first ? 1 : n));
    const holes = p.some((n, d) => d > first && n === 1 && outP[d]! > 1);
    if (!holes || sizeOf(target) * HOLE_MIN_RATIO > sizeOf(outP)) return v;
    return this.expanded(v, target);
  }
  /** The value as a tensor of its full logical shape. */
  full(v: Val): Val {
    return shapeEq(v.pshape, v.shape) ? v : this.expanded(v, v.shape);
  }
  /** v's tensor broadcast (Expand) to `shape`, once per value and shape in this scope. */
  private expanded(v: Val, shape: readonly number[]): Val {
    const key = `${v.name}|${shape.join(",")}`;
    let e = this.fullCache.get(key);
    if (!e) {
      const [name] = this.emit("Expand", [v.name, this.i64s(shape).name], 1);
      e = { name: name!, dtype: v.dtype, shape, pshape: shape };
      this.fullCache.set(key, e);
    }
    return e;
  }
  /** Views a value as `shape` under broadcasting, when its physical tensor allows it without a node. */
  static broadcastsAs(pshape: readonly number[], target: readonly number[]): boolean {
    return shapeEq(stripOnes(pshape), stripOnes(target));
  }

  cast(v: Val, to: ODType): Val {
    if (v.dtype === to) return v;
    return this.ew("Cast", [v], to, { to: int(ONNX_CODE[to]) });
  }
  reshape(v: Val, shape: readonly number[]): Val {
    if (shapeEq(v.shape, shape) && shapeEq(v.pshape, shape)) return v;
    return this.op("Reshape", [v, this.i64s(shape)], v.dtype, shape);
  }
  transpose(v: Val, perm: readonly number[]): Val {
    if (perm.every((p, i) => p === i)) return v;
    return this.op(
      "Transpose",
      [v],
      v.dtype,
      perm.map((p) => v.shape[p]!),
      { perm: ints(perm) },
    );
  }
  /** Slice on every axis: start, stop, step per axis (negative steps allowed). */
  slice(v: Val, starts: readonly number[], ends: readonly number[], steps: readonly number[], shape: readonly number[]): Val {
    const axes = [...starts.keys()];
    return this.op("Slice", [v, this.i64s(starts), this.i64s(ends), this.i64s(axes), this.i64s(steps)], v.dtype, shape);
  }
  concat(vs: readonly Val[], axis: number): Val {
    if (vs.length === 1) return vs[0]!;
    const shape = [...vs[0]!.shape];
    shape[axis] = vs.reduce((s, v) => s + v.shape[axis]!, 0);
    return this.op("Concat", vs, vs[0]!.dtype, shape, { axis: int(axis) });
  }
}

export const valueInfo = (v: Val): ValueInfoProto => ({ name: v.name, elemType: ONNX_CODE[v.dtype], shape: v.shape });

/**
 * A graph's outputs: materialized, and each produced by a node of this graph under a name of
 * its own (an output that is an input, an initializer, an outer value or a repeat gets an Identity).
 */
export function graphOutputs(g: Scope, outs: readonly Val[]): Val[] {
  const fulls = outs.map((v) => g.full(v));
  const produced = new Set(g.nodes.flatMap((n) => n.outputs));
  const used = new Set<string>();
  return fulls.map((v) => {
    let f = v;
    if (!produced.has(f.name) || used.has(f.name)) {
      const [name] = g.emit("Identity", [f.name], 1);
      f = { ...f, name: name! };
    }
    used.add(f.name);
    return f;
  });
}

/** The type of a subgraph's formal input. */
export interface Formal {
  dtype: ODType;
  shape: readonly number[];
}

/**
 * A subgraph of `g` (an If branch or a Loop body) with formal inputs, built by `body`, which
 * may also read g's values by name.
 */
export function subgraph(g: Scope, formals: readonly Formal[], body: (sg: Scope, ins: Val[]) => Val[]): AttributeValue {
  const sg = g.child();
  const ins: Val[] = formals.map((f) => ({ name: sg.fresh("a"), dtype: f.dtype, shape: f.shape, pshape: f.shape }));
  const outs = graphOutputs(sg, body(sg, ins));
  return graphAttr({
    name: sg.fresh("g"),
    nodes: sg.nodes,
    initializers: [],
    inputs: ins.map(valueInfo),
    outputs: outs.map(valueInfo),
  });
}

/** An If on a one-element bool `cond` between two branches of one output each (alike in type). */
export function ifThenElse(g: Scope, cond: Val, then: (sg: Scope) => Val, otherwise: (sg: Scope) => Val): Val {
  let out: Val | undefined;
  const thenBranch = subgraph(g, [], (sg) => {
    out = sg.full(then(sg));
    return [out];
  });
  const elseBranch = subgraph(g, [], (sg) => [otherwise(sg)]);
  const [name] = g.emit("If", [g.full(cond).name], 1, { then_branch: thenBranch, else_branch: elseBranch });
  return { name: name!, dtype: out!.dtype, shape: out!.shape, pshape: out!.shape };
}
