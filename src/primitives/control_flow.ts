// Control flow primitives that hold sub-jaxprs: cond (switch), scan and while. Their
// rules transform the sub-jaxprs (jaxpr_transforms.ts), so loops are never unrolled.

import * as C from "../backends/ort/control_ops.js";
import { ArrayImpl, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import type { ClosedJaxpr } from "../core/jaxpr.js";
import { type BatchDim, definePrimitive, type Primitive, type Tangent, UndefPrimal, Zero } from "../core/primitive.js";
import { fmtShape, shapeEq, sizeOf } from "../core/shape.js";
import { bind } from "../core/trace.js";
import {
  batchJaxpr,
  callClosed,
  hasTangent,
  inAvalsOf,
  jaxprOf,
  jvpJaxpr,
  partialEvalJaxpr,
  transposeJaxpr,
} from "../transforms/jaxpr_transforms.js";
import type { PartialEvalTrace, PartialEvalTracer } from "../transforms/partial_eval.js";
import { convertElementType, gt, max, min, select, selectN } from "./elementwise.js";
import { reduceMax } from "./reduce.js";
import { addTangents, instantiate, moveBatchAxis } from "./rules.js";
import { broadcastInDim, fullLike } from "./shape_ops.js";

const avalsMatch = (a: ShapedArray, b: ShapedArray) => a.dtype === b.dtype && shapeEq(a.shape, b.shape);
const descr = (avals: readonly ShapedArray[]) => `(${avals.map((a) => `${a.dtype}${fmtShape(a.shape)}`).join(", ")})`;
const zeroOf = (a: ShapedArray) => fullLike(a, 0);
const scalarInt = (v: number) => ArrayImpl.scalar(v, "int32");

// =========================== cond ===========================
interface CondParams {
  branches: ClosedJaxpr[];
}

export const condP: Primitive<CondParams> = definePrimitive<CondParams>({
  name: "cond",
  abstractEval([index, ...ops], { branches }) {
    if (index!.dtype !== "int32" || index!.ndim !== 0)
      throw new TypeError(`cond: the branch index must be an int32 scalar, got ${index!.dtype}${fmtShape(index!.shape)}.`);
    const outs0 = branches[0]!.jaxpr.outAvals;
    for (const b of branches) {
      const ins = inAvalsOf(b);
      if (ins.length !== ops.length || !ins.every((a, i) => avalsMatch(a, ops[i]!))) {
        throw new TypeError(`cond: a branch takes ${descr(ins)} but the operands are ${descr(ops)}.`);
      }
      const outs = b.jaxpr.outAvals;
      if (outs.length !== outs0.length || !outs.every((a, i) => avalsMatch(a, outs0[i]!))) {
        throw new TypeError(`cond: branches must return the same types; got ${descr(outs0)} and ${descr(outs)}.`);
      }
    }
    return outs0.map(
      (a, i) =>
        new ShapedArray(
          a.shape,
          a.dtype,
          branches.every((b) => b.jaxpr.outAvals[i]!.weakType),
        ),
    );
  },
  impl([index, ...ops], { branches }) {
    const i = Math.min(Math.max(Number(index!.item()), 0), branches.length - 1);
    return callClosed(branches[i]!, ops) as ArrayImpl[];
  },
  jvp([index, ...ops], [, ...tangents], { branches }) {
    const jb = branches.map(jvpJaxpr);
    const tIns = ops.flatMap((o, i) => (hasTangent(o.aval) ? [instantiate(tangents[i] ?? new Zero(o.aval))] : []));
    const outs = bind(condP, [index!, ...ops, ...tIns], { branches: jb });
    const n = branches[0]!.jaxpr.outs.length;
    const primals = outs.slice(0, n);
    let k = n;
    const touts: Tangent[] = primals.map((p) => (hasTangent(p.aval) ? outs[k++]! : new Zero(p.aval)));
    return [primals, touts];
  },
  transpose(cts, [index, ...args], { branches }) {
    if (index instanceof UndefPrimal) throw new Error("cond: cannot transpose with respect to the branch index");
    const linear = args.map((a) => a instanceof UndefPrimal);
    const tb = branches.map((b) => transposeJaxpr(b, linear));
    const outAvals = branches[0]!.jaxpr.outAvals;
    const ctIns = cts.map((c, i) => (c instanceof Zero ? zeroOf(outAvals[i]!) : c));
    const nonlin = args.filter((a) => !(a instanceof UndefPrimal)) as JaxArray[];
    const res = bind(condP, [index as JaxArray, ...nonlin, ...ctIns], { branches: tb });
    let k = 0;
    return [null, ...args.map((a) => (a instanceof UndefPrimal ? res[k++]! : null))];
  },
  batch(size, [index, ...ops], [idim, ...dims], { branches }) {
    const moved = ops.map((o, i) => (dims[i] === null ? o : moveBatchAxis(size, dims[i]!, 0, o)));
    const batched = dims.map((d) => d !== null);
    if (idim !== null) {
      // A batched predicate: evaluate every branch for every example, then select.
      const outsPer = branches.map((b) => {
        const { jaxpr } = batchJaxpr(
          b,
          size,
          batched,
          b.jaxpr.outs.map(() => true),
        );
        return callClosed(jaxpr, moved);
      });
      const idx = moveBatchAxis(size, idim!, 0, index!);
      const clamped = max(min(idx, broadcastInDim(scalarInt(branches.length - 1), [size], [])), broadcastInDim(scalarInt(0), [size], []));
      const outs = outsPer[0]!.map((o, j) => {
        const which = broadcastInDim(clamped, o.shape, [0]);
        return selectN(
          which,
          outsPer.map((p) => p[j]!),
        );
      });
      return [outs, outs.map(() => 0)];
    }
    let force = branches[0]!.jaxpr.outs.map(() => false);
    for (const b of branches) force = force.map((f, i) => f || batchJaxpr(b, size, batched, force).outBatched[i]!);
    const nb = branches.map((b) => batchJaxpr(b, size, batched, force).jaxpr);
    const outs = bind(condP, [index!, ...moved], { branches: nb });
    return [outs, force.map((f): BatchDim => (f ? 0 : null))];
  },
  partialEval(trace: PartialEvalTrace, tracers: PartialEvalTracer[], { branches }) {
    const [index, ...ops] = tracers;
    const indexVal = trace.knownValue(index!);
    if (indexVal === null) return trace.stage(condP, tracers, { branches });
    const unknowns = ops.map((t) => trace.knownValue(t) === null);
    let outUk = branches[0]!.jaxpr.outs.map(() => false);
    for (const b of branches) {
      const pe = partialEvalJaxpr(b, unknowns, outUk);
      outUk = outUk.map((u, i) => u || pe.outUnknown[i]!);
    }
    const pes = branches.map((b) => partialEvalJaxpr(b, unknowns, outUk));
    const resAvals = pes.map((p) => p.known.jaxpr.outAvals.slice(p.known.jaxpr.outs.length - p.numRes));
    const nKnownOut = outUk.filter((u) => !u).length;
    // every known branch returns the residuals of all branches (zeros for the others')
    const knownBranches = pes.map((p, b) =>
      jaxprOf((xs) => {
        const outs = callClosed(p.known, xs);
        const res = resAvals.flatMap((avals, j) => (j === b ? outs.slice(nKnownOut) : avals.map(zeroOf)));
        return [...outs.slice(0, nKnownOut), ...res];
      }, inAvalsOf(p.known)),
    );
    const allRes = resAvals.flat();
    const knownIns = ops.filter((_, i) => !unknowns[i]).map((t) => trace.knownValue(t)!);
    const knownOuts = bind(condP, [indexVal, ...knownIns], { branches: knownBranches });
    const unkInAvals = ops.filter((_, i) => unknowns[i]).map((t) => t.aval);
    let offset = 0;
    const unknownBranches = pes.map((p, b) => {
      const start = offset;
      offset += resAvals[b]!.length;
      return jaxprOf(
        (xs) => callClosed(p.unknown, [...xs.slice(start, start + p.numRes), ...xs.slice(allRes.length)]),
        [...allRes, ...unkInAvals],
      );
    });
    const resTracers = knownOuts.slice(nKnownOut).map((r) => trace.pure(r) as PartialEvalTracer);
    const staged = trace.stage(condP, [index!, ...resTracers, ...ops.filter((_, i) => unknowns[i])], { branches: unknownBranches });
    let ki = 0;
    let ui = 0;
    return outUk.map((u) => (u ? staged[ui++]! : trace.pure(knownOuts[ki++]!)));
  },
  printParams: (p) => `[branches=(${p.branches.length} jaxprs)]`,
  onnx: C.cond,
});

// =========================== scan ===========================
export interface ScanParams {
  /** body: (consts, carry, x) -> (carry, y) */
  jaxpr: ClosedJaxpr;
  numConsts: number;
  numCarry: number;
  length: number;
  reverse: boolean;
}

function splitScan<T>(xs: readonly T[], p: { numConsts: number; numCarry: number }): [T[], T[], T[]] {
  return [xs.slice(0, p.numConsts), xs.slice(p.numConsts, p.numConsts + p.numCarry), xs.slice(p.numConsts + p.numCarry)];
}
const sliceAval = (a: ShapedArray) => new ShapedArray(a.shape.slice(1), a.dtype, a.weakType);
const stackAval = (a: ShapedArray, n: number) => new ShapedArray([n, ...a.shape], a.dtype, a.weakType);

function scanImpl(args: ArrayImpl[], p: ScanParams): ArrayImpl[] {
  const [consts, init, xs] = splitScan(args, p);
  const outAvals = p.jaxpr.jaxpr.outAvals;
  const yAvals = outAvals.slice(p.numCarry);
  const ys = yAvals.map((a) => ArrayImpl.zeros([p.length, ...a.shape], a.dtype, a.weakType));
  let carry: JaxArray[] = init;
  for (let step = 0; step < p.length; step++) {
    const i = p.reverse ? p.length - 1 - step : step;
    const xi = xs.map((x) => {
      const n = sizeOf(x.shape.slice(1));
      return new ArrayImpl(x.data.subarray(i * n, (i + 1) * n), sliceAval(x.aval));
    });
    const outs = callClosed(p.jaxpr, [...consts, ...carry, ...xi]) as ArrayImpl[];
    carry = outs.slice(0, p.numCarry);
    outs.slice(p.numCarry).forEach((y, j) => {
      ys[j]!.data.set(y.data, i * y.size);
    });
  }
  return [...(carry as ArrayImpl[]), ...ys];
}

export const scanP: Primitive<ScanParams> = definePrimitive<ScanParams>({
  name: "scan",
  abstractEval(avals, p) {
    const [consts, carry, xs] = splitScan(avals, p);
    for (const x of xs) {
      if (x.ndim === 0 || x.shape[0] !== p.length) {
        throw new Error(`scan: every scanned input needs a leading axis of length ${p.length}; got shape ${fmtShape(x.shape)}.`);
      }
    }
    const bodyIns = inAvalsOf(p.jaxpr);
    const expected = [...consts, ...carry, ...xs.map(sliceAval)];
    if (bodyIns.length !== expected.length || !bodyIns.every((a, i) => avalsMatch(a, expected[i]!))) {
      throw new TypeError(`scan: the body takes ${descr(bodyIns)} but gets ${descr(expected)}.`);
    }
    const outs = p.jaxpr.jaxpr.outAvals;
    const carryOut = outs.slice(0, p.numCarry);
    if (!carryOut.every((a, i) => avalsMatch(a, carry[i]!))) {
      throw new TypeError(`scan: the body must return a carry of the same types as its input: got ${descr(carryOut)} for ${descr(carry)}.`);
    }
    return [...carry, ...outs.slice(p.numCarry).map((a) => stackAval(a, p.length))];
  },
  impl: scanImpl,
  jvp(primals, tangents, p) {
    const [consts, carry, xs] = splitScan(primals, p);
    const [ct, kt, xt] = splitScan(tangents, p);
    const tan = (vals: JaxArray[], ts: Tangent[]) =>
      vals.flatMap((v, i) => (hasTangent(v.aval) ? [instantiate(ts[i] ?? new Zero(v.aval))] : []));
    const cT = tan(consts, ct);
    const kT = tan(carry, kt);
    const xT = tan(xs, xt);
    const body = p.jaxpr;
    const [bc, bk, bx] = splitScan(inAvalsOf(body), p);
    const tA = (as: ShapedArray[]) => as.filter(hasTangent);
    // body order: consts+constT | carry+carryT | x+xT
    const jbody = jaxprOf(
      (ins) => {
        let o = 0;
        const take = (n: number) => ins.slice(o, (o += n));
        const c = take(bc.length);
        const cTi = take(tA(bc).length);
        const k = take(bk.length);
        const kTi = take(tA(bk).length);
        const x = take(bx.length);
        const xTi = take(tA(bx).length);
        const jb = jvpJaxpr(body);
        const outs = callClosed(jb, [...c, ...k, ...x, ...cTi, ...kTi, ...xTi]);
        const nOut = body.jaxpr.outs.length;
        const prim = outs.slice(0, nOut);
        const touts = outs.slice(nOut);
        const floatIdx = prim.map((v, i) => (hasTangent(v.aval) ? i : -1)).filter((i) => i >= 0);
        const tOf = new Map(floatIdx.map((i, j) => [i, touts[j]!]));
        const carryT = prim.slice(0, p.numCarry).flatMap((v, i) => (hasTangent(v.aval) ? [tOf.get(i)!] : []));
        const ysT = prim.slice(p.numCarry).flatMap((v, i) => (hasTangent(v.aval) ? [tOf.get(p.numCarry + i)!] : []));
        return [...prim.slice(0, p.numCarry), ...carryT, ...prim.slice(p.numCarry), ...ysT];
      },
      [...bc, ...tA(bc), ...bk, ...tA(bk), ...bx, ...tA(bx)],
    );
    const nc = consts.length + cT.length;
    const nk = carry.length + kT.length;
    const outs = bind(scanP, [...consts, ...cT, ...carry, ...kT, ...xs, ...xT], { ...p, jaxpr: jbody, numConsts: nc, numCarry: nk });
    const carryOut = outs.slice(0, carry.length);
    const carryTOut = outs.slice(carry.length, nk);
    const ys = outs.slice(nk, nk + (body.jaxpr.outs.length - p.numCarry));
    const ysT = outs.slice(nk + ys.length);
    const fill = (vals: JaxArray[], ts: JaxArray[]) => {
      let j = 0;
      return vals.map((v): Tangent => (hasTangent(v.aval) ? ts[j++]! : new Zero(v.aval)));
    };
    return [
      [...carryOut, ...ys],
      [...fill(carryOut, carryTOut), ...fill(ys, ysT)],
    ];
  },
  transpose(cts, args, p) {
    const [consts, carry, xs] = splitScan(args, p);
    // Carries are linear; a carry whose initial value is a known constant (an instantiated
    // zero tangent) simply gets no cotangent, as in JAX.
    const body = p.jaxpr;
    const [bc, bk, bx] = splitScan(inAvalsOf(body), p);
    const cLin = consts.map((c) => c instanceof UndefPrimal);
    const xLin = xs.map((x) => x instanceof UndefPrimal);
    const ctCarry = cts.slice(0, p.numCarry).map((c, i) => (c instanceof Zero ? zeroOf(bk[i]!) : c));
    const yAvals = body.jaxpr.outAvals.slice(p.numCarry);
    const ctYs = cts.slice(p.numCarry).map((c, i) => (c instanceof Zero ? zeroOf(stackAval(yAvals[i]!, p.length)) : c));
    const knownConsts = consts.filter((_, i) => !cLin[i]) as JaxArray[];
    const knownXs = xs.filter((_, i) => !xLin[i]) as JaxArray[];
    const linConstAvals = bc.filter((_, i) => cLin[i]);
    const linear = [...cLin, ...bk.map(() => true), ...xLin];
    const tbody = transposeJaxpr(body, linear);
    // transposed body: consts = known consts | carry = (ct consts acc, ct carry) | xs = (known xs, ct ys)
    const kxAvals = bx.filter((_, i) => !xLin[i]);
    const tb = jaxprOf(
      (ins) => {
        let o = 0;
        const take = (n: number) => ins.slice(o, (o += n));
        const kc = take(knownConsts.length);
        const acc = take(linConstAvals.length);
        const ck = take(bk.length);
        const kx = take(kxAvals.length);
        const cy = take(yAvals.length);
        const res = callClosed(tbody, [...kc, ...kx, ...ck, ...cy]);
        const ctConsts = res.slice(0, linConstAvals.length);
        const ctCarryIn = res.slice(linConstAvals.length, linConstAvals.length + bk.length);
        const ctXs = res.slice(linConstAvals.length + bk.length);
        return [...acc.map((a, i) => addTangents(a, ctConsts[i]!) as JaxArray), ...ctCarryIn, ...ctXs];
      },
      [...bc.filter((_, i) => !cLin[i]), ...linConstAvals, ...bk, ...kxAvals, ...yAvals],
    );
    const outs = bind(scanP, [...knownConsts, ...linConstAvals.map(zeroOf), ...ctCarry, ...knownXs, ...ctYs], {
      jaxpr: tb,
      numConsts: knownConsts.length,
      numCarry: linConstAvals.length + bk.length,
      length: p.length,
      reverse: !p.reverse,
    });
    const ctConsts = outs.slice(0, linConstAvals.length);
    const ctInit = outs.slice(linConstAvals.length, linConstAvals.length + bk.length);
    const ctXs = outs.slice(linConstAvals.length + bk.length);
    let ci = 0;
    let xi = 0;
    return [
      ...consts.map((c) => (c instanceof UndefPrimal ? ctConsts[ci++]! : null)),
      ...carry.map((c, i) => (c instanceof UndefPrimal ? ctInit[i]! : null)),
      ...xs.map((x) => (x instanceof UndefPrimal ? ctXs[xi++]! : null)),
    ];
  },
  batch(size, args, dims, p) {
    const [cd, kd, xd] = splitScan(dims, p);
    const [consts, carry, xs] = splitScan(args, p);
    const constB = cd.map((d) => d !== null);
    const xB = xd.map((d) => d !== null);
    let carryB = kd.map((d) => d !== null);
    const nOut = p.jaxpr.jaxpr.outs.length;
    let res = batchJaxpr(p.jaxpr, size, [...constB, ...carryB, ...xB], [...carryB, ...new Array(nOut - p.numCarry).fill(false)]);
    for (;;) {
      const outCarryB = res.outBatched.slice(0, p.numCarry);
      if (outCarryB.every((b, i) => !b || carryB[i])) break;
      carryB = carryB.map((b, i) => b || outCarryB[i]!);
      res = batchJaxpr(p.jaxpr, size, [...constB, ...carryB, ...xB], [...carryB, ...new Array(nOut - p.numCarry).fill(false)]);
    }
    const mc = consts.map((c, i) => (cd[i] === null ? c : moveBatchAxis(size, cd[i]!, 0, c)));
    const mk = carry.map((c, i) => (carryB[i] ? moveBatchAxis(size, kd[i] ?? null, 0, c) : c));
    const mx = xs.map((x, i) => (xd[i] === null ? x : moveBatchAxis(size, xd[i]!, 1, x)));
    const outs = bind(scanP, [...mc, ...mk, ...mx], { ...p, jaxpr: res.jaxpr });
    const outDims: BatchDim[] = [...carryB.map((b) => (b ? 0 : null)), ...res.outBatched.slice(p.numCarry).map((b) => (b ? 1 : null))];
    return [outs, outDims];
  },
  partialEval(trace: PartialEvalTrace, tracers: PartialEvalTracer[], p: ScanParams) {
    const [consts, carry, xs] = splitScan(tracers, p);
    const uk = (t: PartialEvalTracer) => trace.knownValue(t) === null;
    const cU = consts.map(uk);
    const xU = xs.map(uk);
    let kU = carry.map(uk);
    const nYs = p.jaxpr.jaxpr.outs.length - p.numCarry;
    let pe = partialEvalJaxpr(p.jaxpr, [...cU, ...kU, ...xU], [...kU, ...new Array(nYs).fill(false)]);
    for (;;) {
      const outK = pe.outUnknown.slice(0, p.numCarry);
      if (outK.every((u, i) => !u || kU[i])) break;
      kU = kU.map((u, i) => u || outK[i]!);
      pe = partialEvalJaxpr(p.jaxpr, [...cU, ...kU, ...xU], [...kU, ...new Array(nYs).fill(false)]);
    }
    const yU = pe.outUnknown.slice(p.numCarry);
    const kv = (t: PartialEvalTracer) => trace.knownValue(t)!;
    const knownC = consts.filter((_, i) => !cU[i]).map(kv);
    const knownK = carry.filter((_, i) => !kU[i]).map(kv);
    const knownX = xs.filter((_, i) => !xU[i]).map(kv);
    // known scan: its residuals become extra stacked outputs
    const knownOuts = bind(scanP, [...knownC, ...knownK, ...knownX], {
      jaxpr: pe.known,
      numConsts: knownC.length,
      numCarry: knownK.length,
      length: p.length,
      reverse: p.reverse,
    });
    const nKnownYs = yU.filter((u) => !u).length;
    const kCarryOut = knownOuts.slice(0, knownK.length);
    const kYs = knownOuts.slice(knownK.length, knownK.length + nKnownYs);
    const residuals = knownOuts.slice(knownK.length + nKnownYs);
    // unknown scan: residuals are scanned inputs (xs) placed before the unknown xs
    const resAvals = pe.unknown.jaxpr.inAvals.slice(0, pe.numRes);
    const ukIns = inAvalsOf(pe.unknown).slice(pe.numRes);
    const nCu = cU.filter(Boolean).length;
    const nKu = kU.filter(Boolean).length;
    const ubody = jaxprOf(
      (ins) => {
        const c = ins.slice(0, nCu);
        const k = ins.slice(nCu, nCu + nKu);
        const r = ins.slice(nCu + nKu, nCu + nKu + pe.numRes);
        const x = ins.slice(nCu + nKu + pe.numRes);
        return callClosed(pe.unknown, [...r, ...c, ...k, ...x]);
      },
      [...ukIns.slice(0, nCu), ...ukIns.slice(nCu, nCu + nKu), ...resAvals, ...ukIns.slice(nCu + nKu)],
    );
    const resTracers = residuals.map((r) => trace.pure(r) as PartialEvalTracer);
    const staged = trace.stage(
      scanP,
      [...consts.filter((_, i) => cU[i]), ...carry.filter((_, i) => kU[i]), ...resTracers, ...xs.filter((_, i) => xU[i])],
      { jaxpr: ubody, numConsts: nCu, numCarry: nKu, length: p.length, reverse: p.reverse },
    );
    const sCarry = staged.slice(0, nKu);
    const sYs = staged.slice(nKu);
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    return [...kU.map((u) => (u ? sCarry[a++]! : trace.pure(kCarryOut[b++]!))), ...yU.map((u) => (u ? sYs[c++]! : trace.pure(kYs[d++]!)))];
  },
  printParams: (p) => `[length=${p.length} num_carry=${p.numCarry} num_consts=${p.numConsts} reverse=${p.reverse ? "True" : "False"}]`,
  onnx: C.scan,
});

// =========================== while ===========================
export interface WhileParams {
  cond: ClosedJaxpr;
  body: ClosedJaxpr;
  condNumConsts: number;
  bodyNumConsts: number;
}

export const whileP: Primitive<WhileParams> = definePrimitive<WhileParams>({
  name: "while",
  abstractEval(avals, p) {
    const carry = avals.slice(p.condNumConsts + p.bodyNumConsts);
    const pred = p.cond.jaxpr.outAvals;
    if (pred.length !== 1 || pred[0]!.dtype !== "bool" || pred[0]!.ndim !== 0) {
      throw new TypeError(`whileLoop: condFun must return a boolean scalar, got ${descr(pred)}.`);
    }
    const out = p.body.jaxpr.outAvals;
    if (out.length !== carry.length || !out.every((a, i) => avalsMatch(a, carry[i]!))) {
      throw new TypeError(`whileLoop: bodyFun must return a carry of the same types as its input: got ${descr(out)} for ${descr(carry)}.`);
    }
    return carry;
  },
  impl(args, p) {
    const cc = args.slice(0, p.condNumConsts);
    const bc = args.slice(p.condNumConsts, p.condNumConsts + p.bodyNumConsts);
    let carry: JaxArray[] = args.slice(p.condNumConsts + p.bodyNumConsts);
    while ((callClosed(p.cond, [...cc, ...carry])[0] as ArrayImpl).item()) carry = callClosed(p.body, [...bc, ...carry]);
    return carry as ArrayImpl[];
  },
  jvp(primals, tangents, p) {
    const cc = primals.slice(0, p.condNumConsts);
    const bc = primals.slice(p.condNumConsts, p.condNumConsts + p.bodyNumConsts);
    const carry = primals.slice(p.condNumConsts + p.bodyNumConsts);
    const bcT = bc.flatMap((v, i) => (hasTangent(v.aval) ? [instantiate(tangents[p.condNumConsts + i]!)] : []));
    const carryT = carry.flatMap((v, i) => (hasTangent(v.aval) ? [instantiate(tangents[p.condNumConsts + p.bodyNumConsts + i]!)] : []));
    const bodyIns = inAvalsOf(p.body);
    const bcAvals = bodyIns.slice(0, p.bodyNumConsts);
    const kAvals = bodyIns.slice(p.bodyNumConsts);
    const jb = jvpJaxpr(p.body);
    const tA = (as: ShapedArray[]) => as.filter(hasTangent);
    // new carry = (carry, carry tangents); new body consts = (consts, const tangents)
    const body = jaxprOf(
      (ins) => {
        let o = 0;
        const take = (n: number) => ins.slice(o, (o += n));
        const c = take(bcAvals.length);
        const cT = take(tA(bcAvals).length);
        const k = take(kAvals.length);
        const kT = take(tA(kAvals).length);
        const outs = callClosed(jb, [...c, ...k, ...cT, ...kT]);
        return outs;
      },
      [...bcAvals, ...tA(bcAvals), ...kAvals, ...tA(kAvals)],
    );
    const condAvals = inAvalsOf(p.cond);
    const cond = jaxprOf((ins) => callClosed(p.cond, ins.slice(0, condAvals.length)), [...condAvals, ...tA(kAvals)]);
    const outs = bind(whileP, [...cc, ...bc, ...bcT, ...carry, ...carryT], {
      cond,
      body,
      condNumConsts: p.condNumConsts,
      bodyNumConsts: bc.length + bcT.length,
    });
    const primOut = outs.slice(0, carry.length);
    const tOut = outs.slice(carry.length);
    let j = 0;
    return [primOut, primOut.map((v): Tangent => (hasTangent(v.aval) ? tOut[j++]! : new Zero(v.aval)))];
  },
  transpose: null,
  batch(size, args, dims, p) {
    const ncc = p.condNumConsts;
    const nbc = p.bodyNumConsts;
    const cB = dims.slice(0, ncc).map((d) => d !== null);
    const bB = dims.slice(ncc, ncc + nbc).map((d) => d !== null);
    let kB = dims.slice(ncc + nbc).map((d) => d !== null);
    for (;;) {
      const out = batchJaxpr(p.body, size, [...bB, ...kB], kB).outBatched;
      if (out.every((b, i) => !b || kB[i])) break;
      kB = kB.map((b, i) => b || out[i]!);
    }
    const predBatched = batchJaxpr(p.cond, size, [...cB, ...kB], [false]).outBatched[0]!;
    if (predBatched) kB = kB.map(() => true);
    const moved = args.map((a, i) => {
      const isCarry = i >= ncc + nbc;
      const want = isCarry ? kB[i - ncc - nbc]! : dims[i] !== null;
      return want ? moveBatchAxis(size, dims[i] ?? null, 0, a) : a;
    });
    const bodyB = batchJaxpr(p.body, size, [...bB, ...kB], kB).jaxpr;
    const condB = batchJaxpr(p.cond, size, [...cB, ...kB], [predBatched]).jaxpr;
    if (!predBatched) {
      const outs = bind(whileP, moved, { cond: condB, body: bodyB, condNumConsts: ncc, bodyNumConsts: nbc });
      return [outs, kB.map((b): BatchDim => (b ? 0 : null))];
    }
    // A batched predicate: loop while any example continues; finished examples keep their carry.
    const condAvals = inAvalsOf(condB);
    const anyCond = jaxprOf((ins) => {
      const pred = callClosed(condB, ins)[0]!;
      return [gt(reduceMax(convertElementType(pred, "int32"), [0]), scalarInt(0))];
    }, condAvals);
    const bodyAvals = inAvalsOf(bodyB);
    const selBody = jaxprOf(
      (ins) => {
        const cc = ins.slice(0, ncc);
        const bc = ins.slice(ncc, ncc + nbc);
        const k = ins.slice(ncc + nbc);
        const pred = callClosed(condB, [...cc, ...k])[0]!;
        const next = callClosed(bodyB, [...bc, ...k]);
        return next.map((n, i) => select(broadcastInDim(pred, n.shape, [0]), n, k[i]!));
      },
      [...condAvals.slice(0, ncc), ...bodyAvals],
    );
    const outs = bind(whileP, [...moved.slice(0, ncc), ...moved.slice(0, ncc), ...moved.slice(ncc)], {
      cond: anyCond,
      body: selBody,
      condNumConsts: ncc,
      bodyNumConsts: ncc + nbc,
    });
    return [outs, outs.map(() => 0)];
  },
  partialEval(trace: PartialEvalTrace, tracers: PartialEvalTracer[], p: WhileParams) {
    if (tracers.some((t) => trace.knownValue(t) === null)) {
      throw new Error(
        "Reverse-mode differentiation does not work for lax.whileLoop or lax.foriLoop with traced bounds: the number of " +
          "iterations is not known in advance. Use lax.scan, or lax.foriLoop with JS-number bounds (which becomes a scan); " +
          "forward mode (jvp, jacfwd) works.",
      );
    }
    return bind(
      whileP,
      tracers.map((t) => trace.knownValue(t)!),
      p,
    ).map((v) => trace.pure(v));
  },
  printParams: (p) => `[cond_nconsts=${p.condNumConsts} body_nconsts=${p.bodyNumConsts}]`,
  onnx: C.whileLoop,
});
