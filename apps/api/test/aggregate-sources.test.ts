/**
 * The two aggregate sources against each other, on both databases: a few hundred predictions
 * (several countries and none, two splits, errors from under 1 m to 20,000 km with ties, at
 * the thresholds and at decade edges), written in three batches; for every filter the bins
 * answer (split, true country, level hit, and their combinations) and every histogram width
 * they cover, the bins and the rows give the same count, summary, per-country rows and
 * histogram.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { mulberry32 } from "@geor/core";
import { openDatabase } from "../src/db/connect.ts";
import { BinAggregates } from "../src/store/aggregates-bins.ts";
import { RowAggregates } from "../src/store/aggregates-rows.ts";
import { LEVELS, type NewPrediction, type PredictionFilter, Store } from "../src/store/index.ts";
import { binsCover, binsCoverHistogram } from "../src/store/prediction-bins.ts";
import { assertClose, createTestExperiment, DIALECTS, freshPgDatabase, predictionRow } from "./helpers.ts";

const COUNTRIES: Array<[string | null, string | null]> = [
  ["FR", "France"],
  ["DE", "Germany"],
  ["US", "United States"],
  ["JP", "Japan"],
  [null, null],
];
/** Errors the bins must place exactly: under the floor, the thresholds, decade edges. */
const EDGES_KM = [0.0004, 0.001, 0.5, 1, 10, 25, 100, 200, 750, 1000, 2500, 10_000];

function predictions(n: number, seed: number): NewPrediction[] {
  const rand = mulberry32(seed);
  const rows: NewPrediction[] = [];
  for (let i = 0; i < n; i++) {
    // Skewed towards the first countries, so the countries have different sizes.
    const [country, name] = COUNTRIES[Math.floor(rand() ** 2 * COUNTRIES.length)];
    const u = rand();
    const errorKm =
      u < 0.2
        ? EDGES_KM[Math.floor(rand() * EDGES_KM.length)]
        : u < 0.3
          ? Math.round(rand() * 50) // ties
          : 10 ** (-4 + rand() * 8.3);
    const hitCountry = rand() < 0.6 ? 1 : 0;
    const hitAdmin1 = hitCountry && rand() < 0.5 ? 1 : 0;
    rows.push(
      predictionRow({
        sample_id: `${seed}-${i}`,
        split: rand() < 0.7 ? "test" : "val",
        true_country: country,
        true_country_name: name,
        error_km: errorKm,
        hit_country: hitCountry,
        hit_admin1: hitAdmin1,
        hit_place: hitAdmin1 && rand() < 0.4 ? 1 : 0,
      }),
    );
  }
  return rows;
}

/** Every filter the bins answer: each field alone, and together. */
const FILTERS: Array<Omit<PredictionFilter, "experimentId">> = [
  {},
  { split: "test" },
  { split: "val" },
  { trueCountry: "fr" },
  { trueCountry: "JP" },
  { trueCountry: "NZ" },
  ...LEVELS.flatMap((level) => [
    { level, hit: true },
    { level, hit: false },
  ]),
  { split: "test", trueCountry: "DE", level: "ADMIN1", hit: true },
  { split: "val", level: "PLACE", hit: false },
];
const BINS_PER_DECADE = [1, 2, 4, 5, 10, 20];
const MIN_KM = [0.001, 0.3, 1, 3, 1000];

for (const dialect of DIALECTS) {
  describe(`aggregate sources on ${dialect}`, () => {
    let store: Store;
    let id: string;
    let bins: BinAggregates;
    let rows: RowAggregates;
    before(async () => {
      const home = mkdtempSync(path.join(os.tmpdir(), "geor-sources-"));
      store = new Store(
        await openDatabase({ databaseUrl: dialect === "postgres" ? await freshPgDatabase() : null, home }),
      );
      id = (await createTestExperiment(store, "sources")).id;
      const other = (await createTestExperiment(store, "other")).id;
      for (const seed of [1, 2, 3]) await store.predictions.insertBatch(id, predictions(150, seed));
      // Another experiment's predictions, which neither source may count.
      await store.predictions.insertBatch(other, predictions(40, 4));
      bins = new BinAggregates(store.database.db);
      rows = new RowAggregates(store.database.db);
    });
    after(async () => {
      await store?.close();
    });

    test("the filters and widths are ones the bins cover", () => {
      for (const extra of FILTERS) assert.ok(binsCover({ experimentId: id, ...extra }), JSON.stringify(extra));
      for (const b of BINS_PER_DECADE) assert.ok(binsCoverHistogram(b), `${b} bins per decade`);
    });

    test("count, summary and per-country rows are the same from the bins and from the rows", async () => {
      for (const extra of FILTERS) {
        const f = { experimentId: id, ...extra };
        const where = JSON.stringify(extra);
        const n = await rows.count(f);
        assert.equal(await bins.count(f), n, `count ${where}`);
        const summary = await rows.summary(f);
        assert.equal(summary.n, n, `summary n ${where}`);
        assertClose(await bins.summary(f), summary, `summary ${where}`);
        assertClose(await bins.countries(f), await rows.countries(f), `countries ${where}`);
      }
      assert.equal(await rows.count({ experimentId: id }), 450, "all three batches");
    });

    test("per-country medians whose middle rows share a fine bin, or straddle two, are exact", async () => {
      // Every error in [100, 112) km, one fine bin (1/20 of a decade), with ties, for every
      // country, the countries of odd and even sizes; JP's two middle rows in two bins.
      const crowded = (await createTestExperiment(store, "crowded")).id;
      const rand = mulberry32(9);
      const batch: NewPrediction[] = [];
      const sizes = [7, 8, 3, 4, 5];
      COUNTRIES.forEach(([country, name], c) => {
        for (let i = 0; i < sizes[c]; i++) {
          const errorKm =
            country === "JP" ? [100, 101, 150, 160][i] : 100 + Math.floor(rand() * 6) * 2 + (i % 2 === 0 ? 0.5 : 0);
          batch.push(
            predictionRow({
              sample_id: `crowded-${c}-${i}`,
              true_country: country,
              true_country_name: name,
              error_km: errorKm,
            }),
          );
        }
      });
      await store.predictions.insertBatch(crowded, batch);
      const f = { experimentId: crowded };
      const expected = COUNTRIES.map(([country]) => {
        const errors = batch
          .filter((r) => r.true_country === country)
          .map((r) => r.error_km)
          .sort((a, b) => a - b);
        const n = errors.length;
        return [country ?? "", n % 2 === 1 ? errors[(n - 1) / 2] : (errors[n / 2 - 1] + errors[n / 2]) / 2];
      });
      const byBins = await bins.countries(f);
      assert.deepEqual(
        Object.fromEntries(byBins.map((r) => [r.iso2, r.medianKm])),
        Object.fromEntries(expected),
        "medians from the bins",
      );
      assertClose(byBins, await rows.countries(f), "the bins and the rows");
    });

    test("every histogram width the bins cover is the same from the bins and from the rows", async () => {
      for (const extra of FILTERS) {
        const f = { experimentId: id, ...extra };
        for (const b of BINS_PER_DECADE)
          for (const minKm of MIN_KM) {
            const where = `${JSON.stringify(extra)} ${b}/decade from ${minKm} km`;
            const expected = await rows.histogram(f, b, minKm);
            assert.equal(
              expected.reduce((s, bin) => s + bin.count, 0),
              await rows.count(f),
              `every prediction in a bin: ${where}`,
            );
            assertClose(await bins.histogram(f, b, minKm), expected, `histogram ${where}`);
          }
      }
    });
  });
}
