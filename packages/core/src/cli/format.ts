/** Small parsers and formatters shared by the CLI commands. */

/** Parses a numeric option, naming the bad value. */
export function num(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`expected a number, got "${v}"`);
  return n;
}

/** A fraction as a percentage with one decimal. */
export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
