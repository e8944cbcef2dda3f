// The Llama example's command line end to end on a tiny model and text: train (plain
// progress lines when piped, a checkpoint), sample (seeded: the same text twice), export to
// llama2.c and import back (the imported model samples the same greedy text).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const CLI = new URL("../examples/llama/cli.js", import.meta.url).pathname;
const run = (...args: string[]) =>
  execFileSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });

test("train, sample, export and import from the command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "jaxts-llama-cli-"));
  try {
    const data = join(dir, "text.txt");
    writeFileSync(data, "the cat sat on the mat. ".repeat(30));
    const ck = join(dir, "tiny.safetensors");
    const tiny = ["--dim", "8", "--layers", "1", "--heads", "2", "--kv-heads", "1", "--hidden", "16", "--context", "8"];
    const out = run(
      "train",
      "--data",
      data,
      ...tiny,
      "--steps",
      "4",
      "--warmup",
      "1",
      "--batch",
      "2",
      "--eval-every",
      "2",
      "--eval-batches",
      "1",
      "--out",
      ck,
      "--no-plot",
    );
    assert.match(out, /model: dim 8, 1 layers, 2 heads \(1 KV\), hidden 16, vocab 11, context 8, tied: 688 parameters/);
    assert.match(out, /^step 4\/4 {2}loss \d\.\d{4} {2}lr .* ms\/step .* tok\/s {2}ETA 0s$/m, "a plain progress line when piped");
    assert.match(out, /step 2: validation loss \d\.\d{4}/);
    assert.ok(!out.includes("\u001b["), "no terminal control codes when piped");

    const sample = (ckpt: string, ...extra: string[]) => run("sample", "--ckpt", ckpt, "--prompt", "the ", "--tokens", "12", ...extra);
    const a = sample(ck, "--seed", "5");
    assert.equal(sample(ck, "--seed", "5"), a);
    assert.ok(a.startsWith("the ") && a.length === "the ".length + 12 + 1, JSON.stringify(a));

    const bin = join(dir, "tiny.bin");
    assert.match(run("export", "--ckpt", ck, "--out", bin), /llama2.c version 0: 688 parameters, shared classifier/);
    const back = join(dir, "back.safetensors");
    run("import", "--bin", bin, "--out", back, "--tokenizer-from", ck);
    assert.equal(sample(back, "--temperature", "0"), sample(ck, "--temperature", "0"));
  } finally {
    rmSync(dir, { recursive: true });
  }
});
