// Shared by the optax trajectory tests: rebuilds each optimizer configuration recorded in
// test/fixtures/optax_{quadratic,regression,mlp}.json (see scripts/fixtures_optax.py for
// the format; the chains in CUSTOM mirror the script's one for one), runs 100 training
// steps and compares the parameters with real Optax's.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { jit, numpy as jnp, tree, valueAndGrad } from "../src/index.js";
import * as optax from "../src/optax/index.js";
import { assertTreeClose, get, loadFixture, treeFromFixture } from "./helpers.js";

export const TOL = { rtol: 1e-5, atol: 1e-6 };

type Opts = Record<string, unknown>;
type ScheduleSpec = { schedule: string; opts: Opts };
type LrSpec = number | null | ScheduleSpec;
type Alias = (lr: any, opts?: any) => optax.GradientTransformation;

const ALIASES: Record<string, Alias> = {
  sgd: optax.sgd,
  adam: optax.adam,
  nadam: optax.nadam,
  adamw: optax.adamw,
  nadamw: optax.nadamw,
  rmsprop: optax.rmsprop,
  adagrad: optax.adagrad,
  adadelta: optax.adadelta,
  adafactor: optax.adafactor,
  lion: optax.lion,
  lamb: optax.lamb,
  radam: optax.radam,
};

const SCHEDULES: Record<string, (opts: any) => optax.Schedule> = {
  constantSchedule: (o: { value: number }) => optax.constantSchedule(o.value),
  linearSchedule: optax.linearSchedule,
  polynomialSchedule: optax.polynomialSchedule,
  cosineDecaySchedule: optax.cosineDecaySchedule,
  warmupCosineDecaySchedule: optax.warmupCosineDecaySchedule,
  exponentialDecay: optax.exponentialDecay,
  piecewiseConstantSchedule: optax.piecewiseConstantSchedule,
  // join_schedules([constant(a), linear(a, b, steps), exponential_decay(b, steps, 0.5)], [steps, 2 * steps])
  joinSchedules: (o: { a: number; b: number; steps: number }) =>
    optax.joinSchedules({
      schedules: [
        optax.constantSchedule(o.a),
        optax.linearSchedule({ initValue: o.a, endValue: o.b, transitionSteps: o.steps }),
        optax.exponentialDecay({ initValue: o.b, transitionSteps: o.steps, decayRate: 0.5 }),
      ],
      boundaries: [o.steps, 2 * o.steps],
    }),
};

function isSchedule(x: unknown): x is ScheduleSpec {
  return typeof x === "object" && x !== null && "schedule" in x;
}

export function makeSchedule(spec: ScheduleSpec): optax.Schedule {
  const make = SCHEDULES[spec.schedule];
  assert.ok(make, `unknown schedule ${spec.schedule}`);
  return make(spec.opts);
}

function makeLr(lr: LrSpec): optax.ScalarOrSchedule | null {
  return isSchedule(lr) ? makeSchedule(lr) : lr;
}

const not = (mask: unknown) => tree.map((m: boolean) => !m, mask);

// Mirrors CUSTOM in scripts/fixtures_optax.py.
const CUSTOM: Record<string, (lr: number, mask: unknown) => optax.GradientTransformation> = {
  "clipByGlobalNorm+adam": (lr) => optax.chain(optax.clipByGlobalNorm(1.0), optax.adam(lr)),
  "clip+sgdMomentum": (lr) => optax.chain(optax.clip(0.5), optax.sgd(lr, { momentum: 0.9 })),
  "multiSteps(adam, 3)": (lr) => optax.multiSteps(optax.adam(lr), 3),
  "multiSteps(sgd, 2, sum)": (lr) => optax.multiSteps(optax.sgd(lr, { momentum: 0.5 }), 2, { useGradMean: false }),
  "scaleByRms+piecewiseLr": (lr) =>
    optax.chain(
      optax.scaleByRms(),
      optax.scaleByLearningRate(optax.piecewiseConstantSchedule({ initValue: lr, boundariesAndScales: { 30: 0.5, 60: 0.2 } })),
    ),
  "masked(adam)+masked(sgd)": (lr, mask) => optax.chain(optax.masked(optax.adam(lr), mask), optax.masked(optax.sgd(lr), not(mask))),
  "ema+trace+scale": (lr) => optax.chain(optax.ema(0.9), optax.trace(0.5, { nesterov: true }), optax.scale(-lr)),
  "scaleBySchedule(join)": (lr) =>
    optax.chain(
      optax.scaleByAdam(),
      optax.scaleBySchedule(makeSchedule({ schedule: "joinSchedules", opts: { a: -lr, b: -lr / 4, steps: 30 } })),
    ),
};

export interface Run {
  name: string;
  opt: string;
  lr: LrSpec;
  kwargs: Opts;
  params: unknown;
}

export function buildOptimizer(run: Run, mask: unknown): optax.GradientTransformation {
  const lr = makeLr(run.lr);
  const custom = CUSTOM[run.opt];
  if (custom) return custom(lr as number, mask);
  const alias = ALIASES[run.opt];
  assert.ok(alias, `unknown optimizer ${run.opt}`);
  const opts: Opts = {};
  for (const [k, v] of Object.entries(run.kwargs)) opts[k] = v === "$mask" ? mask : isSchedule(v) ? makeSchedule(v) : v;
  return alias(lr, opts);
}

export type Loss = (params: any, data: any) => JArray;

/** One training step: value_and_grad, opt.update, applyUpdates. */
export function trainStep(loss: Loss, opt: optax.GradientTransformation) {
  const vg = valueAndGrad(loss);
  return (params: unknown, state: unknown, data: unknown): [unknown, unknown] => {
    const [, grads] = vg(params, data);
    const [updates, next] = opt.update(grads, state, params);
    return [optax.applyUpdates(params, updates), next];
  };
}

/**
 * Runs `steps` training steps (the step jitted when asked) and returns the params after
 * every `every`-th, stacked leaf by leaf.
 */
export function trainStacked(
  loss: Loss,
  opt: optax.GradientTransformation,
  params: unknown,
  data: unknown,
  steps: number,
  every: number,
  opts: { jit?: boolean } = {},
): unknown {
  const step = opts.jit ? jit(trainStep(loss, opt)) : trainStep(loss, opt);
  let state = opt.init(params);
  const snaps: unknown[] = [];
  for (let i = 0; i < steps; i++) {
    [params, state] = step(params, state, data);
    if ((i + 1) % every === 0) snaps.push(params);
  }
  return tree.map((...xs: JArray[]) => jnp.stack(xs), snaps[0], ...snaps.slice(1));
}

/**
 * One test per recorded configuration: `steps` training steps on this loss match Optax's
 * parameters. With `jit`, the whole step is jitted (optax_jit.test.ts checks that jitted
 * and eager steps agree).
 */
export function trajectoryTests(problem: string, loss: Loss, opts: { jit?: boolean } = {}): void {
  const fx = loadFixture(`optax_${problem}`);
  const params0 = treeFromFixture(get(fx, "params"));
  const data = treeFromFixture(get(fx, "data"));
  const mask = get(fx, "mask");
  const steps = get(fx, "steps") as number;
  const every = get(fx, "every") as number;
  for (const run of get(fx, "runs") as Run[]) {
    test(`optax ${problem}: ${run.name} matches Optax for ${steps} steps${opts.jit ? " (jitted step)" : ""}`, () => {
      const got = trainStacked(loss, buildOptimizer(run, mask), params0, data, steps, every, opts);
      assertTreeClose(got, run.params, TOL, `${problem}/${run.name} params`);
    });
  }
}

export const losses: Record<"quadratic" | "regression" | "mlp", Loss> = {
  quadratic: (x: JArray, d: { a: JArray; c: JArray }) => jnp.multiply(0.5, jnp.sum(d.a.mul(x.sub(d.c).pow(2)))),
  regression: (p: { b0: JArray; b1: JArray }, d: { X: JArray; y: JArray }) => jnp.mean(d.y.sub(p.b0.add(p.b1.mul(d.X))).pow(2)),
  mlp: (p: { w1: JArray; b1: JArray; w2: JArray; b2: JArray }, d: { x: JArray; y: JArray }) =>
    jnp.mean(jnp.tanh(d.x.matmul(p.w1).add(p.b1)).matmul(p.w2).add(p.b2).sub(d.y).pow(2)),
};
