/** Training targets of a batch of samples: chain tokens, offsets from the place centre, xyz. */
import type { Sample } from "../data/format.ts";
import { offsetOf, toXyz } from "./geometry.ts";
import type { DistanceSmoothing } from "./smoothing.ts";
import { type Vocab, VocabIndex } from "./vocab.ts";

export interface Targets {
  n: number;
  country: Int32Array;
  admin1: Int32Array;
  cell: Int32Array;
  /** (north, east) per sample, 100 km units, from the true place's centre. */
  offset: Float32Array;
  xyz: Float32Array;
  /** Distance-aware soft targets [n × classes] per level, when label smoothing is on. */
  soft?: { country?: Float32Array; admin1?: Float32Array; cell: Float32Array };
}

export class TargetBuilder {
  private readonly index: VocabIndex;
  constructor(
    readonly vocab: Vocab,
    private readonly smoothing: DistanceSmoothing | null = null,
  ) {
    this.index = new VocabIndex(vocab);
  }

  /** Whether the vocabulary has every token of the sample's chain (a model trained elsewhere may not). */
  covers(s: Sample): boolean {
    return (
      this.index.countryOf(s.chain.country?.iso2) >= 0 &&
      this.index.admin1Of(s.chain.admin1?.code) >= 0 &&
      s.cell < this.vocab.cells.length
    );
  }

  build(samples: Sample[]): Targets {
    const n = samples.length;
    const t: Targets = {
      n,
      country: new Int32Array(n),
      admin1: new Int32Array(n),
      cell: new Int32Array(n),
      offset: new Float32Array(2 * n),
      xyz: new Float32Array(3 * n),
    };
    samples.forEach((s, i) => {
      t.country[i] = this.index.countryOf(s.chain.country?.iso2);
      t.admin1[i] = this.index.admin1Of(s.chain.admin1?.code);
      t.cell[i] = s.cell < this.vocab.cells.length ? s.cell : -1;
      const centre = this.vocab.cells[Math.max(0, t.cell[i])];
      const [north, east] = offsetOf(centre.lat, centre.lon, s.lat, s.lon);
      t.offset[2 * i] = north;
      t.offset[2 * i + 1] = east;
      t.xyz.set(toXyz(s.lat, s.lon), 3 * i);
    });
    if (this.smoothing) t.soft = this.smoothing.targets(t, samples);
    return t;
  }
}
