// Golden tests (test/fixtures/numpy2_dtypes.json, from scripts/fixtures_numpy2.py) for
// src/numpy/dtype_info.ts: promotion, casting rules, iinfo/finfo and kind tests, checked
// against JAX/numpy for every pair of jaxts dtypes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { numpy as jnp } from "../src/index.js";
import * as D from "../src/numpy/dtype_info.js";
import type { DType } from "../src/numpy/index.js";

interface Case {
  name: string;
  fn: string;
  args: any[];
  kw: any;
  out: { json: unknown };
}
const cases = (JSON.parse(readFileSync(new URL("../../test/fixtures/numpy2_dtypes.json", import.meta.url), "utf8")) as { cases: Case[] })
  .cases;

const SNAKE: Record<string, string> = { smallest_normal: "smallestNormal", smallest_subnormal: "smallestSubnormal" };

function run(c: Case): unknown {
  const a = c.args.map((x) => (x !== null && typeof x === "object" && "arr" in x ? jnp.zeros([1], { dtype: x.arr as DType }) : x));
  switch (c.fn) {
    case "promoteTypes":
      return D.promoteTypes(a[0], a[1]);
    case "resultType":
      return D.resultType(...a);
    case "canCast":
      return D.canCast(a[0], a[1], c.kw);
    case "iinfo": {
      const i = D.iinfo(a[0]);
      return { bits: i.bits, min: i.min, max: i.max };
    }
    case "finfo": {
      const f = D.finfo(a[0]) as unknown as Record<string, number>;
      return Object.fromEntries(Object.keys(c.out.json as object).map((k) => [k, f[SNAKE[k] ?? k]]));
    }
    case "issubdtype":
      return D.issubdtype(a[0], a[1]);
    case "isdtype":
      return D.isdtype(a[0], a[1]);
    default:
      throw new Error(`no binding for ${c.fn}`);
  }
}

// one test per function (the fixture has hundreds of tiny cases)
for (const fn of [...new Set(cases.map((c) => c.fn))]) {
  test(`numpy2_dtypes: ${fn}`, () => {
    for (const c of cases.filter((k) => k.fn === fn)) assert.deepEqual(run(c), c.out.json, c.name);
  });
}

test("numpy2_dtypes: errors", () => {
  assert.throws(() => D.iinfo("float32"), /finfo/);
  assert.throws(() => D.finfo("int8"), /iinfo/);
  assert.throws(() => D.canCast("int8", "int16", { casting: "bad" as never }), /casting/);
});
