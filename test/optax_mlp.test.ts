// Golden trajectories against real Optax (test/fixtures/optax_mlp.json): every optimizer
// configuration, 100 jitted training steps on the mlp problem, parameters within 1e-5 relative.
import { losses, trajectoryTests } from "./optax_trajectories.js";

// The step is jitted: the MLP's eager step is slow enough to make this file take seconds.
trajectoryTests("mlp", losses.mlp, { jit: true });
