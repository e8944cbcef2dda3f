// The abstract value of an array: what tracing knows about it (shape, dtype, weak type).
import { type DType, isFloat } from "./dtype.js";
import { fmtShape, type Shape, sizeOf } from "./shape.js";

export class ShapedArray {
  constructor(
    readonly shape: Shape,
    readonly dtype: DType,
    readonly weakType = false,
  ) {}
  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return sizeOf(this.shape);
  }
  /** Used as a cache key by jit: two avals with the same key trace identically. */
  key(): string {
    this._key ??= `${this.dtype}${this.weakType ? "~" : ""}[${this.shape.join(",")}]`;
    return this._key;
  }
  private _key: string | undefined;
  strong(): ShapedArray {
    return this.weakType ? new ShapedArray(this.shape, this.dtype, false) : this;
  }
  /** The short form used in printed jaxprs: f32[3,4]. */
  str(): string {
    return `${SHORT[this.dtype]}[${this.shape.join(",")}]`;
  }
  toString(): string {
    return `ShapedArray(${this.dtype}${fmtShape(this.shape)}${this.weakType ? ", weak" : ""})`;
  }
  get isFloat(): boolean {
    return isFloat(this.dtype);
  }
}

export const SHORT: Record<DType, string> = {
  bool: "bool",
  int8: "i8",
  uint8: "u8",
  int16: "i16",
  uint16: "u16",
  int32: "i32",
  uint32: "u32",
  float16: "f16",
  bfloat16: "bf16",
  float32: "f32",
  float64: "f64",
};
