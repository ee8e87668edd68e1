import assert from "node:assert/strict";
import { test } from "node:test";
import { type CountryBreakdownRow, countryStats, measureLabel, parseMeasure } from "../../src/lib/country-measure.ts";

const rows: CountryBreakdownRow[] = [
  {
    iso2: "PT",
    name: "Portugal",
    n: 10,
    medianKm: 310,
    thresholds: [
      { km: 25, accuracy: 0.1 },
      { km: 750, accuracy: 0.9 },
    ],
  },
  { iso2: "ES", name: "Spain", n: 4, medianKm: 120, thresholds: [{ km: 750, accuracy: 1 }] },
];

test("a distance measure reads the country's accuracy at that threshold", () => {
  const stats = countryStats(rows, { kind: "km", km: 750 });
  assert.equal(stats.get("PT")?.value, 0.9);
  assert.equal(stats.get("ES")?.value, 1);
  assert.equal(countryStats(rows, { kind: "km", km: 25 }).get("ES")?.value, null, "a missing threshold is no data");
});

test("a level measure divides the hits at that level by the country's predictions", () => {
  const hits = [{ ...rows[0]!, n: 3 }];
  const stats = countryStats(rows, { kind: "level", level: "ADMIN1" }, hits);
  assert.equal(stats.get("PT")?.value, 0.3);
  assert.equal(stats.get("ES")?.value, 0, "a country with no hit row has no hits");
  assert.equal(countryStats(rows, { kind: "level", level: "PLACE" }, null).get("PT")?.value, null);
});

test("the measure comes from the URL: a level wins, a bad threshold falls back to 750 km", () => {
  assert.deepEqual(parseMeasure(new URLSearchParams("threshold=25")), { kind: "km", km: 25 });
  assert.deepEqual(parseMeasure(new URLSearchParams("threshold=26")), { kind: "km", km: 750 });
  assert.deepEqual(parseMeasure(new URLSearchParams("threshold=25&level=PLACE")), { kind: "level", level: "PLACE" });
  // A link shared before the place level was renamed still opens it.
  assert.deepEqual(parseMeasure(new URLSearchParams("level=CITY")), { kind: "level", level: "PLACE" });
  assert.equal(measureLabel({ kind: "km", km: 2500 }), "accuracy ≤ 2500 km");
});
