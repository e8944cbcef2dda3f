// The numeric kernels behind compiled code: the float32 exp and tanh, the strided matmul, the
// generated dynamic slices and updates (in place only on storage the program owns),
// arg-reductions, and compiled scan / while loops that own (and update in place) their carries.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compiledSource } from "../src/backends/cpu/codegen.js";
import { expF32, tanhF32 } from "../src/backends/cpu/fastmath.js";
import { batchedMatmul } from "../src/backends/cpu/kernels.js";
import { matmulKernel } from "../src/backends/cpu/matmul.js";
import { matvec, matvecSite, programBuffers, residentRegion } from "../src/backends/cpu/matvec_wasm.js";
import { RangeAllocator } from "../src/backends/cpu/range_allocator.js";
import { optimizeJaxpr } from "../src/compiler/passes.js";
import { ArrayImpl } from "../src/core/array.js";
import type { Array as JArray } from "../src/index.js";
import { jit, numpy as jnp, lax } from "../src/index.js";
import { gather } from "../src/primitives/gather_scatter.js";
import { assertAllClose } from "./helpers.js";

/** Checks fast(x), rounded to float32, against reference(x) over a spread of float32 inputs. */
function withinOneUlp(label: string, fast: (x: number) => number, reference: (x: number) => number): void {
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  let differ = 0;
  let n = 0;
  // every 257th float32 bit pattern: all magnitudes, both signs, subnormals, NaN, infinities
  for (let b = 0; b < 0x100000000; b += 257 * 65) {
    bits[0] = b;
    const x = f[0]!;
    const got = Math.fround(fast(x));
    const want = Math.fround(reference(x));
    n++;
    if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))) continue;
    differ++;
    const ulp = Math.abs(Math.fround(want * (1 + 2 ** -23)) - want) || 2 ** -149;
    assert.ok(Math.abs(got - want) <= ulp, `${label}(${x}) = ${got}, Math gives ${want}`);
  }
  assert.ok(n > 250000);
  assert.ok(differ <= n * 1e-4, `${label}: ${differ} of ${n} differ`);
}

test("expF32: within one float32 ulp of Math.exp (and of the logistic built on it), almost always the same float32", () => {
  withinOneUlp("expF32", expF32, Math.exp);
  withinOneUlp(
    "logistic",
    (x) => 1 / (1 + expF32(-x)),
    (x) => 1 / (1 + Math.exp(-x)),
  );
  // near the ends of float32's range: subnormal results, the last finite value, overflow
  for (const x of [-103.2, -103.9, -104, -109.9, -110, -200, 88.7, 88.72, 88.73, 109.9, 110, 1e30])
    assert.equal(Math.fround(expF32(x)), Math.fround(Math.exp(x)), `expF32(${x})`);
  assert.deepEqual([expF32(Number.NEGATIVE_INFINITY), expF32(Number.POSITIVE_INFINITY), expF32(0)], [0, Number.POSITIVE_INFINITY, 1]);
  assert.ok(Number.isNaN(expF32(Number.NaN)));
});

test("tanhF32: within one float32 ulp of Math.tanh, and almost always the same float32", () => {
  withinOneUlp("tanhF32", tanhF32, Math.tanh);
  assert.ok(Object.is(tanhF32(-0), -0) && Object.is(tanhF32(0), 0));
  assert.deepEqual([tanhF32(Number.POSITIVE_INFINITY), tanhF32(Number.NEGATIVE_INFINITY), tanhF32(30), tanhF32(-30)], [1, -1, 1, -1]);
  assert.ok(Number.isNaN(tanhF32(Number.NaN)));
});

test("matmul kernel: every block shape, strides for transposed operands, batches; same sums as the eager kernel", () => {
  const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i * 0.731) * 3);
  for (const [nb, M, K, N] of [
    [1, 1, 1, 1],
    [1, 4, 4, 4],
    [1, 5, 7, 3],
    [2, 9, 13, 6],
    [3, 1, 8, 11],
    [1, 8, 0, 5],
    [2, 2, 16, 37],
    [1, 3, 5, 8],
    [1, 7, 6, 21],
    [1, 1, 64, 83],
  ] as const) {
    const a = rand(nb * M * K, 1);
    const b = rand(nb * K * N, 2);
    const want = new Float32Array(nb * M * N);
    batchedMatmul(a, b, nb, M, K, N, want);
    const got = new Float32Array(nb * M * N);
    matmulKernel(a, b, got)(a, 0, M * K, K, 1, b, 0, K * N, N, 1, got, nb, M, K, N);
    assert.deepEqual(got, want, `[${nb}, ${M}, ${K}] x [${K}, ${N}]`);
    // the same product from transposed copies, read through strides
    const at = new Float32Array(a.length);
    const bt = new Float32Array(b.length);
    for (let q = 0; q < nb; q++) {
      for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) at[q * M * K + k * M + i] = a[q * M * K + i * K + k]!;
      for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) bt[q * K * N + j * K + k] = b[q * K * N + k * N + j]!;
    }
    const got2 = new Float64Array(nb * M * N);
    matmulKernel(at, bt, got2)(at, 0, M * K, 1, M, bt, 0, K * N, 1, K, got2, nb, M, K, N);
    assert.deepEqual(Float32Array.from(got2), want, `transposed [${nb}, ${M}, ${K}] x [${K}, ${N}]`);
  }
});

const f32 = (n: number, seed: number, shape: number[]) =>
  jnp.array(Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i * 1.37) * 2)).reshape(shape);
const i32 = (v: number) => jnp.array(v, { dtype: "int32" });
const same = (got: JArray, want: JArray, label: string) => {
  assert.deepEqual(got.shape, want.shape, label);
  assert.deepEqual(Array.from(got.dataSync()), Array.from(want.dataSync()), label);
};

test("dynamic_slice / dynamic_update_slice on the cpu engine: clamped starts, equal to eager; inputs never written", () => {
  const f = (x: JArray, u: JArray, a: JArray, b: JArray) => {
    const y = lax.dynamicUpdateSlice(x, u, [a, b, i32(0)]);
    // a second update of the first one's (dead) result, and a slice of it
    const z = lax.dynamicUpdateSlice(y, u.mul(2), [b, a, i32(1)]);
    const empty = lax.dynamicSlice(x, [a, b, i32(0)], [0, 3, 4]);
    return [z, lax.dynamicSlice(z, [a, b, i32(0)], [2, 3, 4]), lax.dynamicSlice(x, [b, a, i32(2)], [1, 1, 1]), x.add(1), empty];
  };
  const g = jit(f, { backend: "cpu" });
  for (const [a, b] of [
    [0, 0],
    [1, 2],
    [-3, 9],
    [7, -1],
  ] as const) {
    const x = f32(5 * 6 * 4, 1, [5, 6, 4]);
    const u = f32(2 * 3 * 4, 2, [2, 3, 4]);
    const x0 = Array.from(x.dataSync());
    const u0 = Array.from(u.dataSync());
    const got = g(x, u, i32(a), i32(b));
    const want = f(x, u, i32(a), i32(b));
    got.forEach((v, k) => same(v, want[k]!, `output ${k} at starts (${a}, ${b})`));
    assert.deepEqual(Array.from(x.dataSync()), x0, "the operand a user passed is unchanged");
    assert.deepEqual(Array.from(u.dataSync()), u0, "the update a user passed is unchanged");
  }
});

test("dynamic_update_slice writes in place only into owned storage that nothing else reads", () => {
  const upd = (x: JArray, u: JArray, i: JArray) => [lax.dynamicUpdateSlice(x, u, [i, i32(0)])];
  const closed = optimizeJaxpr(jit(upd).lower(jnp.zeros([8, 4]), jnp.ones([1, 4]), i32(0)));
  assert.match(compiledSource(closed), /\.slice\(\)/, "an argument of the program is copied");
  assert.doesNotMatch(compiledSource(closed, [true, false, false]), /\.slice\(\)/, "an owned argument is updated in place");
  const twice = (x: JArray, u: JArray, i: JArray) => [lax.dynamicUpdateSlice(x, u, [i, i32(0)]), x.sum()];
  const closed2 = optimizeJaxpr(jit(twice).lower(jnp.zeros([8, 4]), jnp.ones([1, 4]), i32(0)));
  assert.match(compiledSource(closed2, [true, false, false]), /\.slice\(\)/, "an owned argument read later is copied");
});

test("argmax / argmin on the cpu engine: first extreme, first NaN, ties, rows", () => {
  const f = (x: JArray) => [
    jnp.argmax(x, -1),
    jnp.argmin(x, -1),
    jnp.argmax(x.reshape([-1])),
    jnp.argmin(x.get("1")),
    jnp.argmax(x.get("0:0"), -1),
  ];
  const g = jit(f, { backend: "cpu" });
  for (const rows of [
    [
      [1, 5, 5, -2],
      [0, 0, 0, 0],
      [3, Number.NaN, 9, Number.NaN],
    ],
    [
      [-Infinity, -Infinity, -1, 7],
      [2, 1, 1, 2],
      [Number.NaN, 1, 2, 3],
    ],
  ]) {
    const x = jnp.array(rows);
    const got = g(x);
    f(x).forEach((w, k) => same(got[k]!, w, `output ${k} of ${JSON.stringify(rows)}`));
  }
});

test("scan and while on the cpu engine: loop bodies compiled, carries updated in place, equal to eager", () => {
  // a cache of rows written one per step (the KV-cache pattern); b is updated into a, and
  // from the second step on b and c are both the body's constant (one storage): updating
  // b in place would change the constant, and c with it
  const step = (carry: JArray[], x: JArray, i: JArray): JArray[] => {
    const [cache, a, b, c, tok] = carry as [JArray, JArray, JArray, JArray, JArray];
    const row = x.add(tok.astype("float32")).reshape([1, 4]);
    const next = lax.dynamicUpdateSlice(cache, row, [i, i32(0)]);
    const t = jnp.argmax(next.sum(0)).astype("int32").reshape([1]);
    return [next, lax.dynamicUpdateSlice(b, row.reshape([4]).add(c), [i32(0)]), c, jnp.full([4], 3), t, a, x];
  };
  const scanFn = (cache: JArray, a: JArray, b: JArray, xs: JArray) => {
    const [[c1, a1, b1, k1, t1], ys] = lax.scan(
      ([cache, a, b, c, tok, i]: JArray[], x: JArray) => {
        const [n, b2, a2, c2, t2, cOut, xOut] = step([cache!, a!, b!, c!, tok!], x, i!);
        return [
          [n, b2, a2, c2, t2, i!.add(1)],
          [cOut!.mul(2), xOut!],
        ];
      },
      [cache, a, b, jnp.zeros([4]), jnp.zeros([1], { dtype: "int32" }), i32(0)],
      xs,
    );
    return [c1, a1, b1, k1, t1, ...(ys as JArray[])];
  };
  const whileFn = (cache: JArray, a: JArray, b: JArray, n: JArray, xs: JArray) => {
    const out = lax.foriLoop(
      0,
      n,
      (i: JArray, [cache, a, b, c, tok]: JArray[]) => {
        const x = lax.dynamicSlice(xs, [i, i32(0)], [1, 4]).reshape([4]);
        return step([cache!, a!, b!, c!, tok!], x, i).slice(0, 5);
      },
      [cache, a, b, jnp.zeros([4]), jnp.zeros([1], { dtype: "int32" })],
    ) as JArray[];
    return out;
  };
  const cache = f32(24, 3, [6, 4]);
  const a = f32(4, 4, [4]);
  const b = f32(4, 5, [4]);
  const xs = f32(24, 6, [6, 4]);
  const before = [cache, a, b, xs].map((v) => Array.from(v.dataSync()));
  const want = scanFn(cache, a, b, xs);
  jit(scanFn, { backend: "cpu" })(cache, a, b, xs).forEach((v, k) => same(v, want[k]!, `scan output ${k}`));
  for (const n of [0, 1, 5]) {
    const w = whileFn(cache, a, b, i32(n), xs);
    jit(whileFn, { backend: "cpu" })(cache, a, b, i32(n), xs).forEach((v, k) => same(v, w[k]!, `while output ${k} after ${n} steps`));
  }
  assert.deepEqual(
    [cache, a, b, xs].map((v) => Array.from(v.dataSync())),
    before,
    "the arrays passed in are unchanged",
  );
});

/**
 * The WebAssembly kernel's sums, in JavaScript: per output, float32 products added in
 * float32 with k ascending (MatmulKernel's arguments).
 */
function float32Sums(
  A: Float32Array,
  aOff: number,
  aSb: number,
  aSm: number,
  aSk: number,
  B: Float32Array,
  bOff: number,
  bSb: number,
  bSk: number,
  bSn: number,
  C: Float32Array,
  nb: number,
  M: number,
  K: number,
  N: number,
): void {
  for (let b = 0; b < nb; b++)
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        let c = 0;
        for (let k = 0; k < K; k++)
          c = Math.fround(c + Math.fround(A[aOff + b * aSb + m * aSm + k * aSk]! * B[bOff + b * bSb + k * bSk + n * bSn]!));
        C[(b * M + m) * N + n] = c;
      }
}

test("WebAssembly matrix-vector kernel: float32 sums with k ascending, exactly, any layout, fixed or changing matrices", () => {
  const mv = matvec();
  assert.ok(mv, "WebAssembly SIMD is available in Node.js");
  const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i * 0.731) * 3);
  for (const [nb, M, K, N] of [
    [1, 1, 64, 176],
    [1, 1, 176, 64],
    [2, 2, 16, 37],
    [3, 4, 5, 8],
    [1, 3, 7, 3],
    [1, 1, 0, 9],
    [2, 3, 6, 40],
    // more rows: two at a time, the last alone
    [1, 9, 16, 40],
    [2, 7, 33, 24],
  ] as const) {
    const x = rand(nb * M * K * 2, 1);
    const W = rand(nb * K * N, 2);
    const want = new Float32Array(nb * M * N);
    // x read with stride 2 (every other element); W as stored, and transposed (read through strides)
    float32Sums(x, 0, 2 * M * K, 2 * K, 2, W, 0, K * N, N, 1, want, nb, M, K, N);
    const Wt = new Float32Array(W.length);
    for (let b = 0; b < nb; b++)
      for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) Wt[b * K * N + j * K + k] = W[b * K * N + k * N + j]!;
    for (let rep = 0; rep < 2; rep++) {
      const got = new Float32Array(nb * M * N);
      mv(x, 0, 2 * M * K, 2 * K, 2, W, 0, K * N, N, 1, got, nb, M, K, N, false);
      assert.deepEqual(got, want, `[${nb}, ${M}, ${K}] x [${K}, ${N}], call ${rep + 1}`);
      const gotT = new Float32Array(nb * M * N);
      mv(x, 0, 2 * M * K, 2 * K, 2, Wt, 0, K * N, 1, K, gotT, nb, M, K, N, false);
      assert.deepEqual(gotT, want, `transposed [${nb}, ${M}, ${K}] x [${K}, ${N}], call ${rep + 1}`);
    }
    // a volatile matrix: copied every call with its own strides (rows padded by 3, batches
    // interleaved as a cache's heads are), so a change between calls is seen
    const Wv = new Float32Array(K * nb * (N + 3) + 5);
    const at = (b: number, k: number, j: number) => 5 + k * nb * (N + 3) + b * (N + 3) + j;
    for (let rep = 0; rep < 2; rep++) {
      const scale = rep + 1;
      for (let b = 0; b < nb; b++)
        for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) Wv[at(b, k, j)] = scale * W[b * K * N + k * N + j]!;
      const wantV = new Float32Array(nb * M * N);
      float32Sums(x, 0, 2 * M * K, 2 * K, 2, Wv, 5, N + 3, nb * (N + 3), 1, wantV, nb, M, K, N);
      const gotV = new Float32Array(nb * M * N);
      mv(x, 0, 2 * M * K, 2 * K, 2, Wv, 5, N + 3, nb * (N + 3), 1, gotV, nb, M, K, N, true);
      assert.deepEqual(gotV, wantV, `volatile [${nb}, ${M}, ${K}] x [${K}, ${N}], call ${rep + 1}`);
      // the same matrix in the resident region (where a loop keeps its carries): read in place
      const region = residentRegion()!;
      const mark = region.mark();
      const Wr = region.alloc(Wv.length)!;
      Wr.set(Wv);
      const gotR = new Float32Array(nb * M * N);
      mv(x, 0, 2 * M * K, 2 * K, 2, Wr, 5, N + 3, nb * (N + 3), 1, gotR, nb, M, K, N, true);
      assert.deepEqual(gotR, wantV, `resident [${nb}, ${M}, ${K}] x [${K}, ${N}], call ${rep + 1}`);
      // and a vector and result in the kernel's memory too (a compiled program's buffers)
      if (K === 0) {
        region.release(mark);
        continue;
      }
      const xr = programBuffers()!.alloc(x.length)!;
      const cr = programBuffers()!.alloc(nb * M * N)!;
      xr.set(x);
      mv(xr, 0, 2 * M * K, 2 * K, 2, Wr, 5, N + 3, nb * (N + 3), 1, cr, nb, M, K, N, true);
      assert.deepEqual(new Float32Array(cr), wantV, `in place [${nb}, ${M}, ${K}] x [${K}, ${N}], call ${rep + 1}`);
      const xc = programBuffers()!.alloc(nb * M * K)!;
      for (let i = 0; i < xc.length; i++) xc[i] = x[2 * i]!;
      cr.fill(0);
      mv(xc, 0, M * K, K, 1, Wr, 5, N + 3, nb * (N + 3), 1, cr, nb, M, K, N, true);
      assert.deepEqual(new Float32Array(cr), wantV, `contiguous in place [${nb}, ${M}, ${K}] x [${K}, ${N}], call ${rep + 1}`);
      programBuffers()!.free([xr, cr, xc]);
      region.release(mark);
    }
  }
  // a call site remembers its last matrix, and still sees a different one
  const site = matvecSite();
  const x1 = Float32Array.from({ length: 20 }, (_, i) => i - 7);
  for (const scale of [1, 1, 2, 1, 2, 2]) {
    const W1 = Float32Array.from({ length: 20 * 24 }, (_, i) => Math.cos(i) * scale);
    const want = new Float32Array(24);
    float32Sums(x1, 0, 0, 0, 1, W1, 0, 0, 24, 1, want, 1, 1, 20, 24);
    for (let rep = 0; rep < 2; rep++) {
      const got = new Float32Array(24);
      mv(x1, 0, 0, 0, 1, W1, 0, 0, 24, 1, got, 1, 1, 20, 24, false, site);
      assert.deepEqual(got, want, `matrix scaled by ${scale}, call ${rep + 1} at one site`);
    }
  }
  // a fixed matrix too large for the kernel's cache runs in the JavaScript kernel
  const big = jnp.ones([2048, 4100]).mul(0.5);
  const row = jnp.arange(2048).astype("float32").reshape([1, 2048]);
  const dotBig = (x: JArray, w: JArray) => jnp.dot(x, w);
  assert.doesNotMatch(compiledSource(optimizeJaxpr(jit(dotBig).lower(row, big))), /matvec_\d+/);
  same(jit(dotBig, { backend: "cpu" })(row, big), dotBig(row, big), "a 2048×4100 matrix");
  const f = (x: JArray, w: JArray) => [jnp.dot(x, w), jnp.dot(x, w.mul(2))];
  const x = f32(64, 1, [1, 64]);
  const w = f32(64 * 24, 2, [64, 24]);
  const src = compiledSource(optimizeJaxpr(jit(f).lower(x, w)));
  assert.equal(src.match(/matvec_\d+\([^;]*, false, site_\d+\);/g)?.length, 1, "the argument matrix is cached");
  assert.equal(src.match(/matvec_\d+\([^;]*, true, site_\d+\);/g)?.length, 1, "the computed one is copied per call");
  const got = jit(f, { backend: "cpu" })(x, w);
  // eager sums in float64: the same values up to float32 roundings
  f(x, w).forEach((v, k) => assertAllClose(got[k]!, Array.from(v.dataSync()), { rtol: 1e-5, atol: 5e-5 }, `product ${k}`));
});

test("a loop keeps its float32 carries in the kernel's resident region, reads them in place, and hands back ordinary arrays", () => {
  const region = residentRegion()!;
  // a decode loop in miniature: write one column of a [2, 16, 40] cache per step, then
  // attend over the whole cache with two rows per head
  const q = f32(2 * 2 * 16, 7, [2, 2, 16]);
  const step = (i: JArray, [cache, acc]: JArray[]): JArray[] => {
    const col = lax.slice(q, [0, 0, 0], [2, 1, 16]).reshape([2, 16, 1]).mul(i.astype("float32").add(1));
    const next = lax.dynamicUpdateSlice(cache!, col, [i32(0), i32(0), i]);
    const scores = lax.dotGeneral(q, next, { lhsBatch: [0], rhsBatch: [0], lhsContracting: [2], rhsContracting: [1] });
    return [next, acc!.add(scores)];
  };
  const f = (cache: JArray, n: JArray) => lax.foriLoop(0, n, step, [cache, jnp.zeros([2, 2, 40])]) as JArray[];
  const cache = f32(2 * 16 * 40, 8, [2, 16, 40]);
  const mark = region.mark();
  for (const n of [0, 1, 7]) {
    const want = f(cache, i32(n));
    const got = jit(f, { backend: "cpu" })(cache, i32(n));
    same(got[0]!, want[0]!, `the cache after ${n} steps`);
    assertAllClose(got[1]!, Array.from(want[1]!.dataSync()), { rtol: 1e-5, atol: 5e-5 }, `the sums of products after ${n} steps`);
    for (const v of got) assert.ok(v instanceof ArrayImpl && !region.holds(v.data), "results are ordinary arrays");
    assert.equal(region.mark(), mark, "the region is released when the loop ends");
  }
});

test("compiled programs' float32 buffers: allocated in the kernel's memory, freed ranges merge and are reused", () => {
  const region = programBuffers()!;
  const [a, b, c] = [1000, 37, 5000].map((n) => region.alloc(n)!);
  assert.ok(a && b && c && residentRegion()!.holds(a));
  assert.deepEqual([a.length, b.length, c.length], [1000, 37, 5000]);
  assert.ok(b.byteOffset >= a.byteOffset + a.byteLength && c.byteOffset >= b.byteOffset + b.byteLength, "disjoint");
  a.fill(1);
  b.fill(2);
  c.fill(3);
  assert.ok(a.every((v) => v === 1) && b.every((v) => v === 2), "writes to one never reach another");
  region.free([a, b, c]);
  // the allocator behind it: first fit; freed ranges merge with free neighbours
  const r = new RangeAllocator(1000, 600);
  const [p, q, t] = [100, 200, 300].map((n) => r.alloc(n));
  assert.deepEqual([p, q, t, r.alloc(1)], [1000, 1100, 1300, -1]);
  r.release(q!, 200);
  assert.equal(r.pieces, 1);
  assert.equal(r.alloc(250), -1, "a hole of 200 takes no 250");
  r.release(p!, 100);
  assert.equal(r.pieces, 1, "merged with the next free range");
  assert.deepEqual([r.alloc(100), r.alloc(200), r.alloc(1)], [1000, 1100, -1]);
  r.release(1000, 100);
  r.release(t!, 300);
  assert.equal(r.pieces, 2);
  r.release(1100, 200);
  assert.equal(r.pieces, 1, "merged on both sides: the whole region");
  assert.equal(r.alloc(600), 1000);
  // a program's buffers there give the same results as ordinary ones (the whole suite runs on them)
  const f = (x: JArray, w: JArray) => jnp.tanh(jnp.dot(x, w)).mul(2);
  const x = f32(3 * 64, 9, [3, 64]);
  const w = f32(64 * 40, 10, [64, 40]);
  assertAllClose(
    jit(f, { backend: "cpu" })(x, w),
    Array.from(f(x, w).dataSync()),
    { rtol: 1e-5, atol: 5e-5 },
    "jit equals eager up to float32 roundings",
  );
});

test("gather with clamped indices is generated inline on the cpu engine: equal to eager, out-of-range rows clamped", () => {
  const operand = f32(5 * 4 * 3, 11, [5, 4, 3]);
  const cases: [string, JArray][] = [
    ["rows of [4, 3]", jnp.array([[0], [4], [-3], [9], [2]], { dtype: "int32" })],
    [
      "[3]-slices, k = 2",
      jnp.array(
        [
          [
            [0, 0],
            [4, 3],
            [-1, 7],
          ],
          [
            [2, 1],
            [5, -2],
            [3, 3],
          ],
        ],
        { dtype: "int32" },
      ),
    ],
    [
      "single elements, k = 3",
      jnp.array(
        [
          [1, 2, 2],
          [7, -1, 9],
        ],
        { dtype: "int32" },
      ),
    ],
    ["uint32 indices", jnp.array([[1], [4000000000]], { dtype: "uint32" })],
    ["one element", jnp.array([2, 3, 1], { dtype: "int32" })],
    ["one index (a number in the generated code)", jnp.array([[7]], { dtype: "int32" })],
  ];
  for (const [label, idx] of cases) {
    for (const mode of ["clip", "promise_in_bounds"] as const) {
      const f = (x: JArray, i: JArray) => gather(x, i, { mode }).mul(2);
      same(jit(f, { backend: "cpu" })(operand, idx), f(operand, idx), `${label}, ${mode}`);
      assert.doesNotMatch(compiledSource(optimizeJaxpr(jit(f).lower(operand, idx))), /P_gather/, `${label}: inline`);
    }
  }
  // fill mode keeps the eager kernel (out-of-range rows are NaN)
  const fill = (x: JArray, i: JArray) => gather(x, i, { mode: "fill" });
  const idx = cases[0]![1];
  same(jit(fill, { backend: "cpu" })(operand, idx), fill(operand, idx), "fill");
  assert.match(compiledSource(optimizeJaxpr(jit(fill).lower(operand, idx))), /P_gather/);
});

test("a loop body returning one fresh array as two carries: each carry gets its own storage before in-place updates", () => {
  // t is returned as both carries; the next step updates q in place, which must not reach p
  const body = (i: JArray, [p, q]: JArray[]): JArray[] => {
    const q2 = lax.dynamicUpdateSlice(q!, i.astype("float32").add(10).reshape([1]), [i32(0)]);
    const t = jnp.add(p!, q2);
    return [t, t];
  };
  const run = (p0: JArray, q0: JArray) => lax.foriLoop(0, 4, body, [p0, q0]) as JArray[];
  const [p0, q0] = [f32(8, 7, [8]), f32(8, 8, [8])];
  const want = run(p0, q0);
  jit(run, { backend: "cpu" })(p0, q0).forEach((v, k) => same(v, want[k]!, `carry ${k}`));
});
