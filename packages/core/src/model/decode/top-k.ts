/**
 * The indices (relative to `from`) of the `k` largest of `row[from … from + n)`, largest first;
 * of equal values the earlier index comes first.
 */
export function topK(
  row: Float32Array | Float64Array | Int32Array | Uint8Array,
  from: number,
  n: number,
  k: number,
): number[] {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = row[from + i];
    if (idx.length < k) {
      idx.push(i);
      idx.sort((a, b) => row[from + b] - row[from + a]);
    } else if (v > row[from + idx[k - 1]]) {
      idx[k - 1] = i;
      idx.sort((a, b) => row[from + b] - row[from + a]);
    }
  }
  return idx;
}
