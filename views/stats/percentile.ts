/**
 * The percentile of HJ 663-2013 Appendix A (docs/standards.md §3.2): with n values sorted ascending,
 * k = 1 + (n − 1)·p/100, s = ⌊k⌋, P = X(s) + (X(s+1) − X(s))·(k − s), and P = X(n) when s = n.
 * The same as numpy's default "linear", R type 7 and Excel PERCENTILE.INC.
 */
export function percentile(sortedAscending: readonly number[], p: number): number | null {
  const n = sortedAscending.length;
  if (n === 0) return null;
  const k = 1 + ((n - 1) * p) / 100;
  const s = Math.floor(k);
  const xs = sortedAscending[s - 1] as number;
  if (s >= n) return sortedAscending[n - 1] as number;
  return xs + ((sortedAscending[s] as number) - xs) * (k - s);
}
