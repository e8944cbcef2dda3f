// The Llama example's command line:
//
//   npm run llama -- train  [--steps 1000 --batch 16 --lr 3e-3 ... --out out/llama-S.safetensors]
//   npm run llama -- train  --resume out/llama-S.safetensors
//   npm run llama -- sample --ckpt out/llama-S.safetensors --prompt "Call me" --tokens 256
//   npm run llama -- export --ckpt out/llama-S.safetensors --out out/llama-S.bin   (to llama2.c)
//   npm run llama -- import --bin model.bin --out out/imported.safetensors         (from llama2.c)
//
// Run with --help for every flag.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { random } from "../../src/index.js";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { encodeSplit, loadText, splitText } from "./data.js";
import { exportLlama2c, importLlama2c } from "./llama2c.js";
import { checkConfig, countParams, initParams, type LlamaConfig, MODEL_S } from "./model.js";
import { Progress } from "./progress.js";
import { plotLosses, validationTable } from "./report.js";
import { generate, type SampleOptions } from "./sample.js";
import { BpeTokenizer, CharTokenizer, type Tokenizer, tokenizerFromJSON } from "./tokenizer.js";
import { DEFAULT_TRAIN, type TrainOptions, train } from "./train.js";

const HELP = `Usage: npm run llama -- <command> [flags]

Commands:
  train    train a Llama on Moby Dick (or --data FILE); checkpoints are safetensors files
  sample   generate text from a checkpoint
  export   write a checkpoint as a llama2.c (version 0) model file
  import   read a llama2.c (version 0) model file into a checkpoint

train flags (defaults: model "S", the README's run):
  --dim 64 --layers 2 --heads 4 --kv-heads 2 --hidden 176 --context 64 --untied
  --tokenizer char|bpe   characters (default) or byte-level BPE trained on the training text
  --bpe-vocab 512        BPE vocabulary size
  --steps ${DEFAULT_TRAIN.steps} --batch ${DEFAULT_TRAIN.batch} --lr ${DEFAULT_TRAIN.lr} --warmup ${DEFAULT_TRAIN.warmupSteps} --min-lr ${DEFAULT_TRAIN.minLrFraction} (fraction of lr)
  --weight-decay ${DEFAULT_TRAIN.weightDecay} --clip ${DEFAULT_TRAIN.clipNorm} --b1 ${DEFAULT_TRAIN.b1} --b2 ${DEFAULT_TRAIN.b2}
  --eval-every ${DEFAULT_TRAIN.evalEvery} --eval-batches ${DEFAULT_TRAIN.evalBatches} --seed ${DEFAULT_TRAIN.seed}
  --data FILE            a UTF-8 text file instead of Moby Dick
  --out out/llama-S.safetensors   checkpoint (written at every evaluation)
  --until N              stop after step N (checkpointed; continue later with --resume)
  --resume CKPT          continue a run from its checkpoint (same options, same batches)
  --plot out/llama-loss  loss curve (.png and .svg); --no-plot to skip
  --progress live|plain  progress display (default: live on a terminal unless CI is set)

sample flags:
  --ckpt out/llama-S.safetensors --prompt "Call me Ishmael." --tokens 256
  --temperature 0.8 (0 = greedy) --top-p 0.95 --seed 0

export flags: --ckpt CKPT --out FILE.bin
import flags: --bin FILE.bin --out CKPT [--tokenizer-from CKPT] (default: Moby Dick's characters)
`;

const DEFAULT_PROMPT = "Call me Ishmael.";

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  dim: { type: "string" },
  layers: { type: "string" },
  heads: { type: "string" },
  "kv-heads": { type: "string" },
  hidden: { type: "string" },
  context: { type: "string" },
  untied: { type: "boolean" },
  tokenizer: { type: "string" },
  "bpe-vocab": { type: "string" },
  steps: { type: "string" },
  batch: { type: "string" },
  lr: { type: "string" },
  warmup: { type: "string" },
  "min-lr": { type: "string" },
  "weight-decay": { type: "string" },
  clip: { type: "string" },
  b1: { type: "string" },
  b2: { type: "string" },
  "eval-every": { type: "string" },
  "eval-batches": { type: "string" },
  seed: { type: "string" },
  data: { type: "string" },
  out: { type: "string" },
  resume: { type: "string" },
  until: { type: "string" },
  plot: { type: "string" },
  "no-plot": { type: "boolean" },
  progress: { type: "string" },
  ckpt: { type: "string" },
  prompt: { type: "string" },
  tokens: { type: "string" },
  temperature: { type: "string" },
  "top-p": { type: "string" },
  bin: { type: "string" },
  "tokenizer-from": { type: "string" },
} as const;

type Flags = Partial<Record<keyof typeof OPTIONS, string | boolean>>;

/** A numeric flag, or `fallback` when absent; anything but a finite number is an error naming the flag. */
function num(flags: Flags, name: keyof typeof OPTIONS, fallback: number, integer = false): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new Error(`--${name} must be ${integer ? "an integer" : "a number"}, got ${JSON.stringify(v)}.`);
  }
  return n;
}

function str(flags: Flags, name: keyof typeof OPTIONS, fallback: string): string {
  const v = flags[name];
  return typeof v === "string" ? v : fallback;
}

function ensureDir(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
}

function trainOptions(flags: Flags): TrainOptions {
  const d = DEFAULT_TRAIN;
  return {
    steps: num(flags, "steps", d.steps, true),
    batch: num(flags, "batch", d.batch, true),
    lr: num(flags, "lr", d.lr),
    warmupSteps: num(flags, "warmup", d.warmupSteps, true),
    minLrFraction: num(flags, "min-lr", d.minLrFraction),
    weightDecay: num(flags, "weight-decay", d.weightDecay),
    clipNorm: num(flags, "clip", d.clipNorm),
    b1: num(flags, "b1", d.b1),
    b2: num(flags, "b2", d.b2),
    evalEvery: num(flags, "eval-every", d.evalEvery, true),
    evalBatches: num(flags, "eval-batches", d.evalBatches, true),
    seed: num(flags, "seed", d.seed, true),
  };
}

async function cmdTrain(flags: Flags): Promise<void> {
  const out = str(flags, "out", "out/llama-S.safetensors");
  const resume = typeof flags.resume === "string" ? loadCheckpoint(flags.resume) : undefined;
  const text = loadText(typeof flags.data === "string" ? flags.data : undefined);
  const parts = splitText(text, 0.9);

  let tokenizer: Tokenizer;
  let config: LlamaConfig;
  let options: TrainOptions;
  if (resume) {
    tokenizer = tokenizerFromJSON(resume.tokenizer);
    config = resume.config;
    if (!resume.train) throw new Error(`${flags.resume}: the checkpoint has no training options to resume with.`);
    options = resume.train as unknown as TrainOptions;
    console.log(`resuming from ${flags.resume} at step ${resume.step} of ${options.steps}`);
  } else {
    const kind = str(flags, "tokenizer", "char");
    if (kind === "char") tokenizer = CharTokenizer.fromText(text);
    else if (kind === "bpe") {
      const t0 = performance.now();
      tokenizer = BpeTokenizer.train(parts.train, num(flags, "bpe-vocab", 512, true));
      console.log(`trained a byte-level BPE tokenizer: ${tokenizer.vocabSize} tokens in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } else throw new Error(`--tokenizer must be "char" or "bpe", got ${JSON.stringify(kind)}.`);
    config = {
      ...MODEL_S,
      dim: num(flags, "dim", MODEL_S.dim, true),
      nLayers: num(flags, "layers", MODEL_S.nLayers, true),
      nHeads: num(flags, "heads", MODEL_S.nHeads, true),
      nKvHeads: num(flags, "kv-heads", MODEL_S.nKvHeads, true),
      hiddenDim: num(flags, "hidden", MODEL_S.hiddenDim, true),
      seqLen: num(flags, "context", MODEL_S.seqLen, true),
      tied: !flags.untied,
      vocabSize: tokenizer.vocabSize,
    };
    checkConfig(config);
    options = trainOptions(flags);
  }
  const data = encodeSplit(parts, tokenizer);
  console.log(
    `model: dim ${config.dim}, ${config.nLayers} layers, ${config.nHeads} heads (${config.nKvHeads} KV), hidden ${config.hiddenDim}, ` +
      `vocab ${config.vocabSize}, context ${config.seqLen}, ${config.tied ? "tied" : "untied"}: ${countParams(config).toLocaleString("en-US")} parameters`,
  );
  console.log(
    `data: ${data.train.length.toLocaleString("en-US")} training and ${data.val.length.toLocaleString("en-US")} validation tokens`,
  );
  console.log(
    `training: ${options.steps} steps of batch ${options.batch} x ${config.seqLen}, AdamW lr ${options.lr} (warmup ${options.warmupSteps}, ` +
      `cosine to ${options.minLrFraction * 100}%), b2 ${options.b2}, weight decay ${options.weightDecay}, clip ${options.clipNorm}, seed ${options.seed}`,
  );

  const mode = str(flags, "progress", "");
  if (mode !== "" && mode !== "live" && mode !== "plain")
    throw new Error(`--progress must be "live" or "plain", got ${JSON.stringify(mode)}.`);
  const progress = new Progress(options.steps, options.batch * config.seqLen, mode === "" ? {} : { live: mode === "live" });
  ensureDir(out);
  const params = resume ? resume.params : initParams(config, random.key(options.seed));
  const t0 = performance.now();
  const until = flags.until === undefined ? undefined : num(flags, "until", options.steps, true);
  const result = train({ config, tokenizer, data, options, params, resume, until, out, progress });
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `done: ${seconds.toFixed(1)} s, ${result.msPerStep.toFixed(1)} ms/step (${(1000 / result.msPerStep).toFixed(2)} steps/s, ` +
      `${Math.round((options.batch * config.seqLen * 1000) / result.msPerStep)} tokens/s); checkpoint ${out}`,
  );
  console.log(validationTable(result.history));
  const historyPath = `${out.replace(/\.safetensors$/, "")}.history.json`;
  writeFileSync(historyPath, `${JSON.stringify(result.history)}\n`);
  if (!flags["no-plot"]) {
    const png = await plotLosses(
      result.history,
      str(flags, "plot", "out/llama-loss"),
      `Llama (${countParams(config).toLocaleString("en-US")} parameters) on Moby Dick`,
    );
    console.log(`loss curve: ${png}`);
  }
  // the default prompt, or the start of the validation text when another corpus lacks its characters
  let prompt: number[];
  try {
    prompt = tokenizer.encode(DEFAULT_PROMPT);
  } catch {
    prompt = tokenizer.encode(parts.val.slice(0, 8));
  }
  const sample = generate(config, result.params, prompt, { maxNewTokens: 200, temperature: 0.8, topP: 0.95, seed: 0 });
  console.log(`sample (temperature 0.8, top-p 0.95, seed 0):\n${tokenizer.decode([...prompt, ...sample])}`);
}

function cmdSample(flags: Flags): void {
  const ckptPath = str(flags, "ckpt", "out/llama-S.safetensors");
  const ck = loadCheckpoint(ckptPath);
  const tokenizer = tokenizerFromJSON(ck.tokenizer);
  const opts: SampleOptions = {
    maxNewTokens: num(flags, "tokens", 256, true),
    temperature: num(flags, "temperature", 0.8),
    topP: num(flags, "top-p", 0.95),
    seed: num(flags, "seed", 0, true),
  };
  if (opts.temperature < 0) throw new Error("--temperature must be >= 0 (0 is greedy).");
  if (!(opts.topP > 0 && opts.topP <= 1)) throw new Error("--top-p must be in (0, 1].");
  const promptText = str(flags, "prompt", DEFAULT_PROMPT);
  const prompt = tokenizer.encode(promptText);
  const decoder = new TextDecoder();
  process.stdout.write(promptText);
  const t0 = performance.now();
  const ids = generate(ck.config, ck.params, prompt, opts, (id) =>
    process.stdout.write(decoder.decode(tokenizer.tokenBytes(id), { stream: true })),
  );
  const ms = performance.now() - t0;
  process.stdout.write(`${decoder.decode()}\n`);
  console.error(`[${ids.length} tokens in ${ms.toFixed(0)} ms: ${((ids.length * 1000) / ms).toFixed(0)} tokens/s]`);
}

function cmdExport(flags: Flags): void {
  const ckptPath = str(flags, "ckpt", "out/llama-S.safetensors");
  const out = str(flags, "out", `${ckptPath.replace(/\.safetensors$/, "")}.bin`);
  const ck = loadCheckpoint(ckptPath);
  ensureDir(out);
  writeFileSync(out, exportLlama2c(ck.config, ck.params));
  console.log(
    `wrote ${out} (llama2.c version 0: ${countParams(ck.config).toLocaleString("en-US")} parameters, ${ck.config.tied ? "shared" : "separate"} classifier)`,
  );
}

function cmdImport(flags: Flags): void {
  if (typeof flags.bin !== "string") throw new Error("import needs --bin FILE (a llama2.c version 0 model file).");
  const out = str(flags, "out", `${flags.bin.replace(/\.bin$/, "")}.safetensors`);
  const { config, params } = importLlama2c(readFileSync(flags.bin));
  let tokenizer: Tokenizer;
  if (typeof flags["tokenizer-from"] === "string") tokenizer = tokenizerFromJSON(loadCheckpoint(flags["tokenizer-from"]).tokenizer);
  else tokenizer = CharTokenizer.fromText(loadText(typeof flags.data === "string" ? flags.data : undefined));
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new Error(
      `the model has a vocabulary of ${config.vocabSize} tokens but the tokenizer has ${tokenizer.vocabSize}; pass --tokenizer-from CKPT with a matching one.`,
    );
  }
  ensureDir(out);
  saveCheckpoint(out, { config, tokenizer: tokenizer.toJSON(), params, step: 0 });
  console.log(`wrote ${out}: ${countParams(config).toLocaleString("en-US")} parameters`);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const flags = values as Flags;
  const [command, ...rest] = positionals;
  if (flags.help || command === undefined) {
    console.log(HELP);
    return;
  }
  if (rest.length > 0) throw new Error(`unexpected arguments: ${rest.join(" ")}`);
  switch (command) {
    case "train":
      return cmdTrain(flags);
    case "sample":
      return cmdSample(flags);
    case "export":
      return cmdExport(flags);
    case "import":
      return cmdImport(flags);
    default:
      throw new Error(`unknown command ${JSON.stringify(command)}; expected train, sample, export or import (see --help).`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
