// Fast elementary functions for float32 results in compiled code. Each computes in double
// precision to about 1e-13 relative error, far below float32's half-ulp (3e-8), so once
// rounded to float32 the result equals the correctly rounded value except in the rare
// case where the exact value lies within 1e-13 of a rounding boundary (then it is one
// ulp off). Math.tanh, by comparison, costs several times as much in V8.

// exp(y) = 2^(k/256) * e^r with k = round(y * 256/ln2), |r| <= ln2/512: a degree-4
// polynomial in r, times two table entries: 2^((k mod 256)/256) and 2^(floor(k/256) - 64).
const FRAC = new Float64Array(256);
for (let j = 0; j < 256; j++) FRAC[j] = 2 ** (j / 256);
const WHOLE = new Float64Array(128);
for (let j = 0; j < 128; j++) WHOLE[j] = 2 ** (j - 64);
const K_PER_Y = 256 / Math.LN2;
const Y_PER_K = Math.LN2 / 256;
/** k is offset by 64 * 256 so that it is non-negative for |y| < 44 (what tanh needs). */
const K_BIAS = 16384;

/** tanh(x) for |x| < 22 through e^(2x), and its limits beyond (NaN stays NaN). */
export function tanhF32(x: number): number {
  const a = Math.abs(x);
  // tanh x = x - x^3/3 + O(x^5): exact to 1e-16 here, where (e - 1) would cancel
  if (a < 0.000244140625) return x * (1 - x * x * (1 / 3));
  if (a < 22) {
    const y = 2 * x;
    const k = (y * K_PER_Y + (K_BIAS + 0.5)) | 0;
    const r = y - (k - K_BIAS) * Y_PER_K;
    const r2 = r * r;
    const e = FRAC[k & 255]! * WHOLE[k >> 8]! * (1 + r + r2 * (0.5 + r * (1 / 6) + r2 * (1 / 24)));
    return (e - 1) / (e + 1);
  }
  return x > 0 ? 1 : x < 0 ? -1 : x;
}
