// The programs of the browser test, shared by the page (which runs them in Chromium: eager,
// jit on the cpu engine, and callAsync on onnxruntime-web) and by the runner (which runs them
// eagerly in Node for the expected values). Each gets the jaxts module, so this file imports
// nothing and loads the same way in both places.

/**
 * Name -> {f, args, run, backend?}: run is "eager", "jit" (synchronous call) or "callAsync";
 * backend is jit's.
 */
/** A softmax over the last axis, written out (the composite nn.softmax is expanded only inside jit). */
export function softmaxRows(jnp, v) {
  const e = jnp.exp(v.sub(jnp.max(v, -1, { keepdims: true })));
  return e.div(jnp.sum(e, -1, { keepdims: true }));
}

export function programs(jax) {
  const { numpy: jnp, grad, vmap, valueAndGrad, tree } = jax;
  const x = jnp.linspace(-2, 2, 9);
  const rows = jnp.sin(jnp.arange(12).reshape([4, 3]));
  // a 256x256 MLP step: about 2e8 FLOPs, far above the cost model's threshold, so "auto"
  // sends callAsync to onnxruntime-web in a browser
  const n = 256;
  const params = {
    w1: jnp.sin(jnp.arange(n * n).reshape([n, n])).mul(0.05),
    b1: jnp.cos(jnp.arange(n)).mul(0.1),
    w2: jnp.cos(jnp.arange(n * n).reshape([n, n])).mul(0.05),
  };
  const xb = jnp.sin(
    jnp
      .arange(n * n)
      .mul(0.37)
      .reshape([n, n]),
  );
  const yb = jnp.cos(
    jnp
      .arange(n * n)
      .mul(0.11)
      .reshape([n, n]),
  );
  const loss = (p, xs, ys) => jnp.tanh(xs.matmul(p.w1).add(p.b1)).matmul(p.w2).sub(ys).pow(2).mean();
  const step = (p, xs, ys) => {
    const [l, g] = valueAndGrad(loss)(p, xs, ys);
    return { loss: l, params: tree.map((w, dw) => w.sub(dw.mul(0.1)), p, g) };
  };
  return {
    gradSin: { f: grad((v) => jnp.sin(v).sum()), args: [x], run: "eager" },
    vmapRowNorm: { f: vmap((r) => r.mul(r).sum().sqrt()), args: [rows], run: "eager" },
    jitSmall: { f: (v) => jnp.tanh(v).mul(3).add(v.pow(2)), args: [x], run: "jit" },
    // rows of 256: the cpu engine compiles these loops to WebAssembly SIMD (one small module each)
    softmaxRows: { f: (v) => softmaxRows(jnp, v), args: [jnp.sin(jnp.arange(1024).mul(0.37)).mul(5).reshape([4, 256])], run: "jit" },
    mlpStepSync: { f: step, args: [params, xb, yb], run: "jit" },
    mlpStepAsync: { f: step, args: [params, xb, yb], run: "callAsync" },
    // onnxruntime-web returns float16 as a Float16Array where the browser has one
    halfAsync: { f: (v) => [v.astype("float16").mul(3), jnp.exp(v.astype("float16"))], args: [x], run: "callAsync", backend: "ort-web" },
  };
}
