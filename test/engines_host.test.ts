// The primitives that jit's ONNX engine runs on the host (linalg decompositions, samplers,
// callbacks) or lowers with formulas of their own (special functions, nextafter, det), and
// 16-bit floats: eager, jit cpu and jit ort agree (values and, where differentiable,
// gradients), and the ort runs really ran sessions (no wholesale fallback to cpu).
import assert from "node:assert/strict";
import { test } from "node:test";
import { ortStats } from "../src/backends/ort/session.js";
import { allPrimitives } from "../src/core/primitive.js";
import { type Array as JArray, jit, numpy as jnp, lax, random, tree, valueAndGrad } from "../src/index.js";
import "../src/primitives/control_flow.js";
import "../src/primitives/cumulative.js";
import { debugCallback } from "../src/primitives/debug_callback.js";
import "../src/primitives/dynamic_slice.js";
import "../src/primitives/gather_scatter.js";
import * as L from "../src/primitives/linalg.js";
import "../src/primitives/sort.js";
import "../src/primitives/threefry.js";
import "../src/primitives/window_patches.js";
import "../src/random/fma.js";
import "../src/transforms/checkpoint.js";
import "../src/transforms/custom.js";
import { assertAllClose } from "./helpers.js";

type Fn = (...xs: JArray[]) => JArray;
const tol = { rtol: 1e-5, atol: 1e-6 };

test("every primitive declares an ONNX lowering or runs on the host", () => {
  const prims = allPrimitives();
  assert.ok(prims.length >= 100);
  for (const p of prims) assert.ok(typeof p.onnx === "function" || p.onnx === "host", `${p.name}: onnx is ${String(p.onnx)}`);
});

const spd = () =>
  jnp.array([
    [4, 1, 0.5],
    [1, 3, 0.2],
    [0.5, 0.2, 2],
  ]);
const general = () =>
  jnp.array([
    [2, -1, 0.5],
    [1, 3, 1],
    [0.3, 0.2, -2],
  ]);
const vec = (...v: number[]) => jnp.array(v);

/** name, function, args, whether to check gradients too. */
const corpus: [string, Fn, () => JArray[], boolean][] = [
  ["solve", (a, b) => jnp.sin(jnp.linalg.solve(a, b)).sum(), () => [general(), vec(1, 2, 3)], true],
  ["cholesky", (a) => jnp.tanh(jnp.linalg.cholesky(a.mul(2))).sum(), () => [spd()], true],
  [
    "eigh",
    (a) =>
      jnp.linalg
        .eigh(a.add(a.T))[0]
        .mul(vec(1, 2, 3))
        .sum(),
    () => [spd()],
    true,
  ],
  [
    "svd",
    (a) =>
      jnp.linalg
        .svd(jnp.cos(a), { computeUv: false })
        .mul(vec(3, 2, 1))
        .sum(),
    () => [general()],
    true,
  ],
  [
    "qr",
    (a) =>
      jnp.linalg
        .qr(a.mul(1.5), { mode: "r" })
        .mul(vec(1, -1, 2))
        .sum(),
    () => [general()],
    true,
  ],
  ["lu", (a) => L.lu(a.add(1))[0].sum(), () => [general()], false],
  ["det", (a) => jnp.linalg.det(a.mul(a)).add(jnp.linalg.det(a)), () => [general()], true],
  ["det_float64", (a) => jnp.linalg.det(a.astype("float64")).astype("float32"), () => [general()], false],
  ["pinv", (a) => jnp.exp(jnp.linalg.pinv(a)).sum(), () => [general()], true],
  [
    "triangular_solve",
    (a, b) => lax.linalg.triangularSolve(a, b, { leftSide: true, lower: true, transposeA: false, unitDiagonal: false }).sum(),
    () => [spd().add(jnp.eye(3)), jnp.arange(6).reshape([3, 2]).div(5)],
    true,
  ],
  ["erfc", (x) => lax.erfc(x.mul(2)).sum(), () => [vec(-1.2, 0.1, 0.7, 2.5)], true],
  [
    "erf_inv",
    (x) =>
      lax
        .erfInv(x)
        .mul(vec(1, 2, 3, 4))
        .sum(),
    () => [vec(-0.9, 0.1, 0.5, 0.999)],
    true,
  ],
  [
    "lgamma",
    (x) =>
      lax
        .lgamma(x)
        .mul(vec(1, 2, 3, 4, 5))
        .sum(),
    () => [vec(-2.5, 0.3, 1.7, 12.5, 3e7)],
    true,
  ],
  [
    "digamma",
    (x) =>
      lax
        .digamma(x)
        .mul(vec(1, 2, 3, 4))
        .sum(),
    () => [vec(-1.3, 0.2, 4.5, 25)],
    true,
  ],
  ["polygamma", (x) => lax.polygamma(2, x).sum(), () => [vec(0.5, 1.7, 9)], true],
  ["nextafter", (x, y) => lax.nextafter(x, y).mul(x), () => [vec(1, -2, 0, 3), vec(2, 0, -1, 3)], false],
  [
    "nextafter_float64",
    (x, y) => lax.nextafter(x.astype("float64"), y.astype("float64")).astype("float32"),
    () => [vec(1, 0), vec(0, 1)],
    false,
  ],
  ["gamma_sampler", (a) => random.gamma(random.key(0), a.add(1), { shape: [2, 3] }).sum(), () => [vec(0.5, 2, 7)], true],
  [
    "poisson_sampler",
    (l) =>
      random
        .poisson(random.key(1), l, { shape: [4, 3] })
        .astype("float32")
        .sum(),
    () => [vec(0.5, 4, 30)],
    false,
  ],
  // a scan whose body holds a host primitive runs on the host as a whole
  [
    "scan_with_host_body",
    (a) =>
      lax.scan(
        (c: JArray, x: JArray) => [c.add(jnp.linalg.det(a.mul(x))), c],
        jnp.zeros([]),
        vec(1, 2, 3).astype("float64").astype("float32"),
      )[0],
    () => [general()],
    false,
  ],
];

for (const [name, f, args, grads] of corpus) {
  test(`engines agree on ${name}: eager, jit cpu, jit ort${grads ? " (values and gradients)" : ""}`, () => {
    const xs = args();
    const g = grads ? valueAndGrad(f, { argnums: xs.map((_, i) => i) }) : f;
    const expected = (tree.leaves(g(...xs)) as JArray[]).map((l) => Array.from(l.dataSync()));
    for (const backend of ["cpu", "ort"] as const) {
      const runs = ortStats.sessionRuns;
      const got = tree.leaves(jit(g, { backend })(...xs)) as JArray[];
      if (backend === "ort") assert.ok(ortStats.sessionRuns > runs, `${name} did not run an onnxruntime session`);
      assert.equal(got.length, expected.length);
      got.forEach((v, i) => assertAllClose(Array.from(v.dataSync()), expected[i], tol, `${name} leaf ${i} on ${backend}`));
    }
  });
}

test("host equations run between sessions: a program with a decomposition in the middle", () => {
  const f = (a: JArray) => jnp.linalg.cholesky(a.mul(2)).sum().add(jnp.sin(a).sum());
  const a = spd();
  const runs = ortStats.sessionRuns;
  const host = ortStats.hostEquations;
  assertAllClose(jit(f, { backend: "ort" })(a), f(a).item(), tol);
  assert.equal(ortStats.sessionRuns - runs, 2, "a session before and one after the cholesky");
  assert.equal(ortStats.hostEquations - host, 1);
});

test("debug callbacks inside jit on ort run in program order, between sessions", () => {
  const seen: string[] = [];
  const f = (x: JArray) => {
    const y = jnp.sin(x);
    debugCallback(([v]) => seen.push(`y=${v!.dataSync()[0]!.toFixed(4)}`), [y]);
    const z = y.mul(3);
    debugCallback(([v]) => seen.push(`z=${v!.dataSync()[0]!.toFixed(4)}`), [z]);
    return z.add(1);
  };
  const x = vec(0.5);
  const runs = ortStats.sessionRuns;
  assertAllClose(jit(f, { backend: "ort" })(x), [3 * Math.sin(0.5) + 1], tol);
  assert.ok(ortStats.sessionRuns > runs);
  assert.deepEqual(seen, [`y=${Math.sin(0.5).toFixed(4)}`, `z=${(3 * Math.sin(0.5)).toFixed(4)}`]);
});

for (const dtype of ["float16", "bfloat16"] as const) {
  test(`${dtype} arithmetic, reductions and a matmul compute in float32 and round like the cpu engine`, () => {
    const a = jnp.arange(12).reshape([3, 4]).div(7).astype(dtype);
    const b = jnp.cos(jnp.arange(8).reshape([4, 2])).astype(dtype);
    const fns: [string, Fn][] = [
      ["arithmetic", (x) => x.mul(x).add(1).div(3).sub(jnp.sqrt(x))],
      ["exp_tanh_sum", (x) => jnp.tanh(jnp.exp(x.neg())).sum(1)],
      ["matmul", (x, y) => x.matmul(y!)],
      ["convert", (x) => x.astype("float32").mul(1.001).astype(dtype)],
    ];
    for (const [name, f] of fns) {
      const want = Array.from(f(a, b).dataSync());
      for (const backend of ["cpu", "ort"] as const) {
        const runs = ortStats.sessionRuns;
        const got = jit(f, { backend })(a, b);
        assert.equal(got.dtype, dtype);
        if (backend === "ort") assert.ok(ortStats.sessionRuns > runs, `${dtype} ${name} did not run on onnxruntime`);
        assertAllClose(
          Array.from(got.dataSync()),
          want,
          { rtol: dtype === "float16" ? 1e-3 : 8e-3, atol: 1e-3 },
          `${dtype} ${name} on ${backend}`,
        );
      }
    }
    // rounding to the 16-bit format matches the cpu engine bit for bit: ties to even, overflow, subnormals, NaN
    const edge = vec(1.00390625, 1.01171875, -1.00390625, 3.4e38, 1e-40, Number.NaN, 65519, 65520, 5.9604645e-8, 2.98e-8, 8.9e-8);
    const round = (x: JArray) => x.astype(dtype).mul(jnp.array(1, { dtype }));
    assert.deepEqual(Array.from(jit(round, { backend: "ort" })(edge).dataSync()), Array.from(round(edge).dataSync()));
    const loss = (x: JArray) => jnp.sin(x.astype("float32")).sum();
    const g = valueAndGrad(loss);
    const want = tree.leaves(g(a)) as JArray[];
    const got = tree.leaves(jit(g, { backend: "ort" })(a)) as JArray[];
    got.forEach((v, i) => assertAllClose(Array.from(v.dataSync()), Array.from(want[i]!.dataSync()), { rtol: 1e-3, atol: 1e-3 }));
  });
}

test("erf_inv, lgamma, digamma, nextafter and det lower to graph nodes and match eager at special points", () => {
  const pts = vec(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, -3, -2.5, 0.5, 1, 2, 1e-30, 1e8, -1e7 - 0.5);
  const unit = vec(Number.NaN, -1, 1, 0, -0, 0.25, -0.999999, 0.9999999, 1.5);
  const cases: [string, Fn, JArray[]][] = [
    ["lgamma", (x) => lax.lgamma(x), [pts]],
    ["digamma", (x) => lax.digamma(x), [pts]],
    ["lgamma float64", (x) => lax.lgamma(x.astype("float64")), [pts]],
    ["digamma float64", (x) => lax.digamma(x.astype("float64")), [pts]],
    ["erf_inv", (x) => lax.erfInv(x), [unit]],
    ["nextafter", (x, y) => lax.nextafter(x, y!), [pts, jnp.flip(pts)]],
    ["det", (a) => jnp.linalg.det(a), [jnp.stack([general(), spd()])]],
  ];
  for (const [name, f, xs] of cases) {
    const host = ortStats.hostEquations;
    const got = Array.from(jit(f, { backend: "ort" })(...xs).dataSync());
    assert.equal(ortStats.hostEquations, host, `${name} ran on the host`);
    const want = Array.from(f(...xs).dataSync());
    got.forEach((v, i) => {
      const w = want[i]!;
      if (Number.isNaN(w) || !Number.isFinite(w) || name.startsWith("nextafter"))
        assert.ok(Object.is(v, w) || v === w, `${name}[${i}]: ${v} vs ${w}`);
      else assert.ok(Math.abs(v - w) <= 1e-5 * Math.abs(w) + 1e-6, `${name}[${i}]: ${v} vs ${w}`);
    });
  }
});
