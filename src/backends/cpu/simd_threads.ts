// Helper threads for blocked SIMD loops (simd_blocks.ts), in Node.js.
//
// A blocked loop's blocks are independent, so worker threads can run some of them: each
// worker has a WebAssembly memory of its own, with the loop's functions instantiated on it.
// Such a loop's outputs are fresh arrays on SharedArrayBuffers, which a worker writes its
// blocks into directly: writing a fresh array costs a page fault per 4 KB (more than the
// arithmetic of a tanh), and the threads take those faults side by side. Inputs on a
// SharedArrayBuffer are read where they lie; the worker's part of any other input is first
// copied by the main thread into the worker's "exchange" buffer. (onnxruntime-node refuses
// arrays on SharedArrayBuffers: session.ts copies them.)
//
// Calls stay synchronous: the main thread wakes a worker through Atomics.notify on a shared
// control word, sends the job through a MessagePort the worker reads with
// receiveMessageOnPort, and waits for blocks with Atomics.wait (which Node.js allows on its
// main thread; browsers do not, so there, as where worker_threads or SharedArrayBuffer is
// missing, blocked loops run on the main thread alone). Workers are unref'd, so they never
// keep a process alive.

/** What a worker needs of a blocked loop, sent once. */
export interface LoopSpec {
  id: number;
  full: Uint8Array;
  last: Uint8Array | null;
  /** Outer indices per full block. */
  block: number;
  /** Per array: its role, bytes per element, outer stride and extent (elements), and where its block is staged. */
  arrays: { role: "resident" | "in" | "out"; bytes: number; stride0: number; extent: number; stageAt: number }[];
  /** Per parameter: an array's address, or the call's k-th number. */
  params: ({ array: number } | { scalar: number })[];
  /** The staged bytes of a block (the worker's memory holds that much). */
  stageBytes: number;
}

/** A worker's job: `outer` outer indices; per array, the shared buffer and byte where the job's part starts. */
export interface Job {
  outer: number;
  scalars: readonly number[];
  buffers: (SharedArrayBuffer | null)[];
  at: number[];
}

/** Control words per worker: the job count (wakes it), whether the current job is done, and an error flag. */
const JOB = 0;
const DONE = 1;
const FAILED = 2;

export interface WorkerHandle {
  ctl: Int32Array;
  port: { postMessage(m: unknown): void };
  /** The message the worker sent with its failure. */
  failure: () => string;
  known: Set<number>;
  exchange: SharedArrayBuffer;
}

type Builtin = (id: string) => any;

/** The helper threads; null where they cannot run (not Node.js, one core, no SharedArrayBuffer). */
let pool: WorkerHandle[] | null | undefined;

/** How many helper threads blocked loops use at most (tests set 0 to run them on the main thread alone). */
export const loopThreads = { helpers: 3 };

function startPool(): WorkerHandle[] | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: Builtin; versions?: { node?: string } } }).process;
  const getBuiltin = proc?.getBuiltinModule;
  if (!proc?.versions?.node || typeof getBuiltin !== "function" || typeof SharedArrayBuffer !== "function") return null;
  const cores = getBuiltin("node:os").availableParallelism() as number;
  const n = Math.min(cores - 1, loopThreads.helpers);
  if (n < 1) return null;
  const { Worker, MessageChannel, receiveMessageOnPort } = getBuiltin("node:worker_threads");
  const handles: WorkerHandle[] = [];
  for (let i = 0; i < n; i++) {
    const ctl = new Int32Array(new SharedArrayBuffer(16));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(`(${workerMain.toString()})()`, { eval: true, workerData: { ctl, port: port2 }, transferList: [port2] });
    worker.unref();
    port1.unref();
    const failure = () => (receiveMessageOnPort(port1)?.message as { error?: string } | undefined)?.error ?? "no message";
    handles.push({ ctl, port: port1, failure, known: new Set(), exchange: new SharedArrayBuffer(0) });
  }
  return handles;
}

/** The helper threads, started at the first use; null where there are none (or loopThreads.helpers is 0). */
export function helpers(): readonly WorkerHandle[] | null {
  if (loopThreads.helpers < 1) return null;
  if (pool === undefined) pool = startPool();
  return pool ? pool.slice(0, loopThreads.helpers) : null;
}

/** The worker's exchange buffer, at least `bytes` long (a new one, kept, when the old one is smaller). */
export function exchange(w: WorkerHandle, bytes: number): SharedArrayBuffer {
  if (w.exchange.byteLength < bytes) w.exchange = new SharedArrayBuffer(bytes);
  return w.exchange;
}

/** Starts a job of a loop on a worker. */
export function startJob(w: WorkerHandle, spec: LoopSpec, job: Job): void {
  if (!w.known.has(spec.id)) {
    w.port.postMessage({ kind: "loop", spec });
    w.known.add(spec.id);
  }
  Atomics.store(w.ctl, DONE, 0);
  w.port.postMessage({ kind: "job", id: spec.id, ...job });
  Atomics.add(w.ctl, JOB, 1);
  Atomics.notify(w.ctl, JOB);
}

/** Waits until the worker has finished its job; throws what the worker threw. */
export function waitJob(w: WorkerHandle): void {
  for (;;) {
    if (Atomics.load(w.ctl, FAILED) !== 0) throw new Error(`jaxts internal error: a SIMD loop's helper thread failed (${w.failure()})`);
    if (Atomics.load(w.ctl, DONE) !== 0) return;
    Atomics.wait(w.ctl, DONE, 0, 1000);
  }
}

/** Frees a loop's functions in the workers. */
export function forget(id: number): void {
  for (const w of pool ?? []) {
    if (w.known.delete(id)) w.port.postMessage({ kind: "forget", id });
  }
}

/**
 * The worker's program, run as the source of this function: self-contained (no imports, no
 * names from this module). It waits for jobs, and reports a failure through the FAILED word
 * and a message.
 */
type SpecArray = LoopSpec["arrays"][number];

function workerMain(): void {
  const g = globalThis as any;
  const { workerData, receiveMessageOnPort } = g.process.getBuiltinModule("node:worker_threads");
  const { ctl, port } = workerData;
  const loops = new Map();
  const memory = new g.WebAssembly.Memory({ initial: 1 });
  let u8 = new Uint8Array(memory.buffer);
  const link = (bytes: Uint8Array | null) =>
    bytes ? new g.WebAssembly.Instance(new g.WebAssembly.Module(bytes), { e: { m: memory } }).exports.f : null;
  let seen = 0;
  for (;;) {
    g.Atomics.wait(ctl, 0, seen);
    seen = g.Atomics.load(ctl, 0);
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      const msg = m.message;
      try {
        if (msg.kind === "forget") loops.delete(msg.id);
        else if (msg.kind === "loop") {
          const spec = msg.spec;
          const pages = Math.ceil(spec.stageBytes / 65536) + 1;
          if (memory.buffer.byteLength < pages * 65536) {
            memory.grow(pages - memory.buffer.byteLength / 65536);
            u8 = new Uint8Array(memory.buffer);
          }
          loops.set(spec.id, { spec, full: link(spec.full), last: link(spec.last) });
        } else {
          const { spec, full, last } = loops.get(msg.id);
          const views = msg.buffers.map((b: SharedArrayBuffer | null) => (b ? new Uint8Array(b) : null));
          const args = spec.params.map((p: { array?: number; scalar?: number }) =>
            p.array !== undefined ? spec.arrays[p.array].stageAt : msg.scalars[p.scalar as number],
          );
          // block s's part of array a: from byte at + s stride0, `span` bytes
          const span = (a: SpecArray, outer: number) => ((outer - 1) * a.stride0 + a.extent) * a.bytes;
          for (let s = 0; s < msg.outer; s += spec.block) {
            const outer = Math.min(spec.block, msg.outer - s);
            spec.arrays.forEach((a: SpecArray, k: number) => {
              const from = msg.at[k] + s * a.stride0 * a.bytes;
              if (a.role === "in") u8.set(views[k].subarray(from, from + span(a, outer)), a.stageAt);
            });
            (outer === spec.block ? full : last)(...args);
            spec.arrays.forEach((a: SpecArray, k: number) => {
              if (a.role === "out") views[k].set(u8.subarray(a.stageAt, a.stageAt + span(a, outer)), msg.at[k] + s * a.stride0 * a.bytes);
            });
          }
          g.Atomics.store(ctl, 1, 1);
          g.Atomics.notify(ctl, 1);
        }
      } catch (e) {
        port.postMessage({ error: e instanceof Error ? e.message : String(e) });
        g.Atomics.store(ctl, 2, 1);
        g.Atomics.notify(ctl, 1);
      }
    }
  }
}
