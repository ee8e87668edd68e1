/**
 * A dataset's ground truth without its images, compact enough for millions of samples: what
 * scoring a prediction by sample id needs (an external run's upload). Ids sit outside the heap
 * (SampleIds); coordinates, cells and splits in typed arrays; each chain unit (continent,
 * country, admin-1, city) is stored once and referred to by number. A million samples take about
 * 75 MB this way, 4 MB of it on the JavaScript heap, where the parsed Sample objects would take
 * several times that.
 */
import { createReadStream, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { type Admin1, type City, type Continent, type Country, Geocells, type GeocellsJSON } from "@geor/geo";
import { type DatasetManifest, type Sample, type SampleChain, SPLITS, type Split } from "./format.ts";
import { SampleIds } from "./sample-ids.ts";
import { DatasetError } from "./store.ts";

/** Interns units by key: each distinct unit is stored once, rows refer to it by number (−1: none). */
class UnitTable<T> {
  readonly units: T[] = [];
  private readonly byKey = new Map<string, number>();
  constructor(private readonly keyOf: (u: T) => string) {}
  ref(u: T | null | undefined): number {
    if (u == null) return -1;
    const key = this.keyOf(u);
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = this.units.length;
      this.units.push(u);
      this.byKey.set(key, i);
    }
    return i;
  }
  get(i: number): T | null {
    return i < 0 ? null : (this.units[i] as T);
  }
}

/** One sample's truth, as a prediction is scored against it. */
export interface SampleTruthRow {
  id: string;
  split: Split;
  lat: number;
  lon: number;
  cell: number;
  chain: SampleChain;
}

export class SampleTruth {
  readonly size: number;
  private readonly ids: SampleIds;
  private readonly lat: Float64Array;
  private readonly lon: Float64Array;
  private readonly cell: Int32Array;
  private readonly split: Uint8Array;
  private readonly refs: Int32Array;
  private readonly continents = new UnitTable<Continent>((u) => u.code);
  private readonly countries = new UnitTable<Country>((u) => u.iso2);
  private readonly admin1s = new UnitTable<Admin1>((u) => u.code);
  private readonly cities = new UnitTable<City>((u) => String(u.id));

  private constructor(
    readonly manifest: DatasetManifest,
    readonly geocells: Geocells,
  ) {
    const n = manifest.counts.total;
    this.size = n;
    this.ids = new SampleIds(n);
    this.lat = new Float64Array(n);
    this.lon = new Float64Array(n);
    this.cell = new Int32Array(n);
    this.split = new Uint8Array(n);
    this.refs = new Int32Array(n * 4);
  }

  /** Reads a dataset directory's manifest, geocells and samples.jsonl (streamed, line by line). */
  static async load(dir: string): Promise<SampleTruth> {
    const manifestFile = path.join(dir, "manifest.json");
    if (!existsSync(manifestFile)) throw new DatasetError(`no dataset at ${dir} (manifest.json missing)`);
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as DatasetManifest;
    const geocells = Geocells.fromJSON(
      JSON.parse(readFileSync(path.join(dir, "geocells.json"), "utf8")) as GeocellsJSON,
    );
    const truth = new SampleTruth(manifest, geocells);
    const file = path.join(dir, "samples.jsonl");
    let line = 0;
    let i = 0;
    for await (const text of createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: 1e9 })) {
      line++;
      if (text.length === 0) continue;
      if (i >= truth.size) throw new DatasetError(`${file}: more samples than the manifest's ${truth.size}`);
      let s: Sample;
      try {
        s = JSON.parse(text) as Sample;
      } catch {
        throw new DatasetError(`${file}: line ${line} is not valid JSON`);
      }
      truth.add(i++, s);
    }
    if (i !== truth.size) throw new DatasetError(`${file}: ${i} samples, the manifest says ${truth.size}`);
    truth.ids.trim();
    return truth;
  }

  private add(i: number, s: Sample): void {
    this.ids.add(s.id);
    this.lat[i] = s.lat;
    this.lon[i] = s.lon;
    this.cell[i] = s.cell;
    this.split[i] = SPLITS.indexOf(s.split);
    this.refs[i * 4] = this.continents.ref(s.chain.continent);
    this.refs[i * 4 + 1] = this.countries.ref(s.chain.country);
    this.refs[i * 4 + 2] = this.admin1s.ref(s.chain.admin1);
    this.refs[i * 4 + 3] = this.cities.ref(s.chain.city);
  }

  /** The position of sample `id`, or −1. */
  indexOf(id: string): number {
    return this.ids.indexOf(id);
  }

  splitOf(i: number): Split {
    return SPLITS[this.split[i]] as Split;
  }

  /** Sample i's truth (the chain's units are shared between samples: do not mutate them). */
  row(i: number): SampleTruthRow {
    const r = i * 4;
    return {
      id: this.ids.idAt(i),
      split: this.splitOf(i),
      lat: this.lat[i],
      lon: this.lon[i],
      cell: this.cell[i],
      chain: {
        continent: this.continents.get(this.refs[r]),
        country: this.countries.get(this.refs[r + 1]),
        admin1: this.admin1s.get(this.refs[r + 2]),
        city: this.cities.get(this.refs[r + 3]),
      },
    };
  }
}
