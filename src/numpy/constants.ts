export const pi = Math.PI;
export const e = Math.E;
export const inf = Number.POSITIVE_INFINITY;
export const nan = Number.NaN;
/** numpy's newaxis is None; in jaxts it is null (x.get(null, ":")). */
export const newaxis = null;
