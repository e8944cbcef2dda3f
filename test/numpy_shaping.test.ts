// Golden tests (test/fixtures/numpy_shaping.json, from scripts/fixtures_numpy.py) for the
// shape functions of src/numpy/shaping.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, numpy as jnp } from "../src/index.js";
import * as Sh from "../src/numpy/shaping.js";
import { type CaseFn, type Registry, runGoldenCases } from "./numpy_golden.js";

const un =
  (f: (x: any) => unknown): CaseFn =>
  (a) =>
    f(a[0]);
/** The fixture passes several arrays; these functions take them as one list. */
const list =
  (f: (xs: any, opts?: any) => unknown): CaseFn =>
  (a, kw) =>
    f(a, kw);
/** atleast*: one array in, one out; several in, a list out. */
const many =
  (f: (...xs: any[]) => unknown): CaseFn =>
  (a) =>
    f(...a);

const REGISTRY: Registry = {
  swapaxes: (a, kw) => Sh.swapaxes(a[0], kw.axis1, kw.axis2),
  moveaxis: (a, kw) => Sh.moveaxis(a[0], kw.source, kw.destination),
  rollaxis: (a, kw) => Sh.rollaxis(a[0], kw.axis, kw.start),
  split: (a, kw) => Sh.split(a[0], kw.spec, kw.axis),
  arraySplit: (a, kw) => Sh.arraySplit(a[0], kw.spec, kw.axis),
  hsplit: (a, kw) => Sh.hsplit(a[0], kw.spec),
  vsplit: (a, kw) => Sh.vsplit(a[0], kw.spec),
  dsplit: (a, kw) => Sh.dsplit(a[0], kw.spec),
  unstack: (a, kw) => Sh.unstack(a[0], kw),
  tile: (a, kw) => Sh.tile(a[0], kw.reps),
  repeat: (a, kw) => Sh.repeat(a[0], kw.repeats, kw.axis, { totalRepeatLength: kw.totalRepeatLength }),
  flip: (a, kw) => Sh.flip(a[0], kw.axis),
  fliplr: un(Sh.fliplr),
  flipud: un(Sh.flipud),
  roll: (a, kw) => Sh.roll(a[0], a[1] ?? kw.shift, kw.axis),
  rot90: (a, kw) => Sh.rot90(a[0], kw.k, { axes: kw.axes }),
  pad: (a, kw) => {
    const { padWidth, mode, ...rest } = kw;
    return mode === undefined ? Sh.pad(a[0], padWidth, rest) : Sh.pad(a[0], padWidth, mode, rest);
  },
  atleast1d: many(Sh.atleast1d),
  atleast2d: many(Sh.atleast2d),
  atleast3d: many(Sh.atleast3d),
  hstack: list(Sh.hstack),
  vstack: list(Sh.vstack),
  dstack: list(Sh.dstack),
  columnStack: list(Sh.columnStack),
  hstackArray: (a) => Sh.hstack(a[0]),
  vstackArray: (a) => Sh.vstack(a[0]),
  concat: (a) => Sh.concat(a),
  block: (a) =>
    Sh.block([
      [a[0], a[1]],
      [a[2], a[3]],
    ]),
  block1d: (a) => Sh.block([a[0], a[1]]),
  append: (a, kw) => Sh.append(a[0], a[1], kw.axis),
  resize: (a, kw) => Sh.resize(a[0], kw.newShape),
  delete: (a, kw) => Sh.delete_(a[0], kw.obj, kw.axis),
  insert: (a, kw) => Sh.insert(a[0], kw.obj, a[1], kw.axis),
  broadcastArrays: (a) => jnp.broadcastArrays(...a),
  ravel: (a) => jnp.ravel(a[0]),
};

runGoldenCases("numpy_shaping", REGISTRY);

test("split explains unequal sections and bad indices", () => {
  assert.throws(() => Sh.split(jnp.ones([5]), 2), /does not split into 2 equal sections; use arraySplit/);
  assert.throws(() => Sh.split(jnp.ones([5]), [3, 1]), /non-decreasing/);
});

test("pad rejects unknown modes and negative widths", () => {
  assert.throws(() => Sh.pad(jnp.ones([3]), 1, "bogus" as never), /unknown mode "bogus"/);
  assert.throws(() => Sh.pad(jnp.ones([3]), -1), /non-negative integers/);
  assert.throws(() => Sh.pad(jnp.ones([0]), 1, "edge"), /cannot apply 'edge' padding to the empty axis 0/);
});

test("the gradient of reflect padding folds the mirrored cotangents back", () => {
  // pad([a, b, c], 2, reflect) = [c, b, a, b, c, b, a]: each weight counts its copies
  const g = grad((x: JArray) => Sh.pad(x, 2, "reflect").mul(jnp.arange(7)).sum())(jnp.array([1, 2, 3]));
  assert.deepEqual(g.tolist(), [2 + 6, 1 + 3 + 5, 0 + 4]);
});
