// The dot_general kernel of compiled code: C[b, m, n] = Σ_k A[b, m, k] * B[b, k, n] over
// operands addressed by strides (so transposed operands need no copy), with C contiguous.
// Register-blocked: each 4x4 block of C is 16 double accumulators over one pass of k,
// reusing every loaded element of A and B four times (about 4x the eager kernel); the
// rows left over go in pairs (2x4 blocks: grouped-query attention's two heads per key)
// and singly (1x8 blocks: a matrix-vector product, 1.1-1.5x the 1x4 blocks it had).
// Sums run in double precision with k ascending, as in the eager kernel, so results are
// identical to it; unlike it, a zero in A times an infinity in B gives NaN (IEEE).
import type { TypedArray } from "../../core/dtype.js";

export type MatmulKernel = (
  A: TypedArray,
  aOff: number,
  aSb: number,
  aSm: number,
  aSk: number,
  B: TypedArray,
  bOff: number,
  bSb: number,
  bSk: number,
  bSn: number,
  C: TypedArray,
  nb: number,
  M: number,
  K: number,
  N: number,
) => void;

const acc = (rows: number, cols: number) => {
  const names: string[] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) names.push(`c${r}${c}`);
  return names;
};

/** A rows x cols block of C at (i, j): loads, multiply-adds and stores. */
function block(rows: number, cols: number): string {
  const cs = acc(rows, cols);
  const aLoads = Array.from({ length: rows }, (_, r) => `const a${r} = A[pa${r === 0 ? "" : ` + aSm${r}`}];`).join(" ");
  const bLoads = Array.from({ length: cols }, (_, c) => `const b${c} = B[pb${c === 0 ? "" : ` + bSn${c}`}];`).join(" ");
  const fmas = cs.map((n) => `${n} += a${n[1]} * b${n[2]};`).join(" ");
  const stores = Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => `C[o + ${r} * N + ${c}] = c${r}${c};`).join(" "),
  ).join("\n");
  return `{
    let ${cs.map((n) => `${n} = 0`).join(", ")};
    let pa = aBase + i * aSm, pb = bBase + j * bSn;
    for (let k = 0; k < K; k++) {
      ${aLoads} ${bLoads}
      ${fmas}
      pa += aSk; pb += bSk;
    }
    const o = cBase + i * N + j;
    ${stores}
  }`;
}

// Rows of C in groups of 4, then 2, then 1 (a matrix-vector product is all single rows);
// columns in groups of 4 (8 for single rows, where only 8 accumulators are live).
const rowsOf = (rows: number, wide: number) => `{
      let j = 0;
      ${wide > 4 ? `for (; j + ${wide - 1} < N; j += ${wide}) ${block(rows, wide)}` : ""}
      for (; j + 3 < N; j += 4) ${block(rows, 4)}
      for (; j < N; j++) ${block(rows, 1)}
    }`;

const SOURCE = `return function matmul(A, aOff, aSb, aSm, aSk, B, bOff, bSb, bSk, bSn, C, nb, M, K, N) {
  const aSm1 = aSm, aSm2 = 2 * aSm, aSm3 = 3 * aSm;
  ${Array.from({ length: 7 }, (_, c) => `const bSn${c + 1} = ${c + 1} * bSn;`).join(" ")}
  for (let b = 0; b < nb; b++) {
    const aBase = aOff + b * aSb, bBase = bOff + b * bSb, cBase = b * M * N;
    let i = 0;
    for (; i + 3 < M; i += 4) ${rowsOf(4, 4)}
    for (; i + 1 < M; i += 2) ${rowsOf(2, 4)}
    for (; i < M; i++) ${rowsOf(1, 8)}
  }
}`;

const kernels = new Map<string, MatmulKernel>();

/**
 * The kernel for these storage types. Each combination gets its own copy of the code, so
 * every element access in it sees one typed-array type and compiles to a direct load.
 */
export function matmulKernel(a: TypedArray, b: TypedArray, c: TypedArray): MatmulKernel {
  const key = `${a.constructor.name}|${b.constructor.name}|${c.constructor.name}`;
  let k = kernels.get(key);
  if (!k) {
    k = new Function(SOURCE)() as MatmulKernel;
    kernels.set(key, k);
  }
  return k;
}
