/**
 * Ordinary least squares by the normal equations (Cholesky), for the small designs of the
 * apportionment analyses (a handful of regressors, thousands of rows). Returns the coefficients
 * and their standard errors; null when the design is singular.
 */
export function ols(
  rows: readonly (readonly number[])[],
  y: readonly number[],
): { beta: number[]; se: number[]; residualSd: number; n: number } | null {
  const n = rows.length;
  const k = rows[0]?.length ?? 0;
  if (n <= k || k === 0) return null;
  const xtx = Array.from({ length: k }, () => new Float64Array(k));
  const xty = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    const x = rows[r] as readonly number[];
    const yr = y[r] as number;
    for (let i = 0; i < k; i++) {
      const xi = x[i] as number;
      xty[i]! += xi * yr;
      const row = xtx[i] as Float64Array;
      for (let j = 0; j <= i; j++) row[j]! += xi * (x[j] as number);
    }
  }
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) (xtx[i] as Float64Array)[j] = (xtx[j] as Float64Array)[i] as number;
  const inv = invertSpd(xtx);
  if (!inv) return null;
  const beta = inv.map((row) => row.reduce((s, v, j) => s + v * (xty[j] as number), 0));
  let sse = 0;
  for (let r = 0; r < n; r++) {
    const x = rows[r] as readonly number[];
    let fit = 0;
    for (let i = 0; i < k; i++) fit += (x[i] as number) * (beta[i] as number);
    sse += ((y[r] as number) - fit) ** 2;
  }
  const s2 = sse / (n - k);
  return {
    beta,
    se: inv.map((row, i) => Math.sqrt(Math.max(0, (row[i] as number) * s2))),
    residualSd: Math.sqrt(s2),
    n,
  };
}

/** Inverse of a symmetric positive-definite matrix by Cholesky; null if not positive definite. */
function invertSpd(a: readonly Float64Array[]): number[][] | null {
  const k = a.length;
  const l = Array.from({ length: k }, () => new Float64Array(k));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (a[i] as Float64Array)[j] as number;
      for (let p = 0; p < j; p++) s -= ((l[i] as Float64Array)[p] as number) * ((l[j] as Float64Array)[p] as number);
      if (i === j) {
        if (s <= 1e-12) return null;
        (l[i] as Float64Array)[i] = Math.sqrt(s);
      } else (l[i] as Float64Array)[j] = s / ((l[j] as Float64Array)[j] as number);
    }
  }
  // inv(A) = inv(L)ᵀ inv(L)
  const li = Array.from({ length: k }, () => new Float64Array(k));
  for (let i = 0; i < k; i++) {
    (li[i] as Float64Array)[i] = 1 / ((l[i] as Float64Array)[i] as number);
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let p = j; p < i; p++) s -= ((l[i] as Float64Array)[p] as number) * ((li[p] as Float64Array)[j] as number);
      (li[i] as Float64Array)[j] = s / ((l[i] as Float64Array)[i] as number);
    }
  }
  const out = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let p = Math.max(i, j); p < k; p++)
        s += ((li[p] as Float64Array)[i] as number) * ((li[p] as Float64Array)[j] as number);
      (out[i] as number[])[j] = s;
    }
  return out;
}
