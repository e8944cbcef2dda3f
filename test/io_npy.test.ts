// src/io/npy.ts against numpy (test/fixtures/io.json from scripts/fixtures_io.py): reads
// files numpy.save wrote (every dtype, Fortran order, big-endian, 64-bit integers, empty
// and long shapes) and writes byte-identical files for the dtypes jaxts has.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { DType } from "../src/index.js";
import { numpy as jnp } from "../src/index.js";
import * as npy from "../src/io/npy.js";
import { get, loadFixture } from "./helpers.js";

interface NpyCase {
  name: string;
  bytes: string;
  dtype: DType;
  shape: number[];
  values: (number | boolean)[];
  exact: boolean;
}
const cases = get(loadFixture("io"), "npy") as NpyCase[];
const fromBase64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));

test("reads every file numpy wrote", () => {
  for (const c of cases) {
    const x = npy.load(fromBase64(c.bytes));
    assert.equal(x.dtype, c.dtype, c.name);
    assert.deepEqual([...x.shape], c.shape, c.name);
    const vals = Array.from(x.dataSync(), (v) => (c.dtype === "bool" ? v !== 0 : v));
    assert.deepEqual(vals, c.values, c.name);
  }
});

test("writes the bytes numpy writes", () => {
  for (const c of cases.filter((k) => k.exact)) {
    const x = jnp.array(c.values, { dtype: c.dtype }).reshape(c.shape);
    assert.deepEqual(Buffer.from(npy.save(x)).toString("base64"), c.bytes, c.name);
  }
});

test("round trip through a file", () => {
  const dir = mkdtempSync(join(tmpdir(), "jaxts-npy-"));
  try {
    const path = join(dir, "x.npy");
    const x = jnp.arange(12).astype("int16").reshape([3, 4]);
    npy.saveFile(x, path);
    const y = npy.loadFile(path);
    assert.equal(y.dtype, "int16");
    assert.deepEqual(y.tolist(), x.tolist());
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("bfloat16, corrupt and unsupported files fail with a reason", () => {
  assert.throws(() => npy.save(jnp.ones([2], { dtype: "bfloat16" })), /no type code for bfloat16/);
  assert.throws(() => npy.load(new Uint8Array(12)), /magic string/);
  const good = npy.save(jnp.ones([4]));
  assert.throws(() => npy.load(good.subarray(0, good.length - 1)), /holds 15 bytes, 16 needed/);
  const complex = good.slice();
  complex.set(Buffer.from("<c8"), Buffer.from(complex).indexOf("<f4"));
  assert.throws(() => npy.load(complex), /unsupported dtype '<c8'/);
  const tooLarge = npy.save(jnp.array([1, 2], { dtype: "uint32" }));
  tooLarge.set(Buffer.from("<i8"), Buffer.from(tooLarge).indexOf("<u4"));
  tooLarge.set(Buffer.from("'shape': (1,)"), Buffer.from(tooLarge).indexOf("'shape': (2,)"));
  assert.throws(() => npy.load(tooLarge), /holds 8589934593 at flat index 0, which does not fit in int32/);
});
