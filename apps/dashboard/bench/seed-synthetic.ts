// Seeds a finished experiment of n synthetic predictions (synthetic-predictions.ts) straight
// through the store, in batches of 10,000 rows (one transaction each), as an evaluation writes
// them. Used by the map bench and, as a command, by the e2e map test:
//   cd apps/api && node --import tsx ../dashboard/bench/seed-synthetic.ts <GEOR_HOME> <n>
// prints {"experimentId": …, "predictions": n, "seedMs": …, "towns": [the busiest first]} (from
// apps/api, so tsx compiles the API with its own tsconfig). SQLite only: the API may be running on
// the same database.
import path from "node:path";
import { loadConfig, openDatabase, Store } from "@geor/api";
import { syntheticPredictionBatches, syntheticTowns } from "./synthetic-predictions.ts";

export async function seedSyntheticExperiment(
  home: string,
  n: number,
): Promise<{ experimentId: string; seedMs: number }> {
  const t0 = performance.now();
  const store = new Store(await openDatabase(loadConfig({ home, databaseUrl: null })));
  try {
    const experiment = await store.experiments.create({
      name: `synthetic-${n}`,
      dataset: "synthetic",
      config: {},
      skipped: {},
      tags: ["synthetic"],
      notes: "synthetic predictions for the map's benchmark and tests",
      runDirOf: (id) => path.join(home, "runs", id),
      createdBy: null,
    });
    for await (const rows of syntheticPredictionBatches(n)) await store.predictions.insertBatch(experiment.id, rows);
    await store.experiments.finish(experiment.id, "SUCCEEDED");
    return { experimentId: experiment.id, seedMs: Math.round(performance.now() - t0) };
  } finally {
    await store.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const [home, n] = process.argv.slice(2);
  if (!home || !Number.isInteger(Number(n)) || Number(n) < 1)
    throw new Error(`usage: seed-synthetic.ts <GEOR_HOME> <predictions>; got ${process.argv.slice(2).join(" ")}`);
  const seeded = await seedSyntheticExperiment(home, Number(n));
  const towns = (await syntheticTowns()).slice(0, 10);
  console.log(JSON.stringify({ ...seeded, predictions: Number(n), towns }));
}
