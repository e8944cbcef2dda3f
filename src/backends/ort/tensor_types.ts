// The onnxruntime JavaScript tensor type each dtype crosses a graph boundary as (the same
// for onnxruntime-node and onnxruntime-web). Their tensors have no bfloat16, so lower.ts
// declares bfloat16 inputs and outputs as their uint16 bits.
import type { DType } from "../../core/dtype.js";

export type OrtTensorType = "float32" | "float64" | "float16" | "int32" | "uint32" | "int16" | "uint16" | "int8" | "uint8" | "bool";

export const TENSOR_TYPE: Record<DType, OrtTensorType> = {
  float32: "float32",
  float64: "float64",
  float16: "float16",
  bfloat16: "uint16",
  int32: "int32",
  uint32: "uint32",
  int16: "int16",
  uint16: "uint16",
  int8: "int8",
  uint8: "uint8",
  bool: "bool",
};
