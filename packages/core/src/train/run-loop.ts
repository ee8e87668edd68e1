/**
 * When a trainer's step loop stops, the same for SFT and RL: at the end of its schedule, after
 * `stopAfterSteps` steps in this call, on cancellation, or when its time budget is spent. A run
 * stopped by the first or the last is finished; the others can be resumed.
 */
import { type BudgetClock, type ClockedState, StepBudget, StepClock } from "./budget.ts";

export interface RunLoopOptions {
  /** Time budget in minutes (on `budgetClock`), if any. */
  minutes: number | undefined;
  budgetClock: BudgetClock;
  /** Fraction of the remaining budget kept for validation and checkpoints. */
  reserve: number;
  /** A time budget without a fixed length: the schedule length follows the measured speed. */
  budgetDriven: boolean;
  stopAfterSteps?: number;
  signal?: AbortSignal;
  log: (line: string) => void;
}

export class RunLoop {
  readonly clock: StepClock;
  private readonly budget: StepBudget;
  private readonly stopAt: number;

  /** Starts the run's clocks, `state`'s (a resumed run's continue where they stopped). */
  constructor(
    private readonly state: ClockedState,
    private readonly opts: RunLoopOptions,
  ) {
    // Checkpoints older than the CPU clock kept only the wall time spent.
    this.budget = new StepBudget(opts.minutes, opts.reserve, opts.budgetClock, state.budgetMs ?? state.elapsedMs);
    this.stopAt = opts.stopAfterSteps !== undefined ? state.step + opts.stopAfterSteps : Number.POSITIVE_INFINITY;
    this.clock = new StepClock(this.budget, state, opts.budgetDriven, (steps) =>
      opts.log(`time budget ${opts.minutes} min ≈ ${steps} steps`),
    );
  }

  /** Whether to take another step. */
  running(): boolean {
    const { state } = this;
    return (
      state.step < state.totalSteps &&
      state.step < this.stopAt &&
      !this.opts.signal?.aborted &&
      !this.budget.exhausted()
    );
  }

  /**
   * After the loop: whether the run finished (its schedule done or its budget spent), then the
   * last validation unless step `every` just ran one (a finished run's schedule length becomes
   * the steps it took) and the checkpoint of the step it stopped at.
   */
  async finish(every: number, validate: () => unknown, checkpoint: () => Promise<void>): Promise<boolean> {
    const { state } = this;
    const finished = state.step >= state.totalSteps || this.budget.exhausted();
    if (finished) {
      state.totalSteps = state.step;
      if (state.step % every !== 0) await validate();
    }
    await checkpoint();
    return finished;
  }
}
