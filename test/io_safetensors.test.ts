// src/io/safetensors.ts: bit-exact round trips of every dtype (16-bit floats included) with
// metadata, a file laid out by another writer (scripts/fixtures_io.py: unaligned tensors,
// 64-bit integers), float16/bfloat16 roundings equal to numpy's and ml_dtypes', the
// reference writer's layout, and the errors for corrupt files.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { ArrayImpl } from "../src/core/array.js";
import type { DType, Array as JArray } from "../src/index.js";
import { numpy as jnp } from "../src/index.js";
import * as safetensors from "../src/io/safetensors.js";
import { get, loadFixture } from "./helpers.js";

const fixture = loadFixture("io");

/** The raw storage of a concrete array (16-bit floats as their bits). */
const raw = (x: JArray): number[] => Array.from((x as ArrayImpl).data);

const fromBase64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));

function header(bytes: Uint8Array): Record<string, unknown> {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
}

test("every dtype round-trips bit for bit, with its shape and the metadata", () => {
  const vals = [0, 1.5, -2.25, 3.140625, 65504, 1e-7, -0.0, 7];
  const tensors: Record<string, JArray> = {};
  const dtypes: DType[] = ["float32", "float64", "float16", "bfloat16", "int32", "uint32", "int16", "uint16", "int8", "uint8", "bool"];
  for (const dt of dtypes) {
    const v =
      dt === "bool"
        ? vals.map((x) => x !== 0)
        : dt.startsWith("float") || dt === "bfloat16"
          ? vals
          : vals.map((x) => Math.trunc(Math.abs(x)));
    tensors[`t.${dt}`] = jnp.array(v, { dtype: dt }).reshape([2, 4]);
  }
  tensors.scalar = jnp.array(2.5);
  tensors.empty = jnp.zeros([0, 3]);
  const metadata = { config: JSON.stringify({ dim: 64 }), step: "1000" };
  const back = safetensors.load(safetensors.save(tensors, { metadata }));
  assert.deepEqual(back.metadata, metadata);
  assert.deepEqual(Object.keys(back.tensors).sort(), Object.keys(tensors).sort());
  for (const [name, x] of Object.entries(tensors)) {
    const y = back.tensors[name]!;
    assert.equal(y.dtype, x.dtype, name);
    assert.deepEqual([...y.shape], [...x.shape], name);
    assert.deepEqual(raw(y), raw(x), name);
  }
});

test("the layout matches the reference writer: by element size then name, 8-byte padded header", () => {
  const bytes = safetensors.save({
    b: jnp.array([1, 2], { dtype: "uint8" }),
    a: jnp.array([1, 2, 3], { dtype: "float16" }),
    c: jnp.array([1.5]),
  });
  const h = header(bytes);
  const hlen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(hlen % 8, 0);
  assert.deepEqual(h, {
    c: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
    a: { dtype: "F16", shape: [3], data_offsets: [4, 10] },
    b: { dtype: "U8", shape: [2], data_offsets: [10, 12] },
  });
  assert.deepEqual(Object.keys(h), ["c", "a", "b"]);
  assert.equal(bytes.length, 8 + hlen + 12);
  // the element bytes are little-endian float32 1.5
  assert.deepEqual([...bytes.subarray(8 + hlen, 8 + hlen + 4)], [0, 0, 0xc0, 0x3f]);
});

test("reads a file laid out by another writer: unaligned tensors, int64, bf16, metadata", () => {
  const st = get(fixture, "safetensors") as {
    bytes: string;
    metadata: Record<string, string>;
    tensors: Record<string, { shape: number[]; values: number[] }>;
  };
  const { tensors, metadata } = safetensors.load(fromBase64(st.bytes));
  assert.deepEqual(metadata, st.metadata);
  const dtypes: Record<string, DType> = {
    a_flag: "uint8",
    b_weight: "float32",
    c_ids: "int32",
    d_half: "float16",
    e_bf16: "bfloat16",
    f_scalar: "float64",
  };
  for (const [name, want] of Object.entries(st.tensors)) {
    const x = tensors[name]!;
    assert.equal(x.dtype, dtypes[name], name);
    assert.deepEqual([...x.shape], want.shape, name);
    assert.deepEqual(Array.from(x.dataSync()), want.values, name);
  }
});

test("float32 -> float16 / bfloat16 conversions give numpy's and ml_dtypes' bits", () => {
  const h = get(fixture, "halves") as { float32: (number | string)[]; float16Bits: number[]; bfloat16Bits: number[] };
  const x = jnp.array(h.float32.map(Number), { dtype: "float32" });
  const { tensors } = safetensors.load(safetensors.save({ f16: x.astype("float16"), bf16: x.astype("bfloat16") }));
  assert.deepEqual(raw(tensors.f16!), h.float16Bits);
  assert.deepEqual(raw(tensors.bf16!), h.bfloat16Bits);
});

test("saveFile / loadFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "jaxts-st-"));
  try {
    const path = join(dir, "w.safetensors");
    safetensors.saveFile({ w: jnp.arange(6).reshape([2, 3]) }, path, { metadata: { k: "v" } });
    const back = safetensors.loadFile(path);
    assert.deepEqual(back.tensors.w!.tolist(), [
      [0, 1, 2],
      [3, 4, 5],
    ]);
    assert.deepEqual(back.metadata, { k: "v" });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("corrupt files and unsupported values fail with a reason", () => {
  const good = safetensors.save({ w: jnp.ones([2, 2]) });
  assert.throws(() => safetensors.load(good.subarray(0, 4)), /shorter than the 8-byte header length/);
  assert.throws(() => safetensors.load(good.subarray(0, good.length - 1)), /cover 16 bytes but 15 follow the header/);
  const huge = good.slice();
  new DataView(huge.buffer).setBigUint64(0, 10n ** 12n, true);
  assert.throws(() => safetensors.load(huge), /exceeds the format's limit/);
  const make = (h: unknown, data = 0) => {
    const text = new TextEncoder().encode(JSON.stringify(h));
    const out = new Uint8Array(8 + text.length + data);
    new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
    out.set(text, 8);
    return out;
  };
  assert.throws(
    () => safetensors.load(make({ w: { dtype: "F32", shape: [2], data_offsets: [0, 4] } }, 4)),
    /needs 8 bytes, its data_offsets span 4/,
  );
  assert.throws(
    () => safetensors.load(make({ w: { dtype: "F8_E4M3", shape: [2], data_offsets: [0, 2] } }, 2)),
    /dtype F8_E4M3, which jaxts cannot hold/,
  );
  const minusOne = make({ w: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, 8).fill(0xff, -8);
  assert.deepEqual(safetensors.load(minusOne).tensors.w!.tolist(), [-1]);
  const big = make({ w: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, 8);
  new DataView(big.buffer).setBigInt64(big.length - 8, 2n ** 40n, true);
  assert.throws(() => safetensors.load(big), /holds 1099511627776 at flat index 0, which does not fit in int32/);
  assert.throws(
    () =>
      safetensors.load(
        make({ a: { dtype: "U8", shape: [2], data_offsets: [0, 2] }, b: { dtype: "U8", shape: [2], data_offsets: [1, 3] } }, 3),
      ),
    /gap or overlap/,
  );
  assert.throws(
    () => safetensors.save({ w: jnp.ones([2]) }, { metadata: { n: 3 as unknown as string } }),
    /metadata values must be strings/,
  );
});
