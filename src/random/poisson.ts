// Poisson samples, as jax.random.poisson computes them: Knuth's multiplication method for
// rates below 10 and Hörmann's transformed rejection (PTRS) above.
//
// JAX runs each method as a while loop over the whole sample array; here one primitive runs
// the same loops in TypeScript, element by element, with the same keys and float32
// arithmetic (so they work under jit and vmap without control flow). As in JAX, a rejection
// sample is the candidate of the last iteration that accepted it, and iterations continue
// until every element of the array has accepted once. Samples agree with JAX's except
// where XLA's float32 log or lgamma, which are not correctly rounded, would flip a
// comparison that lands within an ulp of its boundary.
import { ArrayImpl, type ArrayLike, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { checkDType, type DType, isInteger, typedArrayFor } from "../core/dtype.js";
import { type BatchDim, definePrimitive, type Primitive, Zero } from "../core/primitive.js";
import { fmtShape } from "../core/shape.js";
import { bind1 } from "../core/trace.js";
import { asJax, broadcastTo } from "../numpy/coerce.js";
import { convertElementType } from "../primitives/elementwise.js";
import { moveBatchAxis } from "../primitives/rules.js";
import { lgamma64 } from "../primitives/special.js";
import { fma32 } from "./fma.js";
import { keyWords } from "./keys.js";
import { sampleShape } from "./params.js";
import { F32, type Key, splitAt, uniformAt } from "./scalar.js";

const f = Math.fround;

/** Knuth: count uniforms until their product drops below e^-lam (log-space, in float32). */
function knuth(key: Key, lam: Float32Array): Float64Array {
  const n = lam.length;
  const k = new Float64Array(n);
  const logProd = new Float32Array(n);
  const active = () => {
    for (let j = 0; j < n; j++) if (logProd[j]! > -lam[j]!) return true;
    return false;
  };
  let rng = key;
  while (active()) {
    const sub = splitAt(rng, 1);
    rng = splitAt(rng, 0);
    for (let j = 0; j < n; j++) {
      if (!(logProd[j]! > -lam[j]!)) continue;
      k[j]!++;
      logProd[j] = f(logProd[j]! + f(Math.log(uniformAt(sub, j, F32))));
    }
  }
  for (let j = 0; j < n; j++) k[j] = k[j]! - 1;
  return k;
}

/** Hörmann's PTRS, every element drawing from the same keys per iteration as JAX's loop. */
function rejection(key: Key, lam: Float32Array): Float64Array {
  const n = lam.length;
  const logLam = lam.map((l) => f(Math.log(l)));
  const b = lam.map((l) => fma32(f(2.53), f(Math.sqrt(l)), f(0.931)));
  const a = b.map((bj) => fma32(f(0.02483), bj, f(-0.059)));
  const invAlpha = b.map((bj) => f(f(1.1239) + f(f(1.1328) / f(bj - f(3.4)))));
  const vR = b.map((bj) => f(f(0.9277) - f(f(3.6224) / f(bj - 2))));
  const out = new Float64Array(n).fill(-1);
  const accepted = new Uint8Array(n);
  let remaining = n;
  let rng = key;
  while (remaining > 0) {
    const s0 = splitAt(rng, 1);
    const s1 = splitAt(rng, 2);
    rng = splitAt(rng, 0);
    for (let j = 0; j < n; j++) {
      const u = f(uniformAt(s0, j, F32) - 0.5);
      const v = uniformAt(s1, j, F32);
      const us = f(0.5 - Math.abs(u));
      const k = Math.floor(f(fma32(f(f(f(2 * a[j]!) / us) + b[j]!), u, lam[j]!) + f(0.43)));
      const s = f(Math.log(f(f(v * invAlpha[j]!) / f(f(a[j]! / f(us * us)) + b[j]!))));
      const t = f(fma32(k, logLam[j]!, -lam[j]!) - f(lgamma64(k + 1)));
      const accept1 = us >= f(0.07) && v <= vR[j]!;
      const reject = k < 0 || (us < f(0.013) && v > us);
      if (accept1 || (!reject && s <= t)) {
        out[j] = k;
        if (!accepted[j]) {
          accepted[j] = 1;
          remaining--;
        }
      }
    }
  }
  return out;
}

/** One key's samples: each method runs on the whole array, then each element picks its method. */
function poissonBlock(key: Key, lam: Float32Array): Float64Array {
  const useKnuth = (l: number) => Number.isNaN(l) || l < 10;
  const kn = knuth(
    key,
    lam.map((l) => (useKnuth(l) ? l : 0)),
  );
  const rj = rejection(
    key,
    lam.map((l) => (useKnuth(l) ? 1e5 : l)),
  );
  return kn.map((v, j) => (lam[j] === 0 ? 0 : useKnuth(lam[j]!) ? v : rj[j]!));
}

interface PoissonParams {
  dtype: DType;
}

export const randomPoissonP: Primitive<PoissonParams> = definePrimitive<PoissonParams>({
  name: "random_poisson",
  abstractEval([key, lam], { dtype }) {
    const kb = key!.shape.slice(0, -1);
    const ok =
      key!.dtype === "uint32" &&
      key!.shape[key!.ndim - 1] === 2 &&
      kb.length <= lam!.ndim &&
      kb.every((d, i) => d === lam!.shape[i]) &&
      lam!.dtype === "float32";
    if (!ok) {
      throw new TypeError(
        `random_poisson: expected uint32 keys of shape [...batch, 2] and float32 rates whose leading axes are that batch, ` +
          `got keys ${key!.dtype}${fmtShape(key!.shape)} and rates ${lam!.dtype}${fmtShape(lam!.shape)}.`,
      );
    }
    return [new ShapedArray(lam!.shape, dtype)];
  },
  impl([key, lam], params) {
    const [aval] = randomPoissonP.abstractEval([key!.aval, lam!.aval], params) as [ShapedArray];
    const keys = key!.data as Uint32Array;
    const rates = lam!.data as Float32Array;
    const nKeys = keys.length / 2;
    const per = nKeys === 0 ? 0 : rates.length / nKeys;
    const out = new Float64Array(rates.length);
    for (let b = 0; b < nKeys; b++) {
      out.set(poissonBlock([keys[2 * b]!, keys[2 * b + 1]!], rates.subarray(b * per, (b + 1) * per)), b * per);
    }
    const data = typedArrayFor(params.dtype, out.length);
    data.set(out);
    return [ArrayImpl.of(data, aval.shape, params.dtype)];
  },
  jvp([key, lam], _t, params) {
    const out = bind1(randomPoissonP, [key!, lam!], params);
    return [[out], [new Zero(out.aval)]];
  },
  transpose: null,
  batch(size: number, [key, lam]: JaxArray[], [kd, ld]: BatchDim[], params): [JaxArray[], BatchDim[]] {
    const k = moveBatchAxis(size, kd ?? null, 0, key!);
    const l = moveBatchAxis(size, ld ?? null, 0, lam!);
    return [[bind1(randomPoissonP, [k, l], params)], [0]];
  },
  printParams: (p) => `[dtype=${p.dtype}]`,
  // per-element rejection loops: run on the host under jit on ort
  onnx: "host",
});

export interface PoissonOpts {
  /** The sample shape (`lam` must broadcast to it); default: the shape of `lam`. */
  shape?: number | readonly number[];
  /** An integer dtype; int32 by default. */
  dtype?: DType;
}

/** Poisson(lam) samples (rates are taken as float32, as JAX does). */
export function poisson(k: JaxArray, lam: ArrayLike, opts: PoissonOpts = {}): JaxArray {
  const op = "random.poisson";
  keyWords("poisson", k);
  const dtype = opts.dtype === undefined ? "int32" : checkDType(op, opts.dtype);
  if (!isInteger(dtype)) throw new TypeError(`${op}: dtype must be an integer dtype, got ${dtype}.`);
  const rates = typeof lam === "number" ? ArrayImpl.scalar(lam, "float32") : convertElementType(asJax(lam, op), "float32");
  const s = sampleShape(op, opts.shape, rates.shape);
  return bind1(randomPoissonP, [k, broadcastTo(rates, s, op)], { dtype });
}
