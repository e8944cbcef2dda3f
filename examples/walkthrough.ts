// `npm start`: the blog post's walkthrough, end to end, with its figures written to out/.
import { main as linearRegression } from "./linear-regression.js";
import { main as optimizers } from "./optimizers.js";
import { main as sineDerivative } from "./sine-derivative.js";

const outDir = process.env.OUT_DIR ?? "out";
await sineDerivative(outDir);
console.log();
await linearRegression(outDir);
console.log();
await optimizers(outDir);
