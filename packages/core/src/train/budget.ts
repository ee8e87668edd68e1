/**
 * A time budget turned into a schedule length: the learning-rate schedule needs a number of
 * steps, and the speed is only known once training runs. Timing starts at step 10 (after the
 * first steps' one-off costs); after 20 timed steps, and again each time the number of timed
 * steps doubles, the rest of the budget (less a reserve for validation) is divided by the mean
 * speed so far. Re-estimating keeps a run from stopping far short of (or past) its budget when
 * the first steps were unusually slow or fast, as they are on a loaded machine.
 *
 * The clock is wall time (what a user waits for) or this process's CPU time: on a shared,
 * loaded machine CPU time still measures the compute a run received, so arms of a comparison
 * budgeted in CPU minutes get equal compute whatever else runs beside them.
 */
export type BudgetClock = "wall" | "cpu";

/** Now on `clock`, in ms (CPU time: this process's user + system time). */
export function clockMs(clock: BudgetClock): number {
  if (clock === "wall") return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export class StepBudget {
  readonly budgetMs: number;
  private readonly startMs: number;
  private probe: { step: number; ms: number } | null = null;

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
   * Called after each step with the number of steps done; returns the (re-)estimated total
   * number of steps at steps 30, 50, 90, 170, … after the timing start, otherwise null.
   */
  observe(step: number): number | null {
    if (!Number.isFinite(this.budgetMs)) return null;
    const now = this.elapsedMs();
    if (this.probe === null) {
      if (step >= 10) this.probe = { step, ms: now };
      return null;
    }
    const timed = step - this.probe.step;
    if (timed < 20 || !Number.isInteger(Math.log2(timed / 20))) return null;
    const msPerStep = (now - this.probe.ms) / timed;
    return Math.max(step + 1, step + Math.floor(((1 - this.reserve) * (this.budgetMs - now)) / msPerStep));
  }
}
