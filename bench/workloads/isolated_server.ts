// The child side of bench/workloads/isolated.ts: builds one contestant from a workload
// module's factory and answers requests, one JSON line each way:
//   {"op": "setup", "module": url, "factory": name, "args": [...]} -> {"ok": true}
//   {"op": "check"}             -> {"ok": true, "value": [numbers]}
//   {"op": "time", "reps": R}   -> {"ok": true, "seconds": S}
// Any failure replies {"ok": false, "error": message}.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { type Contestant, errorText } from "./harness.js";

function decodeArgs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeArgs);
  if (value !== null && typeof value === "object") {
    const file = (value as { f32?: unknown }).f32;
    if (typeof file === "string") {
      const bytes = readFileSync(file);
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeArgs(v)]));
  }
  return value;
}

let contestant: Contestant | null = null;

async function answer(req: any): Promise<object> {
  switch (req.op) {
    case "setup": {
      const mod = await import(req.module);
      contestant = mod[req.factory](...(decodeArgs(req.args) as unknown[])) as Contestant;
      await contestant.setup?.();
      return {};
    }
    case "check":
      return { value: await contestant!.check() };
    case "time":
      return { seconds: await contestant!.time(req.reps) };
    default:
      throw new Error(`unknown op ${req.op}`);
  }
}

// requests are answered one at a time, in order
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on("line", (line) => {
  queue = queue.then(async () => {
    let reply: object;
    try {
      const req = JSON.parse(line);
      reply = { ok: true, ...(await answer(req)) };
    } catch (e) {
      reply = { ok: false, error: errorText(e) };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  });
});
