// Golden trajectories against real Optax (test/fixtures/optax_quadratic.json): every optimizer
// configuration, 100 training steps on the quadratic problem, parameters within 1e-5 relative.
import { losses, trajectoryTests } from "./optax_trajectories.js";

trajectoryTests("quadratic", losses.quadratic);
