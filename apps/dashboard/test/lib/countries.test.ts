import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import type { Topology } from "topojson-specification";
import { countriesFromTopology, iso2OfNumeric, unwrapRing } from "../../src/lib/countries.ts";

const require = createRequire(import.meta.url);

test("iso2OfNumeric converts ISO numeric ids, padded or not, and names the units without one", () => {
  assert.equal(iso2OfNumeric("250", "France"), "FR");
  assert.equal(iso2OfNumeric("036", "Australia"), "AU");
  assert.equal(iso2OfNumeric(36, "Australia"), "AU");
  assert.equal(iso2OfNumeric(undefined, "Kosovo"), "XK");
  assert.equal(iso2OfNumeric(undefined, "Siachen Glacier"), null);
});

test("world-atlas 50m outlines become features keyed by ISO alpha-2", () => {
  const topology = JSON.parse(readFileSync(require.resolve("world-atlas/countries-50m.json"), "utf8")) as Topology;
  const fc = countriesFromTopology(topology);
  assert.equal(fc.features.length, 241);
  const byIso = new Map(fc.features.map((f) => [f.properties.iso2, f.properties.name]));
  assert.equal(byIso.get("PT"), "Portugal");
  assert.equal(byIso.get("ES"), "Spain");
  assert.equal(byIso.get("BR"), "Brazil");
  const unmapped = fc.features.filter((f) => !f.properties.iso2).map((f) => f.properties.name);
  assert.ok(unmapped.length <= 3, `few units lack a code: ${unmapped.join(", ")}`);
});

test("the 110m outlines keep the ISO codes of the 50m ones", () => {
  const read = (r: string) =>
    countriesFromTopology(
      JSON.parse(readFileSync(require.resolve(`world-atlas/countries-${r}.json`), "utf8")) as Topology,
    );
  const coarse = read("110m");
  const fine = new Set(read("50m").features.map((f) => f.properties.iso2));
  assert.ok(coarse.features.length >= 170, `${coarse.features.length} countries at 110m`);
  const missing = coarse.features.filter((f) => f.properties.iso2 && !fine.has(f.properties.iso2));
  assert.deepEqual(missing, [], "every 110m country keeps its 50m code");
});

test("a topology without a countries object is rejected with a clear message", () => {
  assert.throws(
    () => countriesFromTopology({ type: "Topology", objects: {}, arcs: [] } as unknown as Topology),
    /no "countries" object/,
  );
});

test("unwrapRing takes steps across the antimeridian the short way", () => {
  assert.deepEqual(
    unwrapRing([
      [179, 60],
      [-179, 61],
      [-178, 62],
      [179, 60],
    ]),
    [
      [179, 60],
      [181, 61],
      [182, 62],
      [179, 60],
    ],
  );
  const ordinary = [
    [0, 0],
    [10, 0],
    [10, 10],
    [0, 0],
  ];
  assert.deepEqual(unwrapRing(ordinary), ordinary, "a ring that does not cross is unchanged");
});
