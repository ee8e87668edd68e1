/**
 * A time budget turned into a schedule length: the learning-rate schedule needs a number of
 * steps, and the speed is only known once training runs. Steps 10–30 are timed (after the first
 * steps' one-off costs) and the rest of the budget, less a reserve for validation, is divided by
 * that speed.
 *
 * The clock is wall time (what a user waits for) or this process's CPU time: on a shared,
 * loaded machine CPU time still measures the compute a run received, so arms of a comparison
 * budgeted in CPU minutes get equal compute whatever else runs beside them.
 */
export type BudgetClock = "wall" | "cpu";

function clockMs(clock: BudgetClock): number {
  if (clock === "wall") return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export class StepBudget {
  readonly budgetMs: number;
  private readonly startMs: number;
  private probeMs = 0;

  /**
   * `reserve`: fraction of the remaining budget kept for evaluation and checkpoints;
   * `spentMs`: budget already used by the run before a resume.
   */
  constructor(
    minutes: number | undefined,
    private readonly reserve = 0.1,
    private readonly clock: BudgetClock = "wall",
    spentMs = 0,
  ) {
    this.budgetMs = minutes !== undefined ? minutes * 60_000 : Number.POSITIVE_INFINITY;
    this.startMs = clockMs(clock) - spentMs;
  }

  /** Budget used so far (ms of the budget's clock, resumes included). */
  elapsedMs(): number {
    return clockMs(this.clock) - this.startMs;
  }

  exhausted(): boolean {
    return this.elapsedMs() >= this.budgetMs;
  }

  /**
   * Called after each step with the number of steps done; returns the total number of steps
   * once the speed is known (at step 30), otherwise null.
   */
  observe(step: number): number | null {
    const now = this.elapsedMs();
    if (step === 10) this.probeMs = now;
    if (step !== 30 || !Number.isFinite(this.budgetMs) || this.probeMs === 0) return null;
    const msPerStep = (now - this.probeMs) / 20;
    return Math.max(31, step + Math.floor(((1 - this.reserve) * (this.budgetMs - now)) / msPerStep));
  }
}
