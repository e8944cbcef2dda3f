// jaxts.nn.initializers against real JAX (test/fixtures/nn_initializers.json from
// scripts/fixtures_nn.py): the same key gives the same values, for every initializer,
// several shapes (matrices, convolution kernels, batched weights), axes and dtypes.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DType, Array as JArray } from "../src/index.js";
import { jit, numpy as jnp, vmap } from "../src/index.js";
import * as nn from "../src/nn/index.js";
import type { Initializer } from "../src/nn/initializers.js";
import * as random from "../src/random/index.js";
import { get, loadFixture } from "./helpers.js";
import { assertCloseNF, type Kwargs } from "./nn_helpers.js";

const fixture = loadFixture("nn_initializers");
const TOL = { rtol: 1e-5, atol: 1e-6 };
const init = nn.initializers;

interface InitCase {
  init: string;
  args: unknown[];
  kwargs: Kwargs;
  seed: number;
  shape: number[];
  dtype: DType | null;
  out: unknown;
}

function factory(c: InitCase): Initializer {
  const [a0, a1, a2] = c.args as [any, any, any];
  const kw = c.kwargs;
  switch (c.init) {
    case "zeros":
      return init.zeros;
    case "ones":
      return init.ones;
    case "constant":
      return init.constant(a0, kw);
    case "uniform":
      return init.uniform(a0, kw);
    case "normal":
      return init.normal(a0, kw);
    case "truncatedNormal":
      return init.truncatedNormal(a0, kw);
    case "varianceScaling":
      return init.varianceScaling(a0, a1, a2, kw);
    case "glorotUniform":
    case "glorotNormal":
    case "lecunUniform":
    case "lecunNormal":
    case "heUniform":
    case "heNormal":
      return init[c.init](kw);
    default:
      throw new Error(`no jaxts initializer for ${c.init}`);
  }
}

const cases = get(fixture, "cases") as InitCase[];
cases.forEach((c, i) => {
  const label = `${c.init}(${c.args.map((a) => JSON.stringify(a)).join(", ")}${Object.keys(c.kwargs).length ? `, ${JSON.stringify(c.kwargs)}` : ""})`;
  test(`nn.initializers.${label} at key ${c.seed}, shape [${c.shape}]${c.dtype ? `, ${c.dtype}` : ""} matches JAX`, () => {
    const f = factory(c);
    const out = f(random.key(c.seed), c.shape, c.dtype ?? undefined);
    assertCloseNF(out, c.out, TOL, `case ${i}: ${label}`);
  });
});

test("the aliases are the same initializers", () => {
  assert.equal(init.xavierUniform, init.glorotUniform);
  assert.equal(init.xavierNormal, init.glorotNormal);
  assert.equal(init.kaimingUniform, init.heUniform);
  assert.equal(init.kaimingNormal, init.heNormal);
});

test("initializers work under jit and vmap over keys", () => {
  const c = cases.find((x) => x.init === "glorotUniform")!;
  const f = init.glorotUniform();
  const jitted = jit((k: JArray) => f(k, c.shape));
  assertCloseNF(jitted(random.key(c.seed)), c.out, TOL, "jit(glorotUniform)");
  const keys = jnp.stack([random.key(c.seed), random.key(c.seed + 100)]);
  const batch = vmap((k: JArray) => f(k, c.shape))(keys);
  assert.deepEqual(batch.shape, [2, ...c.shape]);
  assertCloseNF(batch.get(0), c.out, TOL, "vmap(glorotUniform)[0]");
});

test("varianceScaling: statistics follow the requested variance", () => {
  // he_normal on [400, 300]: variance 2 / 400
  const w = init.heNormal()(random.key(1), [400, 300]);
  const v = jnp.mean(jnp.square(w)).item() as number;
  assert.ok(Math.abs(v - 2 / 400) < 0.05 * (2 / 400), `variance ${v}`);
  assert.ok((jnp.max(jnp.abs(w)).item() as number) <= (2 * Math.sqrt(2 / 400)) / 0.87962566103423978 + 1e-6);
  assert.deepEqual(nn.initializers.computeFans([3, 3, 16, 32]), [144, 288]);
});

test("errors name the initializer and the fix", () => {
  assert.throws(
    () => init.glorotNormal()(random.key(0), [5]),
    /varianceScaling: cannot compute the input and output sizes of a 1-dimensional/,
  );
  assert.throws(() => init.varianceScaling(1, "fan_sum" as "fan_in", "normal"), /invalid mode "fan_sum"/);
  assert.throws(() => init.varianceScaling(1, "fan_in", "cauchy" as "normal"), /invalid distribution "cauchy"/);
});
