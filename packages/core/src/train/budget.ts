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

/** The clocks of a run that a checkpoint keeps (both trainers' state has them). */
export interface ClockedState {
  step: number;
  totalSteps: number;
  elapsedMs: number;
  budgetMs?: number;
}

/**
 * The per-step bookkeeping both trainers share: images per second over ~2 s windows, the
 * schedule length a time budget sets as the run goes, and the clocks the checkpoint keeps.
 */
export class StepClock {
  /** performance.now() at which the run (as if never interrupted) started. */
  readonly started: number;
  private windowStart = performance.now();
  private windowImages = 0;
  /** Images per second over the last full window (0 before the first). */
  imgsPerSec = 0;

  constructor(
    readonly budget: StepBudget,
    private readonly state: ClockedState,
    /** A time budget without a fixed length: the schedule length follows the measured speed. */
    private readonly budgetDriven: boolean,
    private readonly announce: (estimate: number) => void,
  ) {
    this.started = performance.now() - state.elapsedMs;
  }

  /** After each optimizer step (state.step already advanced) of `images` images. */
  stepDone(images: number): void {
    this.windowImages += images;
    const now = performance.now();
    if (now - this.windowStart > 2000) {
      this.imgsPerSec = this.windowImages / ((now - this.windowStart) / 1000);
      this.windowStart = now;
      this.windowImages = 0;
    }
    const estimate = this.budgetDriven ? this.budget.observe(this.state.step) : null;
    if (estimate !== null) {
      if (!Number.isFinite(this.state.totalSteps)) this.announce(estimate);
      this.state.totalSteps = estimate;
    }
    this.state.elapsedMs = now - this.started;
    this.state.budgetMs = this.budget.elapsedMs();
  }

  /** Seconds since the run started (interruptions excluded). */
  seconds(): number {
    return (performance.now() - this.started) / 1000;
  }
}
