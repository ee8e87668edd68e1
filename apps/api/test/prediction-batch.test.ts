/**
 * A batch of predictions held column by column (store/prediction-columns.ts): it grows past its
 * first capacity, keeps null floats as NaN, hands the writers each column with exactly one value
 * per row, and refuses a batch whose columns disagree on the row count.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PREDICTION_COLUMNS, PredictionBatch } from "../src/store/prediction-columns.ts";
import { predictionRow } from "./helpers.ts";

describe("PredictionBatch", () => {
  test("grows past its capacity and hands out one value per row per column, floats trimmed", () => {
    const batch = new PredictionBatch(2);
    for (let i = 0; i < 5; i++)
      batch.push(predictionRow({ sample_id: `s${i}`, error_km: i + 0.5, confidence: i % 2 ? 0.9 : null }));
    const { values, buffers } = batch.ordered();
    assert.equal(values.length, PREDICTION_COLUMNS.length);
    for (const v of values) assert.equal(v.length, 5);
    const col = (name: string) => values[PREDICTION_COLUMNS.findIndex(([c]) => c === name)];
    assert.deepEqual([...col("sample_id")], ["s0", "s1", "s2", "s3", "s4"]);
    assert.deepEqual([...col("error_km")], [0.5, 1.5, 2.5, 3.5, 4.5]);
    assert.deepEqual([...col("confidence")], [Number.NaN, 0.9, Number.NaN, 0.9, Number.NaN]);
    assert.ok(col("error_km") instanceof Float64Array);
    assert.equal(buffers.length, PREDICTION_COLUMNS.filter(([, t]) => t === "float8").length);
  });

  test("a column left short is an error naming it, not a row of nulls", () => {
    const batch = new PredictionBatch(4);
    batch.push(predictionRow({ sample_id: "a" }));
    batch.addRow();
    batch.columns.sample_id[1] = "b";
    assert.throws(() => batch.ordered(), /column split has 1 values for 2 rows/);
  });

  test("of() takes rows or a batch as it is", () => {
    const batch = PredictionBatch.of([predictionRow({ sample_id: "x", pred_lat: null, pred_lon: null })]);
    assert.equal(batch.length, 1);
    assert.ok(Number.isNaN(batch.columns.pred_lat[0]));
    assert.equal(PredictionBatch.of(batch), batch);
  });
});
