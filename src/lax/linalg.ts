// jax.lax.linalg: the linear-algebra primitives themselves (batched over leading axes).
export { cholesky, eigh, lu, qr, svd, triangularSolve } from "../primitives/linalg.js";
