/**
 * A batch of predictions held column by column (store/prediction-columns.ts): it grows past its
 * first capacity, keeps null floats as NaN, hands the writers each column with exactly one value
 * per row, refuses a batch whose columns disagree on the row count, and sends the SQLite writer's
 * thread columns of few distinct values as dictionaries that decode to the same rows.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type DictionaryColumn,
  dictionaryOf,
  PREDICTION_COLUMNS,
  PredictionBatch,
} from "../src/store/prediction-columns.ts";
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

  test("dictionaryOf: each row's value through the index, nulls too; null past rows / 8 distinct values", () => {
    const rows = 200;
    const column = Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? null : ["FR", "DE", "JP"][i % 3]));
    const d = dictionaryOf(column, rows) as DictionaryColumn;
    assert.ok(d);
    assert.equal(d.values.length, 4);
    assert.deepEqual(
      Array.from(d.index, (k) => d.values[k]),
      column,
    );
    // 200 rows: at most 25 distinct values.
    const cycle = (n: number) => Array.from({ length: rows }, (_, i) => `t${i % n}`);
    assert.equal(dictionaryOf(cycle(25), rows)?.values.length, 25);
    assert.equal(dictionaryOf(cycle(26), rows), null);
    assert.equal(dictionaryOf(cycle(rows), rows), null);
  });

  test("forThread: the same rows as ordered(), repeated text as dictionaries, their indexes transferable", () => {
    const batch = new PredictionBatch();
    for (let i = 0; i < 300; i++)
      batch.push(
        predictionRow({
          sample_id: `s${i}`,
          true_country: i % 2 ? "FR" : "US",
          true_country_name: i % 2 ? "France" : "United States",
          answer: i % 3 ? `answer ${i}` : null,
        }),
      );
    const { values } = batch.ordered();
    const thread = batch.forThread();
    assert.equal(thread.values.length, values.length);
    const at = (name: string) => PREDICTION_COLUMNS.findIndex(([c]) => c === name);
    // One value a row: the sample ids and the answers stay plain arrays.
    assert.ok(Array.isArray(thread.values[at("sample_id")]));
    assert.ok(Array.isArray(thread.values[at("answer")]));
    const country = thread.values[at("true_country_name")] as DictionaryColumn;
    assert.deepEqual(country.values, ["United States", "France"]);
    assert.ok(thread.buffers.includes(country.index.buffer as ArrayBuffer));
    thread.values.forEach((col, c) => {
      const rows =
        Array.isArray(col) || col instanceof Float64Array ? [...col] : Array.from(col.index, (k) => col.values[k]);
      assert.deepEqual(rows, [...values[c]], PREDICTION_COLUMNS[c][0]);
    });
  });
});
