// JavaScript peers each run in a Node process of their own, as the Python peers do. Loading
// a library changes how V8 collects garbage for everything else in the process: once
// jax-js or tfjs-wasm is loaded, the external memory of every freshly allocated output
// (onnxruntime-node's, for instance) starts V8's concurrent marking, whose background
// threads then take a core from the next contestant's worker threads (a 256×256 matmul
// measured 25% slower in a process that had merely loaded jax-js). Separate processes
// give every contestant the machine as it would find it alone.
//
// A contestant factory exported by a workload module runs twice: here, only to read the
// row's name, threads and note (factories do no work until setup), and in the child
// (bench/workloads/isolated_server.ts), which builds the same contestant from the same
// arguments and answers setup, check and time requests, one JSON line each way.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Contestant } from "./harness.js";

/** A Float32Array argument travels as a file of raw bytes. */
export interface F32File {
  f32: string;
}

/** The arguments with every Float32Array written to a file under `dir`. */
function encodeArgs(value: unknown, dir: string, counter = { n: 0 }): unknown {
  if (value instanceof Float32Array) {
    const file = join(dir, `arg${counter.n++}.f32`);
    writeFileSync(file, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return { f32: file } satisfies F32File;
  }
  if (Array.isArray(value)) return value.map((v) => encodeArgs(v, dir, counter));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeArgs(v, dir, counter)]));
  }
  return value;
}

/**
 * `factory(...args)` run in a child process: `moduleUrl` is the workload module's
 * import.meta.url, and `factory` one of its exports.
 */
export function isolated<A extends unknown[]>(moduleUrl: string, factory: (...args: A) => Contestant, ...args: A): Contestant {
  const local = factory(...args);
  let child: ReturnType<typeof spawn> | null = null;
  let dir: string | null = null;
  const pending: { resolve: (v: any) => void; reject: (e: Error) => void }[] = [];
  let exited: string | null = null;

  const request = async (req: object): Promise<any> => {
    if (exited) throw new Error(exited);
    const reply = await new Promise<any>((resolve, reject) => {
      pending.push({ resolve, reject });
      child!.stdin!.write(`${JSON.stringify(req)}\n`);
    });
    if (!reply.ok) throw new Error(reply.error);
    return reply;
  };

  return {
    name: local.name,
    threads: local.threads,
    note: local.note,
    unavailable: local.unavailable,
    async setup() {
      dir = mkdtempSync(join(tmpdir(), "jaxts-bench-js-"));
      const server = fileURLToPath(new URL("./isolated_server.js", import.meta.url));
      child = spawn(process.execPath, [server], { stdio: ["pipe", "pipe", "inherit"] });
      createInterface({ input: child.stdout! }).on("line", (line) => pending.shift()?.resolve(JSON.parse(line)));
      child.on("exit", (code, signal) => {
        exited = `the peer's process exited (${signal ?? code})`;
        for (const p of pending.splice(0)) p.reject(new Error(exited));
      });
      await request({ op: "setup", module: moduleUrl, factory: factory.name, args: encodeArgs(args, dir) });
    },
    time: async (reps) => (await request({ op: "time", reps })).seconds as number,
    check: async () => (await request({ op: "check" })).value as number[],
    teardown() {
      child?.stdin?.end();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
