// jaxts: JAX's programming model in TypeScript.
import "./numpy/methods.js";

export { exportOnnx, writeOnnx } from "./backends/ort/export.js";
export { configureOrt, ortAvailable, ortUnavailableReason } from "./backends/ort/session.js";
export { type OrtWebModule, ortWebAvailable, useOnnxruntimeWeb } from "./backends/ort_web/runtime.js";
export { type Backend, defaultBackend, devices, setDefaultBackend } from "./backends/select.js";
export { type ArrayLike, type AtGetOpts, type AtUpdateOpts, type IndexItem, type IndexUpdateRef, JaxArray as Array } from "./core/array.js";
export { ShapedArray } from "./core/aval.js";
export type { DType } from "./core/dtype.js";
export { ClosedJaxpr, Jaxpr } from "./core/jaxpr.js";
export { definePrimitive, type Primitive } from "./core/primitive.js";
export * as tree from "./core/tree.js";
export { registerPytreeNode } from "./core/tree.js";
export * as debug from "./debug.js";
export * as io from "./io/index.js";
export * as lax from "./lax/index.js";
export * as nn from "./nn/index.js";
export * as numpy from "./numpy/index.js";
export { ConcretizationTypeError } from "./numpy/methods.js";
export * as optax from "./optax/index.js";
export * as random from "./random/index.js";
export { type GradOpts, grad, jvp, linearize, linearTranspose, valueAndGrad, vjp } from "./transforms/autodiff.js";
export { checkpoint, remat } from "./transforms/checkpoint.js";
export { customJvp, customVjp } from "./transforms/custom.js";
export { hessian, type JacOpts, jacfwd, jacrev } from "./transforms/jacobians.js";
export { evalShape, type JitOpts, type Jitted, jit, makeJaxpr } from "./transforms/jit.js";
export { type AxisSpec, type VmapOpts, vmap } from "./transforms/vmap.js";
