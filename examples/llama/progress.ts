// Training progress for a terminal: one line rewritten in place (loss, ms/step, tokens/s,
// ETA) when stdout is a TTY, plain lines every few steps when it is piped or CI is set, so
// logs stay readable.

export interface ProgressOpts {
  /** Rewrite one live line (default: stdout is a TTY and CI is unset). */
  live?: boolean;
  /** Plain mode prints every this many steps (and the last). */
  every?: number;
  write?: (s: string) => void;
}

/** 1h02m, 3m05s, 12s. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "?";
  const s = Math.round(ms / 1000);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

export class Progress {
  private readonly live: boolean;
  private readonly every: number;
  private readonly write: (s: string) => void;
  private liveShown = false;
  /** Recent step durations, for a rate that follows speed changes without jitter. */
  private readonly recent: number[] = [];

  constructor(
    private readonly total: number,
    private readonly tokensPerStep: number,
    opts: ProgressOpts = {},
  ) {
    this.live = opts.live ?? (Boolean(process.stdout.isTTY) && !process.env.CI);
    this.every = opts.every ?? 10;
    this.write = opts.write ?? ((s) => process.stdout.write(s));
  }

  /** Milliseconds per step over the recent window. */
  msPerStep(): number {
    return this.recent.length === 0 ? Number.NaN : this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
  }

  /** Records that `step` (1-based) finished after `ms` milliseconds with training loss `loss`. */
  step(step: number, ms: number, loss: number, lr: number): void {
    this.recent.push(ms);
    if (this.recent.length > 20) this.recent.shift();
    const msStep = this.msPerStep();
    const line =
      `step ${String(step).padStart(String(this.total).length)}/${this.total}  loss ${loss.toFixed(4)}  lr ${lr.toExponential(2)}  ` +
      `${msStep.toFixed(1)} ms/step  ${Math.round((this.tokensPerStep * 1000) / msStep)} tok/s  ETA ${formatDuration((this.total - step) * msStep)}`;
    if (this.live) {
      this.write(`\r\x1b[K${line}`);
      this.liveShown = true;
    } else if (step % this.every === 0 || step === this.total) {
      this.write(`${line}\n`);
    }
  }

  /** A permanent line (e.g. a validation loss), printed above the live line. */
  log(line: string): void {
    if (this.live && this.liveShown) this.write("\r\x1b[K");
    this.write(`${line}\n`);
    this.liveShown = false;
  }

  /** Ends the live line. */
  done(): void {
    if (this.live && this.liveShown) this.write("\n");
    this.liveShown = false;
  }
}
