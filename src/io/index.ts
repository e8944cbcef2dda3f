// jaxts.io: arrays to and from files. safetensors (named tensors with string metadata, the
// format of Hugging Face checkpoints) and NumPy's .npy. Each has byte-level save/load, which
// work anywhere, and saveFile/loadFile, which need Node.js.
export * as npy from "./npy.js";
export * as safetensors from "./safetensors.js";
