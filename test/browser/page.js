// The browser side of `npm run test:browser`. ?ort=module registers the onnxruntime-web ES
// module with useOnnxruntimeWeb; ?ort=global loads its script-tag build, whose global `ort`
// jaxts detects by itself. Either way the engine is wrapped in a counter, to prove that the
// callAsync programs ran in onnxruntime-web (and nothing else did), and the results go to
// globalThis.__jaxtsResult for the runner (scripts/browser_test.mjs) to compare with Node.

import { compiledSource } from "/dist/src/backends/cpu/codegen.js";
import { useOnnxruntimeWeb } from "/dist/src/backends/ort_web/runtime.js";
import { optimizeJaxpr } from "/dist/src/compiler/passes.js";
import * as jax from "/dist/src/index.js";
import { programs, softmaxRows } from "./programs.js";

const counts = { sessions: 0, runs: 0 };

function counted(ort) {
  return {
    Tensor: ort.Tensor,
    env: ort.env,
    InferenceSession: {
      async create(model, options) {
        const session = await ort.InferenceSession.create(model, options);
        counts.sessions++;
        return {
          run(feeds) {
            counts.runs++;
            return session.run(feeds);
          },
        };
      },
    },
  };
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}

async function main() {
  const mode = new URL(location.href).searchParams.get("ort");
  const before = jax.devices().map((d) => d.backend);
  if (mode === "global") {
    await loadScript("/node_modules/onnxruntime-web/dist/ort.min.js");
    globalThis.ort = counted(globalThis.ort);
  } else {
    useOnnxruntimeWeb(counted(await import("onnxruntime-web")));
  }
  const results = {};
  for (const [name, { f, args, run, backend }] of Object.entries(programs(jax))) {
    const jf = jax.jit(f, { backend });
    const call = () => (run === "eager" ? f(...args) : run === "jit" ? jf(...args) : jf.callAsync(...args));
    let t = performance.now();
    const out = await call();
    const ms = performance.now() - t;
    // once more, compiled: the steady-state time
    t = performance.now();
    await call();
    const msAgain = performance.now() - t;
    const leaves = jax.tree.leaves(out).map((l) => ({ shape: [...l.shape], dtype: l.dtype, data: Array.from(l.dataSync()) }));
    results[name] = { ms, msAgain, leaves };
  }
  // whether the main thread compiled the softmax's loops as WebAssembly SIMD (Chromium
  // refuses large modules there, and such loops stay JavaScript)
  const { numpy: jnp } = jax;
  const rows = jnp.zeros([4, 256]);
  const simdLoops = (compiledSource(optimizeJaxpr(jax.makeJaxpr((v) => softmaxRows(jnp, v))(rows))).match(/simd_\d+\(/g) ?? []).length;
  return {
    mode,
    simdLoops,
    crossOriginIsolated,
    float16Array: typeof Float16Array === "function",
    devicesBefore: before,
    devices: jax.devices().map((d) => d.backend),
    counts,
    results,
  };
}

const log = document.getElementById("log");
main().then(
  (r) => {
    log.textContent = "done";
    globalThis.__jaxtsResult = r;
  },
  (e) => {
    log.textContent = String(e?.stack ?? e);
    globalThis.__jaxtsResult = { error: String(e?.stack ?? e) };
  },
);
