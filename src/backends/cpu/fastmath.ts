// Fast elementary functions for float32 results in compiled code. Each computes in double
// precision to about 1e-13 relative error, far below float32's half-ulp (3e-8), so once
// rounded to float32 the result equals the correctly rounded value except in the rare
// case where the exact value lies within 1e-13 of a rounding boundary (then it is one
// ulp off). Math.tanh and Math.exp, by comparison, are calls out of optimized code in V8
// and cost several times as much (exp is most of a decode step's softmax and SiLU).

// e^y = 2^(k/256) * e^r with k = round(y * 256/ln2), |r| <= ln2/512: a degree-4
// polynomial in r, times two table entries: 2^((k mod 256)/256) and 2^(floor(k/256) - 160).
const FRAC = new Float64Array(256);
for (let j = 0; j < 256; j++) FRAC[j] = 2 ** (j / 256);
const WHOLE = new Float64Array(320);
for (let j = 0; j < 320; j++) WHOLE[j] = 2 ** (j - 160);
const K_PER_Y = 256 / Math.LN2;
const Y_PER_K = Math.LN2 / 256;
/** k is offset by 160 * 256 so that it is non-negative for y > -110 (what float32 needs). */
const K_BIAS = 40960;

/** e^y for -110 < y < 110, to about 1e-15 relative. */
function expCore(y: number): number {
  const k = (y * K_PER_Y + (K_BIAS + 0.5)) | 0;
  const r = y - (k - K_BIAS) * Y_PER_K;
  const r2 = r * r;
  return FRAC[k & 255]! * WHOLE[k >> 8]! * (1 + r + r2 * (0.5 + r * (1 / 6) + r2 * (1 / 24)));
}

/**
 * e^x in double precision for |x| < 110, and 0 or Infinity beyond, where float32 results
 * built from it (e^x, 1 / (1 + e^-x)) are 0, 1 or Infinity anyway: the smallest float32
 * subnormal is e^-103.3, the largest float32 e^88.7. NaN stays NaN.
 */
export function expF32(x: number): number {
  if (x > -110 && x < 110) return expCore(x);
  return x > 0 ? Number.POSITIVE_INFINITY : Number.isNaN(x) ? x : 0;
}

/** tanh(x) for |x| < 22 through e^(2x), and its limits beyond (NaN stays NaN). */
export function tanhF32(x: number): number {
  const a = Math.abs(x);
  // tanh x = x - x^3/3 + O(x^5): exact to 1e-16 here, where (e - 1) would cancel
  if (a < 0.000244140625) return x * (1 - x * x * (1 / 3));
  if (a < 22) {
    const e = expCore(2 * x);
    return (e - 1) / (e + 1);
  }
  return x > 0 ? 1 : x < 0 ? -1 : x;
}
