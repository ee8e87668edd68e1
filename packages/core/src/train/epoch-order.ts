/**
 * The data order of a training run: epoch e visits the train samples in the permutation seeded
 * by (seed, `label`:e), a batch after another, so step s's batch depends on s alone and a resumed
 * run continues exactly where it stopped.
 */
import { hash32, seededPermutation } from "../util/random.ts";

export class EpochOrder {
  private order: Uint32Array = new Uint32Array(0);
  private orderEpoch = -1;

  /**
   * `train`: the dataset indices a run learns from; `label` keeps one stage's order apart from
   * another's on the same seed ("epoch" for SFT, "rl-epoch" for RL).
   */
  constructor(
    private readonly train: Uint32Array,
    private readonly batchSize: number,
    private readonly stepsPerEpoch: number,
    private readonly seed: number,
    private readonly label: string,
  ) {}

  /** Step `step`'s epoch and batch (dataset indices; the last batch of an epoch may be short). */
  batch(step: number): { epoch: number; indices: Uint32Array } {
    const epoch = Math.floor(step / this.stepsPerEpoch);
    if (this.orderEpoch !== epoch) {
      this.order = seededPermutation(this.train.length, hash32(`${this.label}:${epoch}`, this.seed));
      this.orderEpoch = epoch;
    }
    const from = (step % this.stepsPerEpoch) * this.batchSize;
    const indices = Uint32Array.from(this.order.subarray(from, from + this.batchSize), (j) => this.train[j]);
    return { epoch, indices };
  }
}
