// jaxts: JAX's programming model in TypeScript.
import "./numpy/methods.js";

export { type ArrayLike, type AtGetOpts, type AtUpdateOpts, type IndexItem, type IndexUpdateRef, JaxArray as Array } from "./core/array.js";
export type { DType } from "./core/dtype.js";
export { ShapedArray } from "./core/aval.js";
export { ClosedJaxpr, Jaxpr } from "./core/jaxpr.js";
export { definePrimitive, type Primitive } from "./core/primitive.js";
export * as tree from "./core/tree.js";
export { registerPytreeNode } from "./core/tree.js";
export { ConcretizationTypeError } from "./numpy/methods.js";
export * as numpy from "./numpy/index.js";
export * as lax from "./lax/index.js";
export * as io from "./io/index.js";
export * as nn from "./nn/index.js";
export * as optax from "./optax/index.js";
export * as random from "./random/index.js";
export { grad, type GradOpts, jvp, linearize, linearTranspose, valueAndGrad, vjp } from "./transforms/autodiff.js";
export { checkpoint, remat } from "./transforms/checkpoint.js";
export { customJvp, customVjp } from "./transforms/custom.js";
export * as debug from "./debug.js";
export { hessian, jacfwd, jacrev, type JacOpts } from "./transforms/jacobians.js";
export { evalShape, jit, type JitOpts, type Jitted, makeJaxpr } from "./transforms/jit.js";
export { type Backend, defaultBackend, devices, setDefaultBackend } from "./backends/select.js";
export { configureOrt, ortAvailable, ortUnavailableReason } from "./backends/ort/session.js";
export { exportOnnx, writeOnnx } from "./backends/ort/export.js";
export { type AxisSpec, vmap, type VmapOpts } from "./transforms/vmap.js";
