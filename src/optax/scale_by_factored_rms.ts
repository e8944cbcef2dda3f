// Adafactor's rescaling (optax.scale_by_factored_rms): divide by the root of an EMA of
// squared gradients, which for large enough matrices is stored factored as its row and
// column means (O(n + m) memory instead of O(nm)) and reconstructed as an outer product.
import type { JaxArray } from "../core/array.js";
import { flatten, unflatten } from "../core/tree.js";
import * as jnp from "../numpy/index.js";
import { checkSameStructure, type GradientTransformation, NO_PARAMS_MSG, type PyTree } from "./transform.js";
import { safeIncrement, zeroCount } from "./tree_math.js";

export interface FactoredState {
  count: JaxArray;
  /** Per leaf: row statistics (the mean over the largest axis), or a [1] placeholder. */
  vRow: PyTree;
  /** Per leaf: column statistics (the mean over the second-largest axis), or a [1] placeholder. */
  vCol: PyTree;
  /** Per leaf: the full statistics when not factored, or a [1] placeholder. */
  v: PyTree;
}

export interface ScaleByFactoredRmsOpts {
  /** Factor the statistics of matrices whose two largest axes are both >= minDimSizeToFactor (default true). */
  factored?: boolean;
  /** Exponent of the decay schedule 1 - (t + 1)**(-decayRate) (default 0.8). */
  decayRate?: number;
  /** Subtracted from the step count in that schedule, for fine-tuning (default 0). */
  stepOffset?: number;
  /** Default 128. */
  minDimSizeToFactor?: number;
  /** Added to the squared gradients (default 1e-30). */
  epsilon?: number;
}

/** The (second-largest, largest) axes of a shape when its statistics are factored, else null. */
function factoredDims(shape: readonly number[], factored: boolean, minDim: number): [number, number] | null {
  if (!factored || shape.length < 2) return null;
  // a stable ascending argsort, as numpy's for these small sizes
  const sorted = shape.map((_, i) => i).sort((a, b) => shape[a]! - shape[b]! || a - b);
  const d1 = sorted[sorted.length - 2]!;
  const d0 = sorted[sorted.length - 1]!;
  if (shape[d1]! < minDim) return null;
  return [d1, d0];
}

export function scaleByFactoredRms(opts: ScaleByFactoredRmsOpts = {}): GradientTransformation<FactoredState> {
  const factored = opts.factored ?? true;
  const decayRate = opts.decayRate ?? 0.8;
  const stepOffset = opts.stepOffset ?? 0;
  const minDim = opts.minDimSizeToFactor ?? 128;
  const epsilon = opts.epsilon ?? 1e-30;
  const placeholder = (dtype: JaxArray["dtype"]) => jnp.zeros([1], { dtype });

  return {
    init(params) {
      const [leaves, def] = flatten(params);
      const vRow: JaxArray[] = [];
      const vCol: JaxArray[] = [];
      const v: JaxArray[] = [];
      for (const p of leaves as JaxArray[]) {
        const dims = factoredDims(p.shape, factored, minDim);
        if (dims) {
          const [d1, d0] = dims;
          vRow.push(
            jnp.zeros(
              p.shape.filter((_, i) => i !== d0),
              { dtype: p.dtype },
            ),
          );
          vCol.push(
            jnp.zeros(
              p.shape.filter((_, i) => i !== d1),
              { dtype: p.dtype },
            ),
          );
          v.push(placeholder(p.dtype));
        } else {
          vRow.push(placeholder(p.dtype));
          vCol.push(placeholder(p.dtype));
          v.push(jnp.zerosLike(p));
        }
      }
      return { count: zeroCount(), vRow: unflatten(def, vRow), vCol: unflatten(def, vCol), v: unflatten(def, v) };
    },
    update(updates, state, params) {
      if (params === undefined || params === null) throw new Error(`optax.scaleByFactoredRms: ${NO_PARAMS_MSG}`);
      checkSameStructure("scaleByFactoredRms", { updates, params, "state.vRow": state.vRow, "state.vCol": state.vCol, "state.v": state.v });
      const [gradLeaves, def] = flatten(updates);
      const grads = gradLeaves as JaxArray[];
      const ps = flatten(params)[0] as JaxArray[];
      const rows = flatten(state.vRow)[0] as JaxArray[];
      const cols = flatten(state.vCol)[0] as JaxArray[];
      const vs = flatten(state.v)[0] as JaxArray[];
      // decay_t = 1 - (t + 1)**(-decayRate), with t the count before this step
      const t = jnp.add(jnp.subtract(state.count, stepOffset), 1).astype("float32");
      const decay = jnp.subtract(1, jnp.power(t, jnp.full([], -decayRate)));
      const oneMinusDecay = jnp.subtract(1, decay);
      const out: JaxArray[] = [];
      const newRows: JaxArray[] = [];
      const newCols: JaxArray[] = [];
      const newVs: JaxArray[] = [];
      grads.forEach((g, i) => {
        const p = ps[i]!;
        const dims = factoredDims(p.shape, factored, minDim);
        const gradSqr = jnp.add(jnp.multiply(g, g), epsilon);
        if (dims) {
          const [d1, d0] = dims;
          const vRow = jnp.add(jnp.multiply(decay, rows[i]!), jnp.multiply(oneMinusDecay, jnp.mean(gradSqr, d0))).astype(p.dtype);
          const vCol = jnp.add(jnp.multiply(decay, cols[i]!), jnp.multiply(oneMinusDecay, jnp.mean(gradSqr, d1))).astype(p.dtype);
          const reducedD1 = d1 > d0 ? d1 - 1 : d1;
          const rowColMean = jnp.mean(vRow, reducedD1, { keepdims: true });
          const rowFactor = jnp.power(jnp.divide(vRow, rowColMean), jnp.full([], -0.5));
          const colFactor = jnp.power(vCol, jnp.full([], -0.5));
          out.push(jnp.multiply(jnp.multiply(g, jnp.expandDims(rowFactor, d0)), jnp.expandDims(colFactor, d1)));
          newRows.push(vRow);
          newCols.push(vCol);
          newVs.push(placeholder(p.dtype));
        } else {
          const v = jnp.add(jnp.multiply(decay, vs[i]!), jnp.multiply(oneMinusDecay, gradSqr)).astype(p.dtype);
          out.push(jnp.multiply(g, jnp.power(v, jnp.full([], -0.5))));
          newRows.push(placeholder(p.dtype));
          newCols.push(placeholder(p.dtype));
          newVs.push(v);
        }
      });
      return [
        unflatten(def, out),
        { count: safeIncrement(state.count), vRow: unflatten(def, newRows), vCol: unflatten(def, newCols), v: unflatten(def, newVs) },
      ];
    },
  };
}
