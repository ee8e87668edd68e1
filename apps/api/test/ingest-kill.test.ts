/**
 * The API killed (SIGKILL) while its evaluation writes predictions, on SQLite where the API
 * process owns the database: every batch is one transaction, so the table never holds part of a
 * batch, the file passes SQLite's integrity check, and the next start re-runs the evaluation to
 * the full set.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import SQLite from "better-sqlite3";
import { recordFaultDrill } from "../../../scripts/fault-drills.ts";
import { type ApiProcess, home, ok, spawnApi, TINY_CONFIG, waitFor } from "./helpers.ts";

const BATCH_ROWS = 10;
/** Not a multiple of the batch: the last batch is short. */
const EVAL_ROWS = 605;
const MAX_KILLS = 4;

const sleep = new Int32Array(new SharedArrayBuffer(4));

/** Polls `count` every millisecond (blocking: no event loop turn between the poll and the kill). */
function waitForNewRows(count: () => number, before: number, done: () => boolean, timeoutMs: number): number | null {
  const t0 = Date.now();
  let polls = 0;
  while (Date.now() - t0 < timeoutMs) {
    const n = count();
    if (n > 0 && n !== before) return n;
    // The status check costs a query: every 100th poll.
    if (++polls % 100 === 0 && done()) return null;
    Atomics.wait(sleep, 0, 0, 1);
  }
  throw new Error(`no predictions were written within ${timeoutMs} ms`);
}

test("sqlite: the API killed mid-ingest leaves whole batches only, and the evaluation re-runs to the full set", async () => {
  const apiHome = mkdtempSync(path.join(home, "ingest-kill-"));
  const env = { GEOR_HOME: apiHome, GEOR_PREDICTION_BATCH_ROWS: String(BATCH_ROWS) };
  let api: ApiProcess = await spawnApi(env);
  try {
    await ok(api, `mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }`, {
      i: { name: "ingest", limit: 1500, seed: 4, options: { minPerCell: 10, maxPerCell: 60 }, overwrite: true },
    });
    const config = {
      ...TINY_CONFIG,
      train: { ...TINY_CONFIG.train, epochs: 0.2 },
      eval: { split: "train", limit: EVAL_ROWS },
    };
    const { createExperiment } = await ok<{ createExperiment: { id: string } }>(
      api,
      `mutation($c: JSON) { createExperiment(input: { name: "ingest kill", dataset: "ingest", config: $c }) { id } }`,
      { c: config },
    );
    const id = createExperiment.id;
    const db = new SQLite(path.join(apiHome, "geor.db"), { readonly: true });
    const ofExperiment = "from predictions where exp = (select seq from experiments where id = ?)";
    const rowsNow = () => (db.prepare(`select count(*) as n ${ofExperiment}`).get(id) as { n: number }).n;
    const ended = () =>
      (db.prepare("select status from experiments where id = ?").get(id) as { status: string }).status !== "RUNNING";

    const rowsAtKill: number[] = [];
    let before = 0;
    for (let k = 0; k < MAX_KILLS; k++) {
      const seen = waitForNewRows(rowsNow, before, ended, 180_000);
      if (seen === null) break;
      await api.kill();
      const rows = rowsNow();
      rowsAtKill.push(rows);
      assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
      assert.ok(rows % BATCH_ROWS === 0 || rows === EVAL_ROWS, `${rows} rows: part of a batch was written`);
      before = rows;
      api = await spawnApi(env);
      // Enough once two kills landed inside the ingest.
      if (rowsAtKill.filter((r) => r > 0 && r < EVAL_ROWS).length >= 2) break;
    }
    const final = await waitFor(
      "the evaluation re-run to finish",
      async () => {
        const e = await ok<{ experiment: { status: string; attempts: number; error: string | null } }>(
          api,
          `query($id: ID!) { experiment(id: $id) { status attempts error } }`,
          { id },
        );
        return e.experiment.status === "RUNNING" || e.experiment.status === "QUEUED" ? null : e.experiment;
      },
      120_000,
    );
    assert.equal(final.status, "SUCCEEDED", final.error ?? "");
    const distinct = db
      .prepare(`select count(*) as n, count(distinct sample_id) as samples ${ofExperiment}`)
      .get(id) as { n: number; samples: number };
    assert.deepEqual(distinct, { n: EVAL_ROWS, samples: EVAL_ROWS });
    db.close();
    const partial = rowsAtKill.filter((r) => r > 0 && r < EVAL_ROWS);
    assert.ok(partial.length >= 1, `no kill landed inside the ingest: rows at the kills ${rowsAtKill.join(", ")}`);
    recordFaultDrill("api-killed-mid-ingest", {
      title: "API process killed (SIGKILL) while it writes an evaluation's predictions (SQLite)",
      method: `evaluation of ${EVAL_ROWS} samples written ${BATCH_ROWS} rows per transaction (GEOR_PREDICTION_BATCH_ROWS); the test polls the SQLite file every millisecond and kills the API as soon as new rows appear, restarts it, and repeats until two kills landed inside the ingest (at most ${MAX_KILLS})`,
      command: "cd apps/api && node --import tsx test/run.ts test/ingest-kill.test.ts",
      figures: {
        killsSurvived: rowsAtKill.length,
        killsInsideIngest: partial.length,
        rowsAtKills: rowsAtKill.join(" / "),
        batchRows: BATCH_ROWS,
        halfBatchesFound: 0,
        integrityCheck: "ok",
        rowsAfterRerun: distinct.n,
        expectedRows: EVAL_ROWS,
        attempts: final.attempts,
      },
    });
  } finally {
    await api.kill();
  }
});
