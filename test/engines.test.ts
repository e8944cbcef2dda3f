// The same programs on every engine: eager kernels, jit on the generated-JavaScript engine
// and jit on ONNX Runtime agree (values and gradients; float32 within 1e-5 relative).
import assert from "node:assert/strict";
import { test } from "node:test";
import { simdLoops } from "../src/backends/cpu/codegen.js";
import { type Array as JArray, jit, numpy as jnp, lax, ortAvailable, ortUnavailableReason, tree, valueAndGrad } from "../src/index.js";
import { COMPOSITES, type Fn } from "./composites.js";
import { arr, assertAllClose, get, loadFixture } from "./helpers.js";

const fx = loadFixture("composite_grads");
const tol = { rtol: 1e-5, atol: 1e-6 };

function argsOf(name: string): JArray[] {
  const args = get(fx, "cases", name, "args") as unknown[];
  return args.map((_, i) => arr(fx, "cases", name, "args", i));
}

const EXTRA: Record<string, [Fn, () => JArray[]]> = {
  scan_rnn: [
    (w, xs) => lax.scan((h: JArray, x: JArray) => [jnp.tanh(h.matmul(w).add(x)), h.sum()], jnp.zeros([3]), xs)[1].sum(),
    () => [jnp.arange(9).reshape([3, 3]).div(10), jnp.sin(jnp.arange(12).reshape([4, 3]))],
  ],
  cond_branches: [
    (x) =>
      lax.cond(
        x.sum().gt(0),
        (v: JArray) => jnp.sin(v).sum(),
        (v: JArray) => jnp.cos(v).sum(),
        x,
      ),
    () => [jnp.linspace(-1, 2, 5)],
  ],
  conv_pool: [
    (x, w) =>
      lax
        .reduceWindow(
          jnp.tanh(lax.convGeneralDilated(x, w, [1, 1], "SAME")),
          Number.NEGATIVE_INFINITY,
          "max",
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          "VALID",
        )
        .sum(),
    () => [jnp.sin(jnp.arange(2 * 2 * 6 * 6).reshape([2, 2, 6, 6])), jnp.cos(jnp.arange(3 * 2 * 3 * 3).reshape([3, 2, 3, 3]))],
  ],
};

test("onnxruntime-node is installed (CI installs it as an optional dependency)", () => {
  assert.ok(ortAvailable(), `onnxruntime-node did not load: ${ortUnavailableReason()}`);
});

const corpus: [string, Fn, () => JArray[]][] = [
  ...Object.entries(COMPOSITES).map(([n, f]): [string, Fn, () => JArray[]] => [n, f, () => argsOf(n)]),
  ...Object.entries(EXTRA).map(([n, [f, a]]): [string, Fn, () => JArray[]] => [n, f, a]),
];

// "cpu, SIMD from 4": the cpu engine with every fused loop of 4 elements or more (4 or
// more innermost) compiled to WebAssembly SIMD, as larger programs get them
const engines = [
  { label: "cpu", backend: "cpu", simdFrom: simdLoops.minElements },
  { label: "cpu, SIMD from 4", backend: "cpu", simdFrom: 4 },
  { label: "ort", backend: "ort", simdFrom: simdLoops.minElements },
] as const;
const simdBefore = simdLoops.compiled;

for (const [name, f, args] of corpus) {
  test(`engines agree on ${name}: eager, jit cpu (with and without SIMD loops), jit ort (values and gradients)`, () => {
    const xs = args();
    const vg = valueAndGrad(f, { argnums: xs.map((_, i) => i) });
    const eager = vg(...xs);
    const expected = (tree.leaves(eager) as JArray[]).map((l) => Array.from(l.dataSync()));
    const bar = simdLoops.minElements;
    for (const { label, backend, simdFrom } of engines) {
      simdLoops.minElements = simdFrom;
      try {
        assertAllClose(jit(f, { backend })(...xs), expected[0], tol, `${name} value on ${label}`);
        const got = tree.leaves(jit(vg, { backend })(...xs)) as JArray[];
        assert.equal(got.length, expected.length);
        got.forEach((g, i) => assertAllClose(Array.from(g.dataSync()), expected[i], tol, `${name} leaf ${i} on ${label}`));
      } finally {
        simdLoops.minElements = bar;
      }
    }
  });
}

test("the corpus ran through many SIMD loops", () => {
  assert.ok(simdLoops.compiled - simdBefore >= 50, `${simdLoops.compiled - simdBefore} SIMD loops`);
});
