// The Llama example's speed: model S's jitted training step (batch 16 x 64) and greedy
// decoding of 256 tokens with the KV cache, in jaxts and, when ~/jax-venv exists, in real
// JAX on the same machine (bench/llama_jax.py: same model, optimizer and cache length).
// Decoding is timed both ways on both sides: a jitted step per token called from the host
// language, and the whole loop in one jitted call (jaxts also in 16-token calls).
//
// Run: npx tsc -p . && node dist/bench/llama.js [--steps 20] [--rounds 9]
//
// Medians over rounds after warm-up calls (the first compiles). The machine's load average is
// printed alongside: on a shared 2-core machine other processes slow both sides alike only
// if they run at the same time, so compare figures from one run.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, homedir, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { decodeStep, initCache, initParams, type KVCache, type LlamaParams, MODEL_S, ropeTables } from "../examples/llama/model.js";
import { makeDecodeLoop } from "../examples/llama/sample.js";
import { DEFAULT_TRAIN, makeOptimizer, makeTrainStep } from "../examples/llama/train.js";
import type { Array as JArray } from "../src/index.js";
import { jit, numpy as jnp, random } from "../src/index.js";

const { values } = parseArgs({ options: { steps: { type: "string", default: "20" }, rounds: { type: "string", default: "9" } } });
const STEPS = Number(values.steps);
const ROUNDS = Number(values.rounds);
const DECODE = 256;
const WARMUP = 3;
const WARMUP_MS = 1500;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Median wall and CPU milliseconds of `f` over ROUNDS rounds, after warm-up calls (at
 * least WARMUP_MS of them): the first compiles, and V8's optimizing compiler takes a few
 * hundred milliseconds, in the background, over a decode loop's large generated body.
 */
function time(f: () => void): { wall: number; cpu: number } {
  const w0 = performance.now();
  for (let w = 0; w < WARMUP || performance.now() - w0 < WARMUP_MS; w++) f();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const load0 = loadavg()[0]!;
const cfg = MODEL_S;
let params = initParams(cfg, random.key(0));
const toks = random.randint(random.key(1), [DEFAULT_TRAIN.batch, cfg.seqLen + 1], 0, cfg.vocabSize);
const x = toks.get(":, :-1");
const y = toks.get(":, 1:");
const tx = makeOptimizer(DEFAULT_TRAIN);
let opt = tx.init(params);
const step = makeTrainStep(cfg, tx);
const train = time(() => {
  let l: JArray | undefined;
  for (let i = 0; i < STEPS; i++) [params, opt, l] = step(params, opt, x, y);
  l!.item();
});

// decoding: a cache of 256 positions (the weights do not depend on the context length)
const dcfg = { ...cfg, seqLen: DECODE };
const i32 = (v: number) => jnp.array(v, { dtype: "int32" });
// like for like with JAX's Python loop: a jitted step per token, called from JavaScript
const rope = ropeTables(dcfg, DECODE);
const decode = jit((p: LlamaParams, c: KVCache, tok: JArray, pos: JArray): [JArray, KVCache] => {
  const [logits, next] = decodeStep(dcfg, p, c, tok, pos, rope);
  return [jnp.argmax(logits, -1).astype("int32"), next];
});
const positions = Array.from({ length: DECODE }, (_, i) => i32(i));
const perToken = time(() => {
  let cache = initCache(dcfg, 1);
  let tok: JArray = jnp.zeros([1], { dtype: "int32" });
  for (let i = 0; i < DECODE; i++) [tok, cache] = decode(params, cache, tok, positions[i]!);
  tok.item();
});
// like for like with JAX's fori_loop: all 256 steps in one jitted loop (what generate runs),
// in one call, and in calls of 16 tokens (generate's chunks when it streams tokens)
const loop = makeDecodeLoop(dcfg, { maxNewTokens: DECODE, temperature: 0, topP: 1, seed: 0 });
const forced = jnp.zeros([DECODE], { dtype: "int32" });
const [zero, one, all] = [i32(0), i32(1), i32(DECODE)];
const oneLoop = time(() => {
  const [, picks] = loop(params, initCache(dcfg, 1), forced, one, all, zero, zero);
  picks.dataSync();
});
const CHUNK = 16;
const chunked = time(() => {
  let cache = initCache(dcfg, 1);
  let tok = 0;
  for (let pos = 0; pos < DECODE; pos += CHUNK) {
    const f = new Int32Array(DECODE);
    f[0] = tok;
    const [c, picks] = loop(params, cache, jnp.array(f, { dtype: "int32" }), one, i32(CHUNK), i32(pos), i32(pos));
    cache = c;
    tok = (picks.dataSync() as Int32Array)[CHUNK - 1]!;
  }
});

const trainMs = train.wall / STEPS;
console.log(
  `Llama model S (97,792 parameters), ${cpus().length} cores, load average ${load0.toFixed(2)} at the start and ${loadavg()[0]!.toFixed(2)} at the end`,
);
console.log(
  `jaxts training step (batch 16 x 64): ${trainMs.toFixed(1)} ms/step = ${(1000 / trainMs).toFixed(2)} steps/s (CPU ${(train.cpu / STEPS).toFixed(1)} ms/step)`,
);
const decodeLine = (what: string, t: { wall: number; cpu: number }) =>
  console.log(
    `jaxts greedy decoding, ${DECODE} tokens with the KV cache, ${what}: ${t.wall.toFixed(1)} ms = ${((DECODE * 1000) / t.wall).toFixed(0)} tokens/s (CPU ${t.cpu.toFixed(1)} ms)`,
  );
decodeLine("one jitted loop", oneLoop);
decodeLine(`jitted loop in ${CHUNK}-token calls`, chunked);
decodeLine("jitted step per token", perToken);

const python = join(homedir(), "jax-venv", "bin", "python");
if (!existsSync(python)) {
  console.log("real JAX: not measured (~/jax-venv is absent)");
} else {
  const script = new URL("../../bench/llama_jax.py", import.meta.url).pathname;
  const r = spawnSync(python, [script, String(STEPS), String(ROUNDS)], { encoding: "utf8" });
  const line = r.stdout.trim().split("\n").pop() ?? "";
  if (r.status !== 0 || !line.startsWith("{")) {
    console.log(`real JAX: failed (${r.stderr.trim().split("\n").pop()})`);
  } else {
    const j = JSON.parse(line) as {
      jax: string;
      train_ms_per_step: number;
      decode256_python_loop_ms: number;
      decode256_fori_loop_ms: number;
    };
    const ratio = (ours: number, theirs: number) =>
      ours <= theirs ? `jaxts ${(theirs / ours).toFixed(2)}x faster` : `jaxts ${(ours / theirs).toFixed(2)}x slower`;
    console.log(
      `JAX ${j.jax} training step: ${j.train_ms_per_step.toFixed(1)} ms/step = ${(1000 / j.train_ms_per_step).toFixed(2)} steps/s (${ratio(trainMs, j.train_ms_per_step)})`,
    );
    console.log(
      `JAX decoding, jitted step in a Python loop: ${j.decode256_python_loop_ms.toFixed(1)} ms (jaxts per token: ${ratio(perToken.wall, j.decode256_python_loop_ms)})`,
    );
    console.log(
      `JAX decoding, one jitted fori_loop: ${j.decode256_fori_loop_ms.toFixed(1)} ms (jaxts one loop: ${ratio(oneLoop.wall, j.decode256_fori_loop_ms)})`,
    );
  }
}
