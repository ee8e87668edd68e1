/**
 * A wall-clock budget turned into a schedule length: the learning-rate schedule needs a number
 * of steps, and the speed is only known once training runs. Steps 10–30 are timed (after the
 * first steps' one-off costs) and the rest of the budget, less a reserve for validation, is
 * divided by that speed.
 */
export class StepBudget {
  readonly budgetMs: number;
  private probeMs = 0;

  /** `reserve`: fraction of the remaining budget kept for evaluation and checkpoints. */
  constructor(
    minutes: number | undefined,
    private readonly reserve = 0.1,
  ) {
    this.budgetMs = minutes !== undefined ? minutes * 60_000 : Number.POSITIVE_INFINITY;
  }

  exhausted(elapsedMs: number): boolean {
    return elapsedMs >= this.budgetMs;
  }

  /**
   * Called after each step with the number of steps done; returns the total number of steps
   * once the speed is known (at step 30), otherwise null.
   */
  observe(step: number, nowMs: number, elapsedMs: number): number | null {
    if (step === 10) this.probeMs = nowMs;
    if (step !== 30 || !Number.isFinite(this.budgetMs) || this.probeMs === 0) return null;
    const msPerStep = (nowMs - this.probeMs) / 20;
    return Math.max(31, step + Math.floor(((1 - this.reserve) * (this.budgetMs - elapsedMs)) / msPerStep));
  }
}
