// The numeric kernels behind compiled code: the float32 tanh and the strided matmul.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tanhF32 } from "../src/backends/cpu/fastmath.js";
import { batchedMatmul } from "../src/backends/cpu/kernels.js";
import { matmulKernel } from "../src/backends/cpu/matmul.js";

test("tanhF32: within one float32 ulp of Math.tanh, and almost always the same float32", () => {
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  let differ = 0;
  let n = 0;
  // every 257th float32 bit pattern: all magnitudes, both signs, subnormals, NaN, infinities
  for (let b = 0; b < 0x100000000; b += 257 * 65) {
    bits[0] = b;
    const x = f[0]!;
    const got = Math.fround(tanhF32(x));
    const want = Math.fround(Math.tanh(x));
    n++;
    if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))) continue;
    differ++;
    const ulp = Math.abs(Math.fround(want * (1 + 2 ** -23)) - want) || 2 ** -149;
    assert.ok(Math.abs(got - want) <= ulp, `tanhF32(${x}) = ${got}, Math.tanh gives ${want}`);
  }
  assert.ok(n > 250000);
  assert.ok(differ <= n * 1e-4, `${differ} of ${n} differ`);
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
