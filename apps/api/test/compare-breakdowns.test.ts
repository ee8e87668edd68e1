/** compareBreakdowns: two experiments' per-country rows joined into b − a deltas. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type CountryRow, compareBreakdowns } from "../src/store/index.ts";

function row(iso2: string, n: number, medianKm: number, accuracy: number[]): CountryRow {
  return {
    iso2,
    name: iso2 === "" ? "(no country)" : `${iso2} name`,
    n,
    medianKm,
    meanKm: medianKm * 2,
    accuracy: accuracy.map((a, i) => ({ km: [1, 25][i], accuracy: a })),
    countryAccuracy: 0.5,
  };
}

test("countries of either experiment, deltas b − a, null where one has none, by combined count then iso2", () => {
  const a = [row("FR", 10, 100, [0.1, 0.5]), row("DE", 4, 50, [0.25, 0.75]), row("", 1, 7, [0, 1])];
  const b = [row("FR", 8, 60, [0.2, 0.5]), row("US", 5, 300, [0, 0.2]), row("IT", 4, 1, [1, 1])];
  const deltas = compareBreakdowns(a, b);
  assert.deepEqual(
    deltas.map((d) => [d.iso2, d.nA, d.nB]),
    [
      ["FR", 10, 8],
      ["US", 0, 5],
      ["DE", 4, 0],
      ["IT", 0, 4],
      ["", 1, 0],
    ],
  );
  assert.deepEqual(deltas[0], {
    iso2: "FR",
    name: "FR name",
    nA: 10,
    nB: 8,
    medianKmA: 100,
    medianKmB: 60,
    deltaMedianKm: -40,
    thresholds: [
      { km: 1, a: 0.1, b: 0.2, delta: 0.2 - 0.1 },
      { km: 25, a: 0.5, b: 0.5, delta: 0 },
    ],
  });
  assert.deepEqual(deltas[1], {
    iso2: "US",
    name: "US name",
    nA: 0,
    nB: 5,
    medianKmA: null,
    medianKmB: 300,
    deltaMedianKm: null,
    thresholds: [
      { km: 1, a: null, b: 0, delta: null },
      { km: 25, a: null, b: 0.2, delta: null },
    ],
  });
  assert.equal(deltas[4].name, "(no country)");
  assert.deepEqual(compareBreakdowns([], []), []);
});
