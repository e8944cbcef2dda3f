// The autodiff API: jvp, linearize, vjp, grad, valueAndGrad (pytrees in and out).
import { ArrayImpl, JaxArray } from "../core/array.js";
import { isFloat } from "../core/dtype.js";
import { evalJaxpr } from "../core/jaxpr.js";
import { type Tangent, Zero } from "../core/primitive.js";
import { fmtShape } from "../core/shape.js";
import { flatten, type TreeDef, unflatten } from "../core/tree.js";
import { instantiate } from "../primitives/rules.js";
import { flattenArrays, flattenOutputs, normArgnums } from "./args.js";
import { jvpFlat } from "./jvp.js";
import { linearizeFlat, vjpFlat } from "./linearize.js";

type Fn = (...args: any[]) => any;

/** Forward-mode: [f(primals), J·tangents]; primals and tangents are lists of pytrees. */
export function jvp(f: Fn, primals: readonly unknown[], tangents: readonly unknown[]): [any, any] {
  if (!Array.isArray(primals) || !Array.isArray(tangents)) {
    throw new TypeError("jvp: primals and tangents must be arrays with one entry per argument of f, as in jvp(f, [x], [t]).");
  }
  const [ps, pdef] = flattenArrays("jvp", primals, true, "each primal");
  const [ts, tdef] = flattenArrays("jvp", tangents, true, "each tangent");
  if (!pdef.equals(tdef)) throw new Error(`jvp: primals have structure ${pdef} but tangents have ${tdef}; they must match.`);
  ps.forEach((p, i) => {
    const t = ts[i]!;
    if ((p.dtype !== t.dtype && isFloat(p.dtype)) || fmtShape(p.shape) !== fmtShape(t.shape)) {
      throw new TypeError(
        `jvp: primal ${p.dtype}${fmtShape(p.shape)} and tangent ${t.dtype}${fmtShape(t.shape)} (leaf ${i}) must have equal shapes and dtypes.`,
      );
    }
  });
  let outDef: TreeDef | undefined;
  const fFlat = (xs: JaxArray[]) => {
    const [outs, def] = flattenOutputs("jvp", f(...(unflatten(pdef, xs) as unknown[])));
    outDef = def;
    return outs;
  };
  const [outs, touts] = jvpFlat(fFlat, ps, ts);
  return [unflatten(outDef!, outs), unflatten(outDef!, touts)];
}

/** [f(...primals), fLin] where fLin(...tangents) is the JVP at the primals, evaluated from a stored linear jaxpr. */
export function linearize(f: Fn, ...primals: unknown[]): [any, (...tangents: unknown[]) => any] {
  const [ps, pdef] = flattenArrays("linearize", primals, true, "each primal");
  let outDef: TreeDef | undefined;
  const fFlat = (xs: JaxArray[]) => {
    const [outs, def] = flattenOutputs("linearize", f(...(unflatten(pdef, xs) as unknown[])));
    outDef = def;
    return outs;
  };
  const lin = linearizeFlat(fFlat, ps);
  const fLin = (...tangents: unknown[]) => {
    const [ts, tdef] = flattenArrays("linearize", tangents, true, "each tangent");
    if (!tdef.equals(pdef)) throw new Error(`linearize: tangents have structure ${tdef}, expected ${pdef}.`);
    const outs = evalJaxpr(lin.jaxpr, [...lin.consts, ...ts.filter((_, i) => lin.differentiable[i])]);
    return unflatten(outDef!, outs);
  };
  return [unflatten(outDef!, lin.primalsOut), fLin];
}

/** [f(...primals), vjpFn] where vjpFn(ct) gives one cotangent per primal (an array). */
export function vjp(f: Fn, ...primals: unknown[]): [any, (ct: unknown) => any[]] {
  const [ps, pdef] = flattenArrays("vjp", primals, true, "each primal");
  let outDef: TreeDef | undefined;
  const fFlat = (xs: JaxArray[]) => {
    const [outs, def] = flattenOutputs("vjp", f(...(unflatten(pdef, xs) as unknown[])));
    outDef = def;
    return outs;
  };
  const [outs, fVjp] = vjpFlat(fFlat, ps);
  const vjpFn = (ct: unknown): any[] => {
    const [cts, cdef] = flattenArrays("vjp", ct, true, "the cotangent");
    if (!cdef.equals(outDef!)) throw new Error(`vjp: the cotangent has structure ${cdef} but the output has ${outDef}.`);
    cts.forEach((c, i) => {
      if (fmtShape(c.shape) !== fmtShape(outs[i]!.shape)) {
        throw new Error(
          `vjp: cotangent leaf ${i} has shape ${fmtShape(c.shape)} but the output leaf has shape ${fmtShape(outs[i]!.shape)}.`,
        );
      }
    });
    const res = fVjp(cts).map((t, i) => materialize(t, ps[i]!));
    return unflatten(pdef, res) as any[];
  };
  return [unflatten(outDef!, outs), vjpFn];
}

function materialize(t: Tangent, like: JaxArray): JaxArray {
  const x = instantiate(t instanceof Zero ? new Zero(like.aval) : t);
  return x;
}

export interface GradOpts {
  argnums?: number | readonly number[];
  hasAux?: boolean;
  /** Allow integer inputs (their gradient is zero), like JAX's allow_int. */
  allowInt?: boolean;
}

/** valueAndGrad(f)(...args) = [f(...args), ∇f]; with hasAux f returns [value, aux]. */
export function valueAndGrad(f: Fn, opts: GradOpts = {}): (...args: any[]) => any {
  const name = opts.hasAux ? "valueAndGrad (hasAux)" : "grad";
  return (...args: any[]) => {
    const nums = normArgnums(name, opts.argnums, args.length);
    const diffArgs = nums.map((i) => args[i]);
    const [leaves, def] = flattenArrays("grad", diffArgs, true, "a differentiated argument");
    leaves.forEach((l, i) => {
      if (!isFloat(l.dtype) && !opts.allowInt) {
        throw new TypeError(
          `grad requires real-valued (floating-point) inputs, but argument ${nums[0]} has a leaf (${i}) of dtype ${l.dtype}. ` +
            "Differentiate with respect to float arrays (use .astype('float32')), or pass {allowInt: true} for a zero gradient.",
        );
      }
    });
    let auxDef: TreeDef | undefined;
    let auxOther: unknown[] = [];
    let auxArrayIdx: number[] = [];
    const fFlat = (xs: JaxArray[]): JaxArray[] => {
      const tree = unflatten(def, xs) as unknown[];
      const call = [...args];
      nums.forEach((n, k) => {
        call[n] = tree[k];
      });
      const res = f(...call);
      let val: unknown = res;
      let auxLeaves: JaxArray[] = [];
      if (opts.hasAux) {
        if (!Array.isArray(res) || res.length !== 2) throw new TypeError("grad with hasAux: f must return a pair [value, aux].");
        val = res[0];
        const [al, ad] = flatten(res[1]);
        auxDef = ad;
        auxArrayIdx = al.flatMap((l, i) => (l instanceof JaxArray ? [i] : []));
        auxOther = al;
        auxLeaves = auxArrayIdx.map((i) => al[i] as JaxArray);
      }
      const [outs] = flattenOutputs("grad", val);
      if (outs.length !== 1) throw new TypeError(`grad requires f to return a single scalar, got a pytree with ${outs.length} leaves.`);
      const out = outs[0]!;
      if (out.ndim !== 0) {
        throw new TypeError(
          `grad requires a scalar output (shape []), got shape ${fmtShape(out.shape)}. Reduce it (e.g. jnp.sum) or use vjp / jacrev for non-scalar outputs.`,
        );
      }
      if (!isFloat(out.dtype)) throw new TypeError(`grad requires a real-valued (float) output, got dtype ${out.dtype}.`);
      return [out, ...auxLeaves];
    };
    const [outs, fVjp] = vjpFlat(fFlat, leaves);
    const value = outs[0]!;
    const cts: Tangent[] = [ArrayImpl.scalar(1, value.dtype, value.weakType), ...outs.slice(1).map((o) => new Zero(o.aval))];
    const grads = fVjp(cts).map((t, i) => materialize(t, leaves[i]!));
    const gtree = unflatten(def, grads) as unknown[];
    const g = typeof opts.argnums === "object" ? gtree : gtree[0];
    if (!opts.hasAux) return [value, g];
    const auxVals = [...auxOther];
    auxArrayIdx.forEach((j, k) => {
      auxVals[j] = outs[1 + k];
    });
    return [[value, unflatten(auxDef!, auxVals)], g];
  };
}

/** grad(f)(...args) = ∇f at args with respect to argnums (default 0). */
export function grad(f: Fn, opts: GradOpts = {}): (...args: any[]) => any {
  const vg = valueAndGrad(f, opts);
  return (...args: any[]) => {
    const [v, g] = vg(...args);
    return opts.hasAux ? [g, v[1]] : g;
  };
}

/** linearTranspose(f, ...primals): the transpose of the linear function f, as ct => input cotangents. */
export function linearTranspose(f: Fn, ...primals: unknown[]): (ct: unknown) => any[] {
  const [, fT] = vjp(f, ...primals);
  return fT;
}
