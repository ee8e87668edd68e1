import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, concatColumns, decodeColumns, emptyColumns } from "../../src/lib/prediction-columns.ts";

/** What the API sends: base64 of the little-endian bytes. */
const base64 = (a: Int32Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

const packed = {
  count: 2,
  ids: base64(new Int32Array([7, 123456789])),
  truePositions: base64(new Float32Array([-9.14, 38.72, 139.69, 35.69])),
  predictedPositions: base64(new Float32Array([2.35, 48.86, -0.5, 51.5])),
  errorKm: base64(new Float32Array([1453.2, 9560.8])),
};

test("decodeColumns turns the base64 columns into typed arrays of count rows", () => {
  const c = decodeColumns(packed);
  assert.equal(c.length, 2);
  assert.deepEqual([...c.ids], [7, 123456789]);
  assert.deepEqual([...c.truePositions], [...new Float32Array([-9.14, 38.72, 139.69, 35.69])]);
  assert.deepEqual([...c.predPositions], [...new Float32Array([2.35, 48.86, -0.5, 51.5])]);
  assert.deepEqual([...c.errorKm], [...new Float32Array([1453.2, 9560.8])]);
  const none = decodeColumns({ count: 0, ids: "", truePositions: "", predictedPositions: "", errorKm: "" });
  assert.equal(none.length, 0);
  assert.equal(none.truePositions.length, 0);
});

test("decodeColumns names a column whose size does not match count", () => {
  assert.throws(
    () => decodeColumns({ ...packed, errorKm: base64(new Float32Array([1])) }),
    /predictionPoints\.errorKm has 4 bytes, expected 8/,
  );
});

test("concatColumns appends a chunk after the rows already loaded", () => {
  const a = columnsOf([{ id: "3", trueLat: 1, trueLon: 2, predLat: 3, predLon: 4, errorKm: 5 }]);
  const both = concatColumns(a, decodeColumns(packed));
  assert.equal(both.length, 3);
  assert.deepEqual([...both.ids], [3, 7, 123456789]);
  assert.deepEqual([...both.truePositions.subarray(0, 4)], [2, 1, ...new Float32Array([-9.14, 38.72])]);
  assert.deepEqual([...both.errorKm], [5, ...new Float32Array([1453.2, 9560.8])]);
  assert.equal(concatColumns(emptyColumns(), a), a, "the first chunk is taken as it is");
});
