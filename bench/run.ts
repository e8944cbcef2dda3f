// `npm run bench`: jaxts side by side with its peers, one run, medians over rounds.
//
//   node dist/bench/run.js [--quick] [--only linreg,matmul,tanh,mlp] [--rounds N] [--threads N]
//
// Each workload runs in a child process of its own (a crash or a leak stays there), with
// every contestant of a case timed once per round so the machine's load hits them alike
// (bench/workloads/harness.ts). JavaScript peers install on demand into bench/peers;
// numpy and real JAX (~/jax-venv, optional) run as Python servers. The tables go to stdout
// and to bench/RESULTS.md; every figure, with the rounds behind it, to bench/results.json.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fmt, log, type Measurement, options, type WorkloadResult } from "./workloads/harness.js";
import { linreg } from "./workloads/linreg.js";
import { matmul } from "./workloads/matmul.js";
import { mlp } from "./workloads/mlp.js";
import { CORES, PEERS_DIR, ROOT, versionOf } from "./workloads/peers.js";
import { tanh } from "./workloads/tanh.js";

const WORKLOADS: Record<string, (o: ReturnType<typeof options>) => Promise<WorkloadResult>> = { linreg, matmul, tanh, mlp };

const USAGE = `usage: npm run bench -- [--quick] [--only ${Object.keys(WORKLOADS).join(",")}] [--rounds N] [--threads N]
  --quick       3 short rounds per case (a smoke run, a minute or two); the default takes ~10 minutes
  --only W,..   run these workloads only
  --rounds N    rounds per case (default 9, or 3 with --quick)
  --threads N   threads for the multi-threaded peers and jaxts's onnxruntime engine (default: every core)`;

interface Args {
  quick: boolean;
  only: string[];
  rounds?: number;
  threads?: number;
  child?: string;
  out?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === "--quick") a.quick = true;
    else if (arg === "--only") a.only.push(...value().split(","));
    else if (arg === "--rounds") a.rounds = Number(value());
    else if (arg === "--threads") a.threads = Number(value());
    else if (arg === "--child") a.child = value();
    else if (arg === "--out") a.out = value();
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  for (const w of a.only) if (!(w in WORKLOADS)) throw new Error(`unknown workload ${w} (one of ${Object.keys(WORKLOADS).join(", ")})`);
  for (const [flag, v] of [
    ["--rounds", a.rounds],
    ["--threads", a.threads],
  ] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new Error(`${flag} takes a positive integer`);
  }
  return a;
}

/** Installs bench/peers when it is missing; without the registry the peers' rows read n/a. */
function ensurePeers(): void {
  if (existsSync(join(PEERS_DIR, "node_modules"))) return;
  log("installing the JavaScript peers into bench/peers (once) ...");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["install", "--prefix", PEERS_DIR, "--no-audit", "--no-fund"], { stdio: ["ignore", 2, 2], cwd: ROOT });
  if (r.status !== 0) log(`npm install failed (${r.error?.message ?? `exit ${r.status}`}): the JavaScript peers will read n/a`);
}

/** Runs one workload in a child process and reads back its result. */
async function runChild(id: string, args: Args): Promise<WorkloadResult> {
  const dir = mkdtempSync(join(tmpdir(), "jaxts-bench-"));
  const out = join(dir, "result.json");
  const flags = [...(args.quick ? ["--quick"] : []), ...(args.rounds ? ["--rounds", String(args.rounds)] : [])];
  try {
    const code = await new Promise<number | string>((resolve) => {
      const env = args.threads ? { ...process.env, JAXTS_BENCH_THREADS: String(args.threads) } : process.env;
      const child = spawn(process.execPath, ["--expose-gc", process.argv[1]!, "--child", id, "--out", out, ...flags], {
        stdio: ["ignore", 2, 2],
        env,
      });
      child.on("exit", (c, s) => resolve(s ?? c ?? 0));
    });
    if (!existsSync(out)) throw new Error(`the ${id} workload crashed (exit ${code}); its log is above`);
    return JSON.parse(readFileSync(out, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- markdown ----

/** "3.1× faster" / "12× slower" than the baseline. */
function speed(m: Measurement, baseline: string | null): string {
  if (m.name === baseline) return "baseline";
  if (m.speedup === undefined) return "";
  return m.speedup >= 1 ? `${fmt(m.speedup)}× faster` : `${fmt(1 / m.speedup)}× slower`;
}

function renderWorkload(w: WorkloadResult): string {
  const footnotes: string[] = [];
  const foot = (text: string) => {
    let i = footnotes.indexOf(text);
    if (i < 0) i = footnotes.push(text) - 1;
    return `[${i + 1}]`;
  };
  const cell = (m: Measurement | undefined, withSpeed: string | null | false): string => {
    if (!m) return "";
    if (m.status !== "ok") return `${m.status} ${foot(m.reason ?? "")}`;
    const bad =
      m.check && !m.check.ok
        ? ` ✗${foot(`result differs from the baseline's: got [${m.check.got.map(fmt)}], want [${m.check.want.map(fmt)}]`)}`
        : "";
    const vs = withSpeed === false ? "" : ` (${speed(m, withSpeed) || "—"})`;
    return `${fmt(m.value!)}${vs}${bad}`;
  };
  const names = [...new Set(w.cases.flatMap((c) => c.results.map((r) => r.name)))];
  const first = (name: string) => w.cases.flatMap((c) => c.results).find((r) => r.name === name)!;
  const lines = [`### ${w.title}`, ""];
  if (w.cases.length === 1) {
    const c = w.cases[0]!;
    lines.push(
      `| implementation | threads | ${w.unit} | range over rounds | vs ${c.baseline ?? "baseline"} | rounds × reps |`,
      "|---|---|---|---|---|---|",
    );
    for (const m of c.results) {
      const ok = m.status === "ok";
      const range = ok ? `${fmt(m.range![0])}–${fmt(m.range![1])}` : "";
      lines.push(
        `| ${m.name} | ${m.threads} | ${cell(m, false)} | ${range} | ${ok ? speed(m, c.baseline) : ""} | ${ok ? `${m.rounds} × ${m.reps}` : ""} |`,
      );
    }
  } else {
    const baselines = [...new Set(w.cases.map((c) => c.baseline))];
    lines.push(
      `| implementation | threads | ${w.cases.map((c) => c.label).join(" | ")} |`,
      `|---|---|${w.cases.map(() => "---").join("|")}|`,
      ...names.map(
        (n) =>
          `| ${n} | ${first(n).threads} | ${w.cases
            .map((c) =>
              cell(
                c.results.find((r) => r.name === n),
                c.baseline,
              ),
            )
            .join(" | ")} |`,
      ),
    );
    lines.push(
      "",
      `Each cell: ${w.unit}, median over rounds (speed vs ${baselines.map((b) => b ?? "—").join(" / ")}, median of per-round ratios).`,
    );
  }
  lines.push("");
  const notes = [...w.notes, ...new Set(names.map((n) => first(n).note).filter((n): n is string => !!n))];
  for (const n of notes) lines.push(`- ${n}`);
  footnotes.forEach((f, i) => lines.push(`- [${i + 1}] ${f}`));
  return lines.join("\n");
}

/** JSON with two-space indents and arrays of numbers or strings on one line (as the repository's formatter writes it). */
function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(
    /^( *)(.*)\[\n([^[\]{}]*?)\n *\]/gm,
    (whole, indent: string, head: string, body: string) => {
      const line = `${indent}${head}[${body
        .split(",\n")
        .map((s) => s.trim())
        .join(", ")}]`;
      return line.length <= 140 ? line : whole;
    },
  )}\n`;
}

function machine() {
  const python = spawnSync("python3", ["--version"], { encoding: "utf8" });
  return {
    cpu: cpus()[0]?.model ?? "?",
    cores: CORES,
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    python: python.status === 0 ? python.stdout.trim() : "n/a",
    peers: {
      "@jax-js/jax": versionOf("@jax-js/jax"),
      "@tensorflow/tfjs": versionOf("@tensorflow/tfjs"),
      "@tensorflow/tfjs-backend-wasm": versionOf("@tensorflow/tfjs-backend-wasm"),
      "onnxruntime-node": versionOf("onnxruntime-node", true),
    },
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const opts = options(args.quick, args.rounds);
  if (args.child) {
    const result = await WORKLOADS[args.child]!(opts);
    writeFileSync(args.out!, JSON.stringify(result));
    process.exit(0); // peers may hold the event loop open (worker pools, timers)
  }
  ensurePeers();
  const started = new Date();
  const info = machine();
  const ids = args.only.length > 0 ? args.only : Object.keys(WORKLOADS);
  const results: WorkloadResult[] = [];
  const t0 = Date.now();
  for (const id of ids) {
    log(`== ${id}`);
    try {
      results.push(await runChild(id, args));
    } catch (e) {
      log(String(e));
    }
  }
  const seconds = (Date.now() - t0) / 1e3;
  const loadAfter = loadavg().map((l) => Number(l.toFixed(2)));
  const threads = args.threads ?? CORES;
  const cmd = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const header = [
    "# jaxts benchmarks",
    "",
    `\`${cmd}\` — ${started.toISOString()}, ${seconds.toFixed(0)} s. ${info.cpu}, ${info.cores} cores, load average ${info.loadAverage[0]} at the start and ${loadAfter[0]} at the end; multi-threaded contestants use ${threads} thread${threads === 1 ? "" : "s"}. Node ${info.node}, ${info.python}.`,
    "",
    `Medians over ${opts.rounds} rounds; every contestant of a case runs once per round, so ratios to the baseline (taken per round) are steadier than the raw figures on this noisy machine. Compare figures only within one run. A row the machine cannot run reads n/a, with the reason.`,
    "",
  ].join("\n");
  const busy =
    threads > 1 && Math.max(info.loadAverage[0]!, loadAfter[0]!) > CORES
      ? `**The machine was busy (load average above its ${CORES} cores)**: multi-threaded BLAS and thread pools wait on each other when oversubscribed, which can make numpy, onnxruntime and JAX many times slower than on a quiet machine; \`--threads 1\` gives steadier comparisons there.\n\n`
      : "";
  const md = `${header}\n${busy}${results.map(renderWorkload).join("\n\n")}\n`;
  process.stdout.write(md);
  writeFileSync(join(ROOT, "bench", "RESULTS.md"), md);
  writeFileSync(
    join(ROOT, "bench", "results.json"),
    toJson({
      generatedAt: started.toISOString(),
      command: cmd,
      seconds,
      machine: { ...info, loadAverageAtEnd: loadAfter },
      threads,
      options: opts,
      workloads: results,
    }),
  );
  log(`wrote bench/RESULTS.md and bench/results.json (${seconds.toFixed(0)} s)`);
}

main().catch((e) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
