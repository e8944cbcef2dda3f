// `npm run test:browser`: jaxts in a real browser, loaded without a bundler. Serves the repo
// root over HTTP, opens test/browser/index.html in headless Chromium (Debian's
// /usr/bin/chromium, or $CHROMIUM) once per way of loading onnxruntime-web, and compares
// what the page computes (eager grad and vmap, jit on the cpu engine, callAsync of a heavy
// MLP step on onnxruntime-web) with eager jaxts in Node. Exits non-zero on any mismatch.
// Not part of `npm test`: machines without Chromium cannot run it.
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import * as jax from "../dist/src/index.js";
import { programs } from "../test/browser/programs.js";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const TOL = { rtol: 1e-5, atol: 1e-5 };
const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".wasm": "application/wasm",
};

function serve() {
  const server = createServer(async (req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url, "http://x").pathname)));
    const type = MIME[extname(path)];
    try {
      if (!path.startsWith(root + sep) || !type || !(await stat(path)).isFile()) throw new Error("not served");
      // cross-origin isolation lets onnxruntime-web use SharedArrayBuffer, hence its threads
      res.writeHead(200, {
        "content-type": type,
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-embedder-policy": "require-corp",
      });
      res.end(await readFile(path));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

function compare(got, want) {
  const problems = [];
  if (got.length !== want.length) return { problems: [`${got.length} leaves, Node has ${want.length}`], count: 1, worst: Infinity };
  let worst = 0;
  want.forEach((w, i) => {
    const g = got[i];
    if (g.dtype !== w.dtype || g.shape.join() !== w.shape.join()) {
      problems.push(`leaf ${i}: ${g.dtype}[${g.shape}] in the browser, ${w.dtype}[${w.shape}] in Node`);
      return;
    }
    const data = Array.from(w.dataSync(), Number);
    data.forEach((e, k) => {
      const ratio = Math.abs(g.data[k] - e) / (TOL.atol + TOL.rtol * Math.abs(e));
      if (!(ratio <= 1)) problems.push(`leaf ${i}[${k}]: browser ${g.data[k]}, Node ${e}`);
      worst = Math.max(worst, ratio);
    });
  });
  return { problems: problems.slice(0, 5), count: problems.length, worst };
}

const expected = Object.fromEntries(Object.entries(programs(jax)).map(([name, { f, args }]) => [name, jax.tree.leaves(f(...args))]));

const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(executablePath)) {
  console.error(`browser test: no Chromium at ${executablePath}; install it (apt-get install chromium) or set CHROMIUM to its path.`);
  process.exit(1);
}
const server = await serve();
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
let failures = 0;
const fail = (msg) => {
  failures++;
  console.log(`  FAIL ${msg}`);
};
try {
  console.log(`browser: Chromium ${browser.version()}`);
  for (const mode of ["module", "global"]) {
    const page = await browser.newPage();
    const messages = [];
    page.on("console", (m) => messages.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => messages.push(`pageerror: ${e.message}`));
    page.on("response", (res) => res.status() >= 400 && messages.push(`HTTP ${res.status()}: ${res.url()}`));
    await page.goto(`${base}/test/browser/index.html?ort=${mode}`);
    await page.waitForFunction(() => globalThis.__jaxtsResult !== undefined, undefined, { timeout: 300_000 });
    const r = await page.evaluate(() => globalThis.__jaxtsResult);
    console.log(`\nonnxruntime-web as ${mode === "module" ? "an ES module (useOnnxruntimeWeb)" : "the script-tag global ort"}:`);
    for (const m of messages) console.log(`  console ${m}`);
    if (r.error) {
      fail(`the page threw: ${r.error}`);
      await page.close();
      continue;
    }
    console.log(`  crossOriginIsolated ${r.crossOriginIsolated}, Float16Array ${r.float16Array}; devices() before ${r.devicesBefore}, after ${r.devices}`);
    if (r.devicesBefore.includes("ort-web") || !r.devices.includes("ort-web") || r.devices.includes("ort")) {
      fail("devices() should list ort-web only once onnxruntime-web is there, and never onnxruntime-node's ort");
    }
    for (const [name, want] of Object.entries(expected)) {
      const { problems, count, worst } = compare(r.results[name].leaves, want);
      if (count > 0) fail(`${name}: ${count} elements differ from Node, e.g. ${problems.join("; ")}`);
      else {
        const { ms, msAgain } = r.results[name];
        console.log(`  ok ${name} (browser: ${ms.toFixed(0)} ms, then ${msAgain.toFixed(0)} ms; worst error ${worst.toFixed(3)} of the tolerance)`);
      }
    }
    // the softmax's three loops (max, exp and sum, divide) compile to WebAssembly SIMD on the main thread
    if (r.simdLoops !== 3) fail(`the softmax compiled to ${r.simdLoops} WebAssembly SIMD loops in the browser, not 3`);
    else console.log("  ok the softmax's loops ran as WebAssembly SIMD (3 modules compiled on the main thread)");
    // the two callAsync programs (each called twice) are the ones that may run in onnxruntime-web
    if (r.counts.sessions !== 2 || r.counts.runs !== 4) {
      fail(`onnxruntime-web made ${r.counts.sessions} sessions and ${r.counts.runs} runs; the two callAsync programs should make 2 and 4`);
    } else console.log("  ok the callAsync programs ran in onnxruntime-web (2 sessions, 4 runs); everything else on the cpu engine");
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(failures === 0 ? "\nbrowser test passed" : `\nbrowser test FAILED (${failures} failures)`);
process.exit(failures === 0 ? 0 : 1);
