// Shapes: validation, sizes, strides and numpy broadcasting.

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function shapeEq(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function fmtShape(s: Shape): string {
  return `[${s.join(", ")}]`;
}

export function checkShape(op: string, shape: unknown): number[] {
  if (typeof shape === "number") shape = [shape];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TypeError(`${op}: a shape must be an array of non-negative integers, got ${JSON.stringify(shape)}.`);
  }
  return shape as number[];
}

/** Normalizes a possibly negative axis against rank `ndim`, with an error naming the op. */
export function normAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new RangeError(`${op}: axis ${axis} is out of bounds for an array of rank ${ndim}.`);
  }
  return axis < 0 ? axis + ndim : axis;
}

export function normAxes(op: string, axes: number | readonly number[] | null | undefined, ndim: number): number[] {
  if (axes === null || axes === undefined) return [...Array(ndim).keys()];
  const list = typeof axes === "number" ? [axes] : axes;
  const out = list.map((a) => normAxis(op, a, ndim));
  if (new Set(out).size !== out.length) throw new Error(`${op}: repeated axis in ${JSON.stringify(axes)}.`);
  return out;
}

/** numpy broadcasting of several shapes; the error names the op and every shape. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  // the common case, shapes that already agree, allocates nothing but the result
  const first = shapes[0] ?? [];
  let same = true;
  for (let k = 1; k < shapes.length && same; k++) same = shapeEq(first, shapes[k]!);
  if (same) return [...first];
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = nd - s.length + i;
      const d = s[i]!;
      if (out[j] === 1) out[j] = d;
      else if (d !== 1 && d !== out[j]) {
        throw new Error(
          `${op}: shapes ${shapes.map(fmtShape).join(" and ")} cannot be broadcast together ` +
            `(axis ${j - nd} has sizes ${out[j]} and ${d}). Reshape or expand one operand so that each axis matches or is 1.`,
        );
      }
    }
  }
  return out;
}
