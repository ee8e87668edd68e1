/**
 * The predictions the external-ingest benchmark sends, one JSON line per test sample of the
 * bench dataset (the keys of PredictionInput, so a line is also a GraphQL row): half coordinates
 * with a confidence, half raw answers of a model that writes text. The predicted point is the
 * truth moved by a log-uniform 0.3–3,000 km in a random direction. Answers, by share of them:
 *  - 78% Geo-R style, `<think>{30–150 words}</think>\n<answer>{"Country", "State", "City",
 *    "Coordinates": [lat, lon]}</answer>`, the names the true chain's (65%), another place's
 *    (20%: plausible and wrong) or the true ones lower-cased with the country's ISO code (15%);
 *  - 6% the coordinate as `(lat, lon)` at the end of prose;
 *  - 8% unparsed: no coordinate ("I cannot tell where this is.");
 *  - 8% names only, no coordinate (unparsed, but the stated chain is scored).
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { mulberry32 } from "@geor/core";
import type { Chain } from "@geor/geo";
import type { BenchDataset } from "./external-dataset.ts";

const WORDS = (
  "the road signs are blue with white lettering and cars drive on the right side of a wide street " +
  "vegetation looks temperate with deciduous trees while the architecture suggests a european town " +
  "power lines run on concrete poles the sky is overcast and the terrain is flat farmland"
).split(" ");
const KM_PER_DEG = 111.195;

export interface MixCounts {
  rows: number;
  answers: number;
  /** Rows the mix makes without a readable coordinate: what addPredictions must count as unparsed. */
  unparsed: number;
  bytes: number;
}

/** Writes the mix for every test sample of `ds` to `file`; returns what it holds. */
export function writePredictionMix(ds: BenchDataset, file: string, seed: number): MixCounts {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const reasoning = () => Array.from({ length: 30 + Math.floor(rand() * 120) }, () => pick(WORDS)).join(" ");
  const counts: MixCounts = { rows: 0, answers: 0, unparsed: 0, bytes: 0 };
  const fd = openSync(file, "w");
  let chunk: string[] = [];
  const flush = () => {
    const text = chunk.join("");
    counts.bytes += Buffer.byteLength(text);
    writeSync(fd, text);
    chunk = [];
  };
  try {
    for (let k = 0; k < ds.testSamples; k++) {
      const truth = ds.pool[ds.poolOf[k] as number] as Chain;
      // The predicted point: a log-uniform distance in a uniform direction (flat-Earth step, clamped).
      const km = 10 ** (-0.5 + rand() * 4);
      const bearing = rand() * 2 * Math.PI;
      const lat = Math.max(-89.9, Math.min(89.9, truth.lat + (km * Math.cos(bearing)) / KM_PER_DEG));
      let lon =
        truth.lon + (km * Math.sin(bearing)) / (KM_PER_DEG * Math.max(0.05, Math.cos((truth.lat * Math.PI) / 180)));
      lon = ((((lon + 180) % 360) + 360) % 360) - 180;
      const latText = lat.toFixed(4);
      const lonText = lon.toFixed(4);
      const row: Record<string, unknown> = { sampleId: `t${k}` };
      if (rand() < 0.5) {
        row.lat = Number(latText);
        row.lon = Number(lonText);
        row.confidence = Number(rand().toFixed(3));
      } else {
        counts.answers++;
        const u = rand();
        const v = rand();
        const named = v < 0.65 ? truth : v < 0.85 ? (pick(ds.pool) as Chain) : null;
        const names = named
          ? `"Country": ${JSON.stringify(named.country?.name ?? null)}, "State": ${JSON.stringify(named.admin1?.name ?? null)}, "City": ${JSON.stringify(named.city?.name ?? null)}`
          : `"Country": ${JSON.stringify(truth.country?.iso2 ?? null)}, "State": ${JSON.stringify(truth.admin1?.name.toLowerCase() ?? null)}, "City": ${JSON.stringify(truth.city?.name.toLowerCase() ?? null)}`;
        if (u < 0.78)
          row.answer = `<think>${reasoning()}</think>\n<answer>{${names}, "Coordinates": [${latText}, ${lonText}]}</answer>`;
        else if (u < 0.84) row.answer = `${reasoning()}. My best guess is (${latText}, ${lonText}).`;
        else if (u < 0.92) {
          row.answer = `<think>${reasoning()}</think>\n<answer>I cannot tell where this is.</answer>`;
          counts.unparsed++;
        } else {
          row.answer = `<think>${reasoning()}</think>\n<answer>{${names}}</answer>`;
          counts.unparsed++;
        }
      }
      chunk.push(`${JSON.stringify(row)}\n`);
      counts.rows++;
      if (chunk.length === 10_000) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return counts;
}
