/** The part of jstat (no bundled types) eval/statistics.ts uses. */
declare module "jstat" {
  const jStat: {
    /** Two-sided (sides 2) or one-sided p-value of a t score from `n` samples (n − 1 degrees of freedom). */
    ttest(tScore: number, n: number, sides: 1 | 2): number;
  };
  export default jStat;
}
