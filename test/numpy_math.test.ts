// Golden tests (test/fixtures/numpy_math.json, from scripts/fixtures_numpy.py) for the
// elementwise functions of src/numpy/math.ts, plus the division functions of ufuncs.ts
// whose divisor-sign semantics they pin down.
import assert from "node:assert/strict";
import { test } from "node:test";
import { grad, jit, numpy as jnp } from "../src/index.js";
import * as M from "../src/numpy/math.js";
import * as U from "../src/numpy/ufuncs.js";
import { type CaseFn, type Registry, runGoldenCases } from "./numpy_golden.js";

const un =
  (f: (x: any) => unknown): CaseFn =>
  (a) =>
    f(a[0]);
const bin =
  (f: (x: any, y: any) => unknown): CaseFn =>
  (a) =>
    f(a[0], a[1]);

const REGISTRY: Registry = {
  exp2: un(M.exp2),
  log2: un(M.log2),
  log10: un(M.log10),
  arcsin: un(M.arcsin),
  arccos: un(M.arccos),
  arctan: un(M.arctan),
  sinh: un(M.sinh),
  cosh: un(M.cosh),
  arcsinh: un(M.arcsinh),
  arccosh: un(M.arccosh),
  arctanh: un(M.arctanh),
  deg2rad: un(M.deg2rad),
  rad2deg: un(M.rad2deg),
  radians: un(M.radians),
  degrees: un(M.degrees),
  cbrt: un(M.cbrt),
  sinc: un(M.sinc),
  fabs: un(M.fabs),
  rint: un(M.rint),
  trunc: un(M.trunc),
  isnan: un(M.isnan),
  isinf: un(M.isinf),
  isfinite: un(M.isfinite),
  isposinf: un(M.isposinf),
  isneginf: un(M.isneginf),
  signbit: un(M.signbit),
  real: un(M.real),
  imag: un(M.imag),
  conjugate: un(M.conjugate),
  conj: un(M.conj),
  angle: un(M.angle),
  bitwiseNot: un(M.bitwiseNot),
  invert: un(M.invert),
  bitwiseCount: un(M.bitwiseCount),
  round: (a, kw) => M.round(a[0], kw.decimals),
  around: (a, kw) => M.around(a[0], { decimals: kw.decimals }),
  clip: (a) => M.clip(a[0], a[1], a[2]),
  logaddexp: bin(M.logaddexp),
  logaddexp2: bin(M.logaddexp2),
  hypot: bin(M.hypot),
  copysign: bin(M.copysign),
  heaviside: bin(M.heaviside),
  floatPower: bin(M.floatPower),
  fmax: bin(M.fmax),
  fmin: bin(M.fmin),
  arctan2: bin(U.arctan2),
  atan2: bin(M.atan2),
  fmod: bin(M.fmod),
  divmod: bin(M.divmod),
  floorDivide: bin(U.floorDivide),
  remainder: bin(U.remainder),
  mod: bin(U.mod),
  ldexp: bin(M.ldexp),
  frexp: un(M.frexp),
  frexpMantissa: (a) => M.frexp(a[0])[0],
  modf: un(M.modf),
  gcd: bin(M.gcd),
  lcm: bin(M.lcm),
  bitwiseAnd: bin(M.bitwiseAnd),
  bitwiseOr: bin(M.bitwiseOr),
  bitwiseXor: bin(M.bitwiseXor),
  leftShift: bin(M.leftShift),
  rightShift: bin(M.rightShift),
  bitwiseLeftShift: bin(M.bitwiseLeftShift),
  bitwiseRightShift: bin(M.bitwiseRightShift),
  nanToNum: (a, kw) => M.nanToNum(a[0], kw),
  square: un(U.square),
  positive: un(U.positive),
};

runGoldenCases("numpy_math", REGISTRY);

test("clip accepts an options object and null bounds", () => {
  const x = jnp.array([-2, -0.5, 0.5, 2]);
  assert.deepEqual(M.clip(x, { min: -1, max: 1 }).tolist(), [-1, -0.5, 0.5, 1]);
  assert.deepEqual(M.clip(x, null, 0).tolist(), [-2, -0.5, 0, 0]);
  assert.deepEqual(M.clip(x).tolist(), [-2, -0.5, 0.5, 2]);
});

test("sinh, cosh and arcsinh have the closed-form derivatives cosh, sinh and 1/sqrt(1+x^2)", () => {
  for (const v of [-3, -0.7, 0, 1e-4, 0.9, 1.1, 5]) {
    assert.ok(Math.abs(Number(grad(M.sinh)(v)) - Math.cosh(v)) <= 1e-5 * Math.cosh(v));
    assert.ok(Math.abs(Number(grad(M.cosh)(v)) - Math.sinh(v)) <= 1e-5 * Math.max(1, Math.abs(Math.sinh(v))));
    assert.ok(Math.abs(Number(grad(M.arcsinh)(v)) - 1 / Math.sqrt(1 + v * v)) <= 1e-6);
  }
});

test("the derivative of sinc at 0 is 0 and jit(sinc) matches", () => {
  assert.equal(Number(grad(M.sinc)(0)), 0);
  const x = jnp.array([0, 0.25, -1.5]);
  assert.deepEqual(jit(M.sinc)(x).tolist(), M.sinc(x).tolist());
});

test("integer-only functions reject floats with the operation named", () => {
  assert.throws(() => M.gcd(jnp.array([1.5]), 2), /gcd: only integer dtypes/);
  assert.throws(() => M.bitwiseAnd(jnp.array([1.5]), 1), /bitwiseAnd: only integer or boolean dtypes/);
  assert.throws(() => M.ldexp(1.5, jnp.array([1.5])), /ldexp: the exponent must be an integer/);
  assert.throws(() => M.round(jnp.array([1, 2], { dtype: "int32" }), -1), /decimals < 0/);
});

test("float64 inputs (not covered by the float32 fixtures) match JS Math closely", () => {
  const xs = [-30, -2.5, -0.3, 1e-9, 0.7, 4, 700];
  const x = jnp.array(xs, { dtype: "float64" });
  const close = (got: unknown, want: number[], label: string) => {
    const g = got as number[];
    want.forEach((w, i) => assert.ok(Math.abs(g[i]! - w) <= 1e-12 * Math.max(1, Math.abs(w)), `${label}[${i}]: ${g[i]} vs ${w}`));
  };
  close(M.sinh(x).tolist(), xs.map(Math.sinh), "sinh");
  close(M.cosh(x).tolist(), xs.map(Math.cosh), "cosh");
  close(M.arcsinh(x).tolist(), xs.map(Math.asinh), "arcsinh");
  close(M.cbrt(x).tolist(), xs.map(Math.cbrt), "cbrt");
  const big = jnp.array([1.5, 3, 1e300], { dtype: "float64" });
  close(M.arccosh(big).tolist(), [1.5, 3, 1e300].map(Math.acosh), "arccosh");
  assert.deepEqual(M.signbit(jnp.array([-0, 0, -1, 2], { dtype: "float64" })).tolist(), [true, false, true, false]);
  assert.equal(M.ldexp(jnp.array([1.5], { dtype: "float64" }), jnp.array([1000], { dtype: "int32" })).item(), 1.5 * 2 ** 1000);
  const [m, e] = M.frexp(jnp.array([1e300, -3e-310, 6], { dtype: "float64" }));
  const ms = m.tolist() as number[];
  const es = e.tolist() as number[];
  [1e300, -3e-310, 6].forEach((v, i) => {
    assert.ok(Math.abs(ms[i]!) >= 0.5 && Math.abs(ms[i]!) < 1, `frexp mantissa ${ms[i]}`);
    assert.equal(ms[i]! * 2 ** es[i]!, v);
  });
});
