// Emission helpers for the ONNX lowerings of the structural primitives (called from their
// declarations in src/primitives/): shapes and layout, reductions, dot_general, window
// patches (convolution and pooling), cumulative reductions, sort, gather/scatter and
// dynamic slices.
import type { DType } from "../../core/dtype.js";
import { isFloat } from "../../core/dtype.js";
import { sizeOf, stridesOf } from "../../core/shape.js";
import { ifThenElse, int, type Known, known, type ODType, OrtUnsupported, Scope, str, type Val, withKnown } from "./graph.js";
import type { LowerRule } from "./rule.js";
import * as T from "./typed_ops.js";

const range = (n: number) => [...Array(n).keys()];
const isIdentity = (perm: readonly number[]) => perm.every((p, i) => p === i);

// ---- shapes and layout ----

export function broadcastInDim(g: Scope, x: Val, shape: readonly number[], dims: readonly number[]): Val {
  // The operand's physical tensor, aligned to its rank and placed at `dims` in the output.
  const p = [...Array(x.shape.length - x.pshape.length).fill(1), ...x.pshape];
  const q = shape.map(() => 1);
  dims.forEach((d, i) => {
    q[d] = p[i]!;
  });
  let out: Val;
  if (Scope.broadcastsAs(x.pshape, q)) out = { ...x, shape };
  else {
    const [name] = g.emit("Reshape", [x.name, g.i64s(q).name], 1);
    out = { name: name!, dtype: x.dtype, shape, pshape: q };
  }
  return withKnown(out, broadcastFacts(known(x), x.shape, shape, dims));
}

/** The facts that survive broadcast_in_dim: an axis keeps its values where its length stays. */
function broadcastFacts(k: Known, from: readonly number[], to: readonly number[], dims: readonly number[]): Known {
  const kept = (a: number) => from[a] === to[dims[a]!];
  const r = from.length;
  const n = to.length;
  return {
    scalar: k.scalar,
    iotaAxis: k.iotaAxis !== undefined && kept(k.iotaAxis) ? dims[k.iotaAxis] : undefined,
    triangle: k.triangle && r >= 2 && dims[r - 2] === n - 2 && dims[r - 1] === n - 1 && kept(r - 2) && kept(r - 1) ? k.triangle : undefined,
  };
}

/** A compact value that is a single broadcast scalar stays one under any reshaping op. */
export const scalarLike = (x: Val, shape: readonly number[]): Val | null =>
  x.pshape.every((n) => n === 1) && x.pshape.length <= shape.length ? { ...x, shape } : null;

export function padConst(g: Scope, x: Val, value: Val, pads: readonly number[], shape: readonly number[]): Val {
  const kt = T.kernelType("Pad", x.dtype);
  const r = g.op("Pad", [g.cast(x, kt), g.i64s(pads), g.cast(value, kt)], kt, shape, { mode: str("constant") });
  return g.cast(r, x.dtype);
}

export function pad(g: Scope, x: Val, value: Val, config: readonly (readonly [number, number, number])[]): Val {
  let cur = g.full(x);
  // interior padding of axis d: [.., n, ..] -> [.., n, 1, ..] -> pad to [.., n, k+1, ..] -> merge -> drop the last k
  config.forEach(([, , k], d) => {
    const n = cur.shape[d]!;
    if (k === 0 || n <= 1) return;
    const split = [...cur.shape.slice(0, d), n, 1, ...cur.shape.slice(d + 1)];
    const padded = [...cur.shape.slice(0, d), n, k + 1, ...cur.shape.slice(d + 1)];
    const pads = new Array<number>(2 * split.length).fill(0);
    pads[split.length + d + 1] = k;
    const wide = padConst(g, g.reshape(cur, split), value, pads, padded);
    const merged = [...cur.shape.slice(0, d), n * (k + 1), ...cur.shape.slice(d + 1)];
    const out = [...cur.shape.slice(0, d), n + (n - 1) * k, ...cur.shape.slice(d + 1)];
    cur = g.slice(
      g.reshape(wide, merged),
      out.map(() => 0),
      out,
      out.map(() => 1),
      out,
    );
  });
  // edge padding: the positive parts with Pad, the negative ones (cropping) with Slice
  const lo = config.map(([l]) => l);
  const hi = config.map(([, h]) => h);
  if (lo.some((l) => l > 0) || hi.some((h) => h > 0)) {
    const shape = cur.shape.map((n, d) => n + Math.max(lo[d]!, 0) + Math.max(hi[d]!, 0));
    cur = padConst(g, cur, value, [...lo.map((l) => Math.max(l, 0)), ...hi.map((h) => Math.max(h, 0))], shape);
  }
  if (lo.some((l) => l < 0) || hi.some((h) => h < 0)) {
    const starts = lo.map((l) => Math.max(-l, 0));
    const ends = cur.shape.map((n, d) => n - Math.max(-hi[d]!, 0));
    cur = g.slice(
      cur,
      starts,
      ends,
      starts.map(() => 1),
      ends.map((e, d) => e - starts[d]!),
    );
  }
  return cur;
}

export function iota(g: Scope, dtype: DType, shape: readonly number[], dimension: number): Val {
  // Values vary along `dimension` only: a [n, 1, ..., 1] constant broadcasts to the rest.
  const n = shape[dimension]!;
  const p = [n, ...shape.slice(dimension + 1).map(() => 1)];
  return withKnown({ ...g.constant(range(n), dtype, p), shape }, { iotaAxis: dimension });
}

// ---- reductions ----

export function extremum(op: "ReduceMax" | "ReduceMin") {
  return (g: Scope, x: Val, axes: readonly number[]): Val => {
    const r = T.reduce(g, op, x, axes);
    if (!isFloat(x.dtype as DType)) return r;
    // onnxruntime's ReduceMax/Min skip NaNs; JAX's propagate them.
    const anyNaN = g.cast(T.reduce(g, "ReduceMax", g.cast(T.nan(g, x), "uint8"), axes), "bool");
    return T.where(g, anyNaN, g.scalar(Number.NaN, x.dtype), r);
  };
}

export function argExtremum(op: "ArgMax" | "ArgMin") {
  return (g: Scope, [x]: Val[], { axis, indexDtype }: { axis: number; indexDtype: DType }): Val[] => {
    const shape = x!.shape.filter((_, d) => d !== axis);
    const attrs = { axis: int(axis), keepdims: int(0), select_last_index: int(0) };
    const kt = T.kernelType(op, x!.dtype);
    let r = g.op(op, [g.cast(g.full(x!), kt)], "int64", shape, attrs);
    if (isFloat(x!.dtype as DType)) {
      // NaN counts as the extreme (numpy): the first NaN wins
      const nan = g.cast(g.full(T.nan(g, x!)), "uint8");
      const firstNaN = g.op("ArgMax", [nan], "int64", shape, attrs);
      const anyNaN = g.cast(T.reduce(g, "ReduceMax", nan, [axis]), "bool");
      r = T.where(g, anyNaN, firstNaN, r);
    }
    return [g.cast(r, indexDtype)];
  };
}

// ---- dot_general ----

interface DotDims {
  lhsContracting: readonly number[];
  rhsContracting: readonly number[];
  lhsBatch: readonly number[];
  rhsBatch: readonly number[];
}

/**
 * One operand as a matrix (or a batch of matrices): its axes grouped as [batch, a, b]
 * where (a, b) is (free, contracting) or, if that avoids a transpose, (contracting, free).
 */
export function asMatrix(
  g: Scope,
  x: Val,
  batch: readonly number[],
  first: readonly number[],
  second: readonly number[],
): { m: Val; swapped: boolean } {
  const size = (axes: readonly number[]) => sizeOf(axes.map((d) => x.shape[d]!));
  const B = size(batch);
  const shapeOf = (a: readonly number[], b: readonly number[]) => (batch.length ? [B, size(a), size(b)] : [size(a), size(b)]);
  const normal = [...batch, ...first, ...second];
  const swapped = [...batch, ...second, ...first];
  if (!isIdentity(normal) && isIdentity(swapped)) return { m: g.reshape(g.full(x), shapeOf(second, first)), swapped: true };
  return { m: g.reshape(g.transpose(g.full(x), normal), shapeOf(first, second)), swapped: false };
}

export function dotGeneral(
  g: Scope,
  [l, r]: Val[],
  { dims }: { dims: DotDims },
  outs: readonly { shape: readonly number[]; dtype: DType }[],
): Val[] {
  // the output dtype: the preferred element type or the operands' (float32 for 16-bit floats, which lower.ts computes in float32)
  const dt: ODType = outs[0]!.dtype;
  if (dt === "bool") throw new OrtUnsupported("dot_general on bool");
  const lhs = g.cast(l!, dt);
  const rhs = g.cast(r!, dt);
  const { lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb } = dims;
  const rank = lhs.shape.length;
  if (lb.length === 0 && rank > 2 && rhs.shape.length === 2 && lc.length === 1 && lc[0] === rank - 1 && rc.length === 1 && rc[0] === 0) {
    // x[..., K] · w[K, N]: one MatMul on x as it is (ONNX Runtime runs it as a single GEMM
    // over the leading axes), instead of reshaping x to a matrix and the product back
    const kt = T.kernelType("MatMul", dt);
    return [g.cast(g.op("MatMul", [g.cast(lhs, kt), g.cast(rhs, kt)], kt, outs[0]!.shape), dt)];
  }
  const free = (n: number, ...used: (readonly number[])[]) => range(n).filter((d) => !used.some((u) => u.includes(d)));
  const a = asMatrix(g, lhs, lb, free(lhs.shape.length, lc, lb), lc); // [M, K] or swapped [K, M]
  const b = asMatrix(g, rhs, rb, rc, free(rhs.shape.length, rc, rb)); // [K, N] or swapped [N, K]
  const outShape = outs[0]!.shape;
  const batched = lb.length > 0;
  const M = a.m.shape[a.swapped ? a.m.shape.length - 1 : a.m.shape.length - 2]!;
  const N = b.m.shape[b.swapped ? b.m.shape.length - 2 : b.m.shape.length - 1]!;
  const kt = T.kernelType("MatMul", dt);
  let prod: Val;
  if (!batched && T.KERNEL_TYPES.Gemm!.includes(dt)) {
    // Gemm reads either operand transposed, so no transpose is materialized
    prod = g.op("Gemm", [a.m, b.m], dt, [M, N], { transA: int(a.swapped ? 1 : 0), transB: int(b.swapped ? 1 : 0) });
  } else {
    const unswap = (v: Val, swapped: boolean) => (swapped ? g.transpose(v, batched ? [0, 2, 1] : [1, 0]) : v);
    const am = g.cast(unswap(a.m, a.swapped), kt);
    const bm = g.cast(unswap(b.m, b.swapped), kt);
    const B = batched ? [am.shape[0]!] : [];
    prod = g.cast(g.op("MatMul", [am, bm], kt, [...B, M, N]), dt);
  }
  return [g.reshape(prod, outShape)];
}

// ---- window_patches and its transpose ----

interface PatchParams {
  windowDims: readonly number[];
  strides: readonly number[];
  dilation: readonly number[];
}

/** Output positions per axis, and whether the axis is untouched (window 1, stride 1). */
function windowAxes(shape: readonly number[], p: PatchParams) {
  return shape.map((n, d) => {
    const W = p.windowDims[d]!;
    const O = Math.floor((n - ((W - 1) * p.dilation[d]! + 1)) / p.strides[d]!) + 1;
    return { n, O, W, s: p.strides[d]!, dil: p.dilation[d]!, trivial: W === 1 && p.strides[d] === 1 && O === n };
  });
}

/** The [O, W] table of source positions o·stride + w·dilation along one axis. */
const positions = (ax: { O: number; W: number; s: number; dil: number }) =>
  range(ax.O).flatMap((o) => range(ax.W).map((w) => o * ax.s + w * ax.dil));

export function windowPatches(g: Scope, [x]: Val[], p: PatchParams): Val[] {
  // Separable: gather each axis into (O, W) with a small index table, last axis first so
  // earlier axis numbers stay valid; then move the window axes behind the output axes.
  const axes = windowAxes(x!.shape, p);
  let cur = g.full(x!);
  for (let d = axes.length - 1; d >= 0; d--) {
    const ax = axes[d]!;
    if (ax.trivial) continue;
    const shape = [...cur.shape.slice(0, d), ax.O, ax.W, ...cur.shape.slice(d + 1)];
    cur = g.op("Gather", [cur, g.constant(positions(ax), "int64", [ax.O, ax.W])], cur.dtype, shape, { axis: int(d) });
  }
  const k = axes.length;
  cur = g.reshape(
    cur,
    axes.flatMap((ax) => [ax.O, ax.W]),
  );
  const perm = [...range(k).map((d) => 2 * d), ...range(k).map((d) => 2 * d + 1)];
  return [g.transpose(cur, perm)];
}

export function windowAccumulate(g: Scope, [c]: Val[], p: PatchParams & { inputShape: readonly number[] }): Val[] {
  // The transpose of window_patches: per non-trivial axis, a 0/1 matrix [O·W, n] sums every
  // window element back onto its source position (one Gemm per axis, no scatter races).
  if (!T.KERNEL_TYPES.Gemm!.includes(c!.dtype)) throw new OrtUnsupported(`window_accumulate on ${c!.dtype}`);
  const axes = windowAxes(p.inputShape, p);
  const k = axes.length;
  const moving = range(k).filter((d) => !axes[d]!.trivial);
  const still = range(k).filter((d) => axes[d]!.trivial);
  // [O..., W...] -> [(O_d, W_d) for moving axes..., O_d for still axes...]
  const perm = [...moving.flatMap((d) => [d, k + d]), ...still.map((d) => d)];
  const stillSize = sizeOf(still.map((d) => axes[d]!.n));
  let cur = g.transpose(g.full(c!), [...perm, ...still.map((d) => k + d)]);
  cur = g.reshape(cur, [...moving.map((d) => axes[d]!.O * axes[d]!.W), stillSize]);
  for (const d of moving) {
    const ax = axes[d]!;
    const rows = ax.O * ax.W;
    const rest = sizeOf(cur.shape) / rows;
    const m = new Array<number>(rows * ax.n).fill(0);
    positions(ax).forEach((src, i) => {
      m[i * ax.n + src] = 1;
    });
    // [rows, rest]^T @ [rows, n] = [rest, n]: the finished axis moves to the back
    cur = g.op("Gemm", [g.reshape(cur, [rows, rest]), g.constant(m, c!.dtype, [rows, ax.n])], c!.dtype, [rest, ax.n], { transA: int(1) });
  }
  // now [still..., moving...] in row-major order
  const order = [...still, ...moving];
  cur = g.reshape(
    cur,
    order.map((d) => axes[d]!.n),
  );
  const back = range(k).map((d) => order.indexOf(d));
  return [g.transpose(cur, back)];
}

// ---- cumulative reductions ----

export function extremeValue(dtype: ODType, max: boolean): number {
  if (isFloat(dtype as DType)) return max ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  const b = dtype.endsWith("8") ? 8 : dtype.endsWith("16") ? 16 : 32;
  if (dtype.startsWith("u")) return max ? 2 ** b - 1 : 0;
  return max ? 2 ** (b - 1) - 1 : -(2 ** (b - 1));
}

/** A prefix scan in log2(n) steps of `combine` with a shifted copy (Hillis-Steele). */
export function prefixScan(g: Scope, x: Val, axis: number, reverse: boolean, combine: (a: Val, b: Val) => Val, identity: number): Val {
  let cur = g.full(x);
  const n = x.shape[axis]!;
  const at = (v: number) => x.shape.map((m, d) => (d === axis ? v : m));
  const zeros = x.shape.map(() => 0);
  const ones = x.shape.map(() => 1);
  for (let s = 1; s < n; s *= 2) {
    const fill = g.full(g.filled(identity, x.dtype, at(s)));
    const part = reverse
      ? g.slice(
          cur,
          at(s).map((v, d) => (d === axis ? v : 0)),
          x.shape,
          ones,
          at(n - s),
        )
      : g.slice(cur, zeros, at(n - s), ones, at(n - s));
    cur = combine(cur, g.concat(reverse ? [part, fill] : [fill, part], axis));
  }
  return cur;
}

export function cumulative(op: "sum" | "prod" | "max" | "min"): LowerRule {
  return (g, [x], { axis, reverse }: { axis: number; reverse: boolean }) => {
    const dt = x!.dtype;
    if (op === "sum") {
      const kt = T.kernelType("CumSum", dt);
      const r = g.op("CumSum", [g.cast(g.full(x!), kt), g.scalar(axis, "int64")], kt, x!.shape, { reverse: int(reverse ? 1 : 0) });
      return [g.cast(r, dt)];
    }
    if (op === "prod") return [prefixScan(g, x!, axis, reverse, (a, b) => T.mul(g, a, b), 1)];
    return [prefixScan(g, x!, axis, reverse, (a, b) => (op === "max" ? T.max(g, a, b) : T.min(g, a, b)), extremeValue(dt, op === "min"))];
  };
}

// ---- sort ----

/** The permutation that stably sorts `key` along `axis` (TopK keeps equal keys in index order). */
export function stableOrder(g: Scope, key: Val, axis: number): Val {
  const n = key.shape[axis]!;
  const kt = T.kernelType("TopK", key.dtype);
  const attrs = { axis: int(axis), largest: int(0), sorted: int(1) };
  const [, idx] = g.emit("TopK", [g.cast(key, kt).name, g.i64s([n]).name], 2, attrs);
  return { name: idx!, dtype: "int64", shape: key.shape, pshape: key.shape };
}

export function sort(g: Scope, xs: Val[], { dimension, numKeys }: { dimension: number; numKeys: number }): Val[] {
  // LSD order: stable-sort by the least significant key first; a float key sorts by value
  // with NaN as +inf, then by is-NaN, so NaNs go last (JAX's total order; -0 == 0).
  const gatherAlong = (v: Val, perm: Val) => g.op("GatherElements", [v, perm], v.dtype, v.shape, { axis: int(dimension) });
  const full = xs.map((x) => g.full(x));
  let perm: Val | null = null;
  const sortBy = (key: Val) => {
    const k = perm ? gatherAlong(key, perm) : key;
    const order = stableOrder(g, k, dimension);
    perm = perm ? gatherAlong(perm, order) : order;
  };
  for (let i = numKeys - 1; i >= 0; i--) {
    const key = full[i]!;
    if (isFloat(key.dtype as DType)) {
      const nan = T.nan(g, key);
      sortBy(g.full(T.where(g, nan, g.scalar(Number.POSITIVE_INFINITY, key.dtype), key)));
      sortBy(g.full(g.cast(nan, "uint8")));
    } else sortBy(key);
  }
  return full.map((x) => gatherAlong(x, perm!));
}

// ---- gather / scatter ----

/** Index rows [...batch, K] as int64, and a mask of the rows entirely in bounds. */
export function indexRows(g: Scope, idx: Val, operandShape: readonly number[]) {
  const K = idx.shape[idx.shape.length - 1]!;
  if (K === 0) throw new OrtUnsupported("gather/scatter with empty index rows");
  const rows = g.cast(g.full(idx), "int64");
  const hi = g.i64s(operandShape.slice(0, K).map((n) => n - 1));
  const zero = g.scalar(0, "int64");
  const clamped = T.max(g, T.min(g, rows, hi), zero);
  const batch = idx.shape.slice(0, -1);
  const inBounds = () => {
    const ok = T.and(g, T.cmp(g, "GreaterOrEqual", rows, zero), T.cmp(g, "LessOrEqual", rows, hi));
    return g.cast(T.reduce(g, "ReduceMin", g.cast(ok, "uint8"), [batch.length]), "bool");
  };
  return { K, rows, clamped, batch, inBounds };
}

/** GatherND of index rows; in "fill" mode, rows out of bounds give `fill`. */
export function gather(g: Scope, [op, idx]: Val[], mode: string, fill: number, outs: readonly { shape: readonly number[] }[]): Val[] {
  const { K, clamped, batch, inBounds } = indexRows(g, idx!, op!.shape);
  const shape = outs[0]!.shape;
  const out = g.op("GatherND", [g.full(op!), clamped], op!.dtype, shape);
  if (mode !== "fill") return [out];
  const mask = g.reshape(inBounds(), [...batch, ...op!.shape.slice(K).map(() => 1)]);
  return [T.where(g, { ...mask, shape }, out, g.scalar(fill, op!.dtype))];
}

export function scatter(kind: "none" | "add" | "mul" | "min" | "max"): LowerRule {
  return (g, [op, idx, upd], { mode }: { mode: string }) => {
    const dt = op!.dtype;
    if ((kind === "min" || kind === "max") && isFloat(dt as DType)) {
      throw new OrtUnsupported(`scatter-${kind} on floats (onnxruntime's min/max do not propagate NaN)`);
    }
    const { K, rows, clamped, batch, inBounds } = indexRows(g, idx!, op!.shape);
    // As ScatterElements on [R, S]: row r = the flat position of the index row, S = slice size.
    const R = sizeOf(op!.shape.slice(0, K));
    const S = sizeOf(op!.shape.slice(K));
    const B = sizeOf(batch);
    const strides = g.i64s(stridesOf(op!.shape.slice(0, K)));
    let flat = T.reduce(g, "ReduceSum", T.mul(g, mode === "clip" ? clamped : rows, strides), [batch.length]);
    const drop = mode !== "clip";
    // out-of-bounds rows land on an extra row that is cut off afterwards
    if (drop) flat = T.where(g, inBounds(), flat, g.scalar(R, "int64"));
    const updates = g.reshape(g.full(upd!), [B, S]);
    const scattered = (sg: Scope) => {
      const operand = sg.reshape(sg.full(op!), [R, S]);
      const data = drop ? sg.concat([operand, sg.full(sg.filled(0, dt, [1, S]))], 0) : operand;
      const at = sg.full({ ...sg.reshape(flat, [B, 1]), shape: [B, S] });
      const kt = kind === "min" || kind === "max" ? T.kernelType("Max", dt) : dt;
      const rowsOut = drop ? R + 1 : R;
      let res = sg.op("ScatterElements", [sg.cast(data, kt), at, sg.cast(updates, kt)], kt, [rowsOut, S], {
        axis: int(0),
        reduction: str(kind),
      });
      res = sg.cast(res, dt);
      return drop ? sg.slice(res, [0, 0], [R, S], [1, 1], [R, S]) : res;
    };
    const zeros = known(op!).scalar === 0 && !Object.is(known(op!).scalar, -0);
    const res =
      kind === "add" && zeros && (dt === "float32" || dt === "float64") && R <= ONE_HOT_MAX_ROWS
        ? oneHotAdd(g, flat, updates, R, scattered)
        : scattered(g);
    return [g.reshape(res, op!.shape)];
  };
}

/** Scatter-adds into at most this many rows of zeros go through a one-hot matrix product. */
const ONE_HOT_MAX_ROWS = 128;

/**
 * A scatter-add of B rows into R rows of zeros (the gradient of an embedding lookup over a
 * small vocabulary): onnxruntime's ScatterElements adds one element at a time (5 ns each),
 * while one-hot(rows)ᵀ · updates is a Gemm of 2·R·B·S flops, faster for small R. The sums
 * are the same up to their order of addition. 0 · inf would spread a non-finite update over
 * every row, so an If takes the ScatterElements path unless the updates' sum is finite
 * (which it is exactly when every update is finite and the sum does not overflow).
 */
function oneHotAdd(g: Scope, flat: Val, updates: Val, R: number, scattered: (sg: Scope) => Val): Val {
  const [B, S] = updates.shape as [number, number];
  const dt = updates.dtype;
  const total = T.reduce(g, "ReduceSum", updates, [0, 1]);
  const finite = T.cmp(g, "Equal", g.ew("Sub", [total, total], dt), g.scalar(0, dt));
  const viaGemm = (sg: Scope) => {
    // rows out of bounds (drop mode sends them to row R) match no column: dropped
    const hit = T.cmp(sg, "Equal", sg.reshape(flat, [B, 1]), sg.constant(range(R), "int64", [1, R]));
    const oneHot = sg.cast(sg.full({ ...hit, shape: [B, R] }), dt);
    return sg.op("Gemm", [oneHot, updates], dt, [R, S], { transA: int(1) });
  };
  return ifThenElse(g, finite, viaGemm, scattered);
}

// ---- dynamic slices ----

/** The start indices clamped so a window of `sizes` fits, as one int64 vector. */
export function clampedStarts(g: Scope, starts: readonly Val[], shape: readonly number[], sizes: readonly number[]): Val {
  const cols = starts.map((s, d) => {
    const c = T.min(g, T.max(g, g.cast(s, "int64"), g.scalar(0, "int64")), g.scalar(shape[d]! - sizes[d]!, "int64"));
    return g.reshape(c, [1]);
  });
  return g.concat(cols, 0);
}

export function dynamicSlice(g: Scope, [op, ...starts]: Val[], { sliceSizes }: { sliceSizes: readonly number[] }): Val[] {
  const s = clampedStarts(g, starts, op!.shape, sliceSizes);
  const e = g.ew("Add", [s, g.i64s(sliceSizes)], "int64");
  return [g.op("Slice", [op!, s, e, g.i64s(range(sliceSizes.length))], op!.dtype, sliceSizes)];
}

export function dynamicUpdateSlice(g: Scope, [op, upd, ...starts]: Val[]): Val[] {
  // ScatterND of the update at its window's positions (distinct, so the scatter is race-free)
  const sizes = upd!.shape;
  const nd = sizes.length;
  const s = clampedStarts(g, starts, op!.shape, sizes);
  const st = stridesOf(sizes);
  const grid = range(sizeOf(sizes)).flatMap((i) => range(nd).map((d) => Math.floor(i / st[d]!) % sizes[d]!));
  const idx = g.ew("Add", [g.constant(grid, "int64", [...sizes, nd]), s], "int64");
  return [g.op("ScatterND", [op!, idx, upd!], op!.dtype, op!.shape)];
}

/** A reduction rule over params.axes. */
export const reduceRule =
  (f: (g: Scope, x: Val, axes: readonly number[]) => Val): LowerRule =>
  (g, [x], { axes }: { axes: readonly number[] }) => [f(g, x!, axes)];

export function rev(g: Scope, x: Val, dimensions: readonly number[]): Val {
  const n = dimensions.map((d) => x.shape[d]!);
  const ends = n.map((m) => -(m + 1));
  const steps = n.map(() => -1);
  const starts = n.map((m) => m - 1);
  return g.op("Slice", [x, g.i64s(starts), g.i64s(ends), g.i64s(dimensions), g.i64s(steps)], x.dtype, x.shape);
}
