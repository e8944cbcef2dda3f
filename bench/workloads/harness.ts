// The measuring harness shared by every workload: contestants, rounds, medians, checks.
//
// These machines are noisy (2 cores shared with other work; a figure can swing 1.8x between
// rounds), so every contestant of a case runs once per round, in a rotating order, and
// the figures reported are medians over rounds; the ratio to the baseline is the median
// of the per-round ratios, which cancels load that hits a whole round alike.

/** One implementation of a workload, ready to be timed. */
export interface Contestant {
  name: string;
  /** Threads it computes with (1 for single-threaded JavaScript and WebAssembly). */
  threads: number | string;
  /** A caveat printed under the table (how it was run, what was hand-written). */
  note?: string;
  /** Set when the contestant cannot run here; the row then reads "n/a (reason)". */
  unavailable?: string;
  /** Compiles and warms up; throwing makes the row "n/a (the error)". */
  setup?(): Promise<void> | void;
  /** Runs `reps` repetitions and returns the seconds they took (Python peers time themselves). */
  time(reps: number): Promise<number> | number;
  /**
   * A few numbers summarizing the workload's result from a fresh start (sums, samples),
   * compared with the baseline's to catch a contestant that is fast because it is wrong.
   */
  check(): Promise<number[]> | number[];
  /** Releases what setup holds (a peer's child process) once the case is measured. */
  teardown?(): void;
}

export interface Options {
  quick: boolean;
  /** Rounds per case. */
  rounds: number;
  /** Seconds each timed sample should last at least (repetitions are chosen to reach it). */
  sampleSeconds: number;
  /** Seconds of timed samples a contestant may take per case; slow ones get fewer rounds. */
  budgetSeconds: number;
  /** A contestant whose one call is estimated to take longer than this is skipped. */
  maxCallSeconds: number;
  /**
   * Seconds of untimed calls before calibration settles: JavaScript code runs interpreted
   * for its first few thousand calls and only then optimized, which for an eager step can
   * mean milliseconds instead of microseconds. Every contestant gets the same warm-up.
   */
  warmupSeconds: number;
}

export function options(quick: boolean, rounds?: number): Options {
  return quick
    ? { quick, rounds: rounds ?? 3, sampleSeconds: 0.05, budgetSeconds: 1.5, maxCallSeconds: 3, warmupSeconds: 0.5 }
    : { quick, rounds: rounds ?? 9, sampleSeconds: 0.3, budgetSeconds: 8, maxCallSeconds: 10, warmupSeconds: 1.5 };
}

export interface CheckResult {
  ok: boolean;
  got: number[];
  want: number[];
}

export interface Measurement {
  name: string;
  threads: number | string;
  status: "ok" | "n/a" | "skipped";
  /** Why the row is n/a or skipped. */
  reason?: string;
  /** Median seconds per repetition, and the fastest and slowest round. */
  seconds?: number;
  minSeconds?: number;
  maxSeconds?: number;
  /** The median in the workload's unit, and the lowest and highest round's figure. */
  value?: number;
  range?: [number, number];
  /** Median over rounds of (baseline time / this time): above 1 is faster than the baseline. */
  speedup?: number;
  rounds?: number;
  reps?: number;
  check?: CheckResult;
  note?: string;
}

export interface CaseResult {
  id: string;
  /** Column header for this case (e.g. "N=256"). */
  label: string;
  unit: string;
  baseline: string | null;
  results: Measurement[];
}

export interface CaseSpec {
  id: string;
  label: string;
  unit: string;
  /** Converts seconds per repetition into the unit (µs/step, GFLOP/s, ...). */
  convert: (seconds: number) => number;
  /** Names of possible baselines, in order of preference; the first that runs is used. */
  baselines: readonly string[];
  contestants: readonly Contestant[];
  /** Contestants not to run in this case, with the reason (e.g. an extrapolated call time). */
  skip?: ReadonlyMap<string, string>;
  /** Relative tolerance of the result check (default 1e-3 of the largest reference magnitude). */
  rtol?: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 160);

export function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

function compare(got: readonly number[], want: readonly number[], rtol: number): boolean {
  if (got.length !== want.length) return false;
  const scale = Math.max(1e-30, ...want.map(Math.abs));
  return got.every((g, i) => Number.isFinite(g) && Math.abs(g - want[i]!) <= rtol * Math.max(Math.abs(want[i]!), scale));
}

/**
 * A full garbage collection before each timed sample (the driver runs workloads with
 * --expose-gc), so that one contestant's garbage is not collected on the next one's clock.
 */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

interface Live {
  c: Contestant;
  m: Measurement;
  reps: number;
  allowedRounds: number;
  samples: (number | undefined)[];
}

/** Sets up, checks and times every contestant of one case. */
export async function measureCase(spec: CaseSpec, opts: Options, tag: string): Promise<CaseResult> {
  try {
    return await measureContestants(spec, opts, tag);
  } finally {
    for (const c of spec.contestants) c.teardown?.();
  }
}

async function measureContestants(spec: CaseSpec, opts: Options, tag: string): Promise<CaseResult> {
  const live: Live[] = [];
  const results: Measurement[] = [];
  const checks = new Map<string, number[]>();
  for (const c of spec.contestants) {
    const m: Measurement = { name: c.name, threads: c.threads, status: "n/a", note: c.note };
    results.push(m);
    const skip = spec.skip?.get(c.name);
    if (c.unavailable || skip) {
      m.status = c.unavailable ? "n/a" : "skipped";
      m.reason = c.unavailable ?? skip;
      continue;
    }
    try {
      await c.setup?.();
      checks.set(c.name, await c.check());
      live.push({ c, m, reps: 1, allowedRounds: 0, samples: [] });
    } catch (e) {
      m.reason = errorText(e);
      log(`  ${tag} ${c.name}: n/a (${m.reason})`);
    }
  }

  const baseline = spec.baselines.find((b) => live.some((l) => l.c.name === b)) ?? null;
  const want = baseline === null ? undefined : checks.get(baseline);
  for (const l of live) {
    const got = checks.get(l.c.name)!;
    if (want) l.m.check = { ok: compare(got, want, spec.rtol ?? 1e-3), got, want };
  }

  // Calibration (after setup and check, so compiled): growing runs, which also warm up the
  // JS engine's JIT, until one lasts a third of a sample.
  for (const l of [...live]) {
    try {
      let reps = 1;
      collect();
      let t = await l.c.time(1);
      if (t < 1) t = Math.min(t, await l.c.time(1)); // the first call after setup may hit a GC or a lazy compile
      for (let i = 0; i < 5 && t < opts.sampleSeconds / 3; i++) {
        reps = Math.max(reps * 2, Math.ceil((reps * opts.sampleSeconds) / 2 / Math.max(t, 1e-9)));
        t = await l.c.time(reps);
      }
      // warm up for warmupSeconds in runs of `reps` (at least one run), then re-measure
      for (let spent = t; spent < opts.warmupSeconds; ) {
        t = await l.c.time(reps);
        spent += t;
      }
      const perRep = t / reps;
      l.reps = Math.max(1, Math.round(opts.sampleSeconds / perRep));
      l.allowedRounds = Math.max(1, Math.min(opts.rounds, Math.floor(opts.budgetSeconds / (perRep * l.reps))));
    } catch (e) {
      l.m.reason = errorText(e);
      live.splice(live.indexOf(l), 1);
    }
  }

  for (let r = 0; r < opts.rounds; r++) {
    for (let k = 0; k < live.length; k++) {
      const l = live[(k + r) % live.length]!;
      if (r >= l.allowedRounds) {
        l.samples.push(undefined);
        continue;
      }
      try {
        collect();
        // a pause: worker threads of the contestant before (OpenBLAS, XLA, ONNX Runtime) keep
        // spinning for a while after their last call, and would take this one's cores
        await new Promise((resolve) => setTimeout(resolve, 150));
        // untimed calls first (a fifth of a sample, and at least a fifth of a second): a full
        // GC clears the inline caches of what ran before it, and JavaScript code then runs
        // slowly until V8 has re-optimized it (for an eager step, some thousand calls)
        for (let spent = 0, i = 0; i === 0 || spent < 0.2; i++) spent += await l.c.time(Math.max(1, Math.ceil(l.reps / 5)));
        l.samples.push((await l.c.time(l.reps)) / l.reps);
      } catch (e) {
        l.m.reason = errorText(e);
        l.allowedRounds = 0;
        l.samples.push(undefined);
      }
    }
  }

  const base = live.find((l) => l.c.name === baseline);
  for (const l of live) {
    const got = l.samples.filter((s): s is number => s !== undefined);
    if (got.length === 0) continue;
    const seconds = median(got);
    const ratios = base
      ? l.samples.flatMap((s, r) => (s !== undefined && base.samples[r] !== undefined ? [base.samples[r]! / s] : []))
      : [];
    Object.assign(l.m, {
      status: "ok",
      reason: undefined,
      seconds,
      minSeconds: Math.min(...got),
      maxSeconds: Math.max(...got),
      value: spec.convert(seconds),
      range: [spec.convert(Math.min(...got)), spec.convert(Math.max(...got))].sort((a, b) => a - b) as [number, number],
      speedup:
        ratios.length > 0 ? median(ratios) : base ? median(base.samples.filter((s): s is number => s !== undefined)) / seconds : undefined,
      rounds: got.length,
      reps: l.reps,
    } satisfies Partial<Measurement>);
    const bad = l.m.check && !l.m.check.ok ? "  RESULT DIFFERS" : "";
    log(`  ${tag} ${l.c.name}: ${fmt(l.m.value!)} ${spec.unit} (${got.length} rounds × ${l.reps})${bad}`);
  }
  return { id: spec.id, label: spec.label, unit: spec.unit, baseline, results };
}

/** Three significant digits, without exponent notation for the magnitudes we see. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString("en-US");
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

/** A synchronous JS contestant's timer: `reps` calls of `step`. */
export function timeSync(step: () => void, reps: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) step();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** An asynchronous contestant's timer: `reps` awaited calls of `step`. */
export async function timeAsync(step: () => Promise<void>, reps: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) await step();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** A row that cannot run here, with the reason. */
export function unavailable(name: string, threads: number | string, reason: string, note?: string): Contestant {
  return { name, threads, unavailable: reason, note, time: () => 0, check: () => [] };
}

/** Double-precision summary of a float array: its sum, its sum of magnitudes, and a few samples. */
export function summarize(a: ArrayLike<number>): number[] {
  let s = 0;
  let sa = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]!;
    sa += Math.abs(a[i]!);
  }
  return [s, sa, a[0]!, a[a.length >> 1]!, a[a.length - 1]!];
}

/** Deterministic float32 data in [-1, 1) (a 32-bit LCG), the same in every run. */
export function randomF32(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** What a workload hands back to the driver. */
export interface WorkloadResult {
  id: string;
  title: string;
  unit: string;
  lowerIsBetter: boolean;
  cases: CaseResult[];
  /** Lines printed under the table (how peers were run, versions). */
  notes: string[];
}
