import assert from "node:assert/strict";
import { test } from "node:test";
import type { PredictionChainsFieldsFragment } from "../../src/gql/graphql.ts";
import { chainRows, predictedCountryName } from "../../src/lib/prediction-chains.ts";

/** A sample in San José, Costa Rica (the town Aserrí, geocell 180). */
const truth: PredictionChainsFieldsFragment["trueChain"] = {
  lat: 9.858,
  lon: -84.091,
  continent: "North America",
  country: { code: "CR", name: "Costa Rica" },
  admin1: { code: "CR-SJ", name: "San José" },
  city: "Aserrí",
  cell: 180,
};

const region = (code: string, name: string, probability: number | null = null) => ({ code, name, probability });

const builtin: PredictionChainsFieldsFragment = {
  errorKm: 0.5,
  answer: null,
  parsed: true,
  consistent: null,
  hits: { country: true, admin1: true, place: true },
  statedHits: null,
  statedChain: null,
  trueChain: truth,
  predictedChain: {
    lat: 9.861,
    lon: -84.09,
    confidence: 0.42,
    country: region("CR", "Costa Rica", 0.9),
    admin1: region("CR-SJ", "San José", 0.7),
    place: region("180", "Aserrí", 0.66),
  },
};

/** A Geo-R answer stating the right country and town, a wrong admin-1, and a coordinate in Panama. */
const answered: PredictionChainsFieldsFragment = {
  ...builtin,
  errorKm: 623.3,
  answer:
    '<answer>{"Country": "Costa Rica", "State": "Limón", "City": "Aserrí", "Coordinates": [8.98, -79.52]}</answer>',
  consistent: false,
  hits: { country: false, admin1: false, place: false },
  statedHits: { country: true, admin1: false, city: true },
  statedChain: {
    country: { code: "CR", name: "Costa Rica" },
    admin1: { code: "CR-L", name: "Limón" },
    city: { code: "3624848", name: "Aserrí" },
    unresolved: { country: null, admin1: null, city: null },
  },
  predictedChain: {
    lat: 8.98,
    lon: -79.52,
    confidence: null,
    country: region("PA", "Panama"),
    admin1: region("PA-8", "Panamá"),
    place: region("181", "Panama City"),
  },
};

const byLevel = (rows: ReturnType<typeof chainRows>["rows"]) => new Map(rows.map((r) => [r.level, r]));

test("a built-in prediction: no Stated column, each level's probability and hit", () => {
  const { rows, stated } = chainRows(builtin);
  assert.equal(stated, false);
  assert.deepEqual(
    rows.map((r) => [r.level, r.truth, r.predicted, r.probability, r.hit, r.stated]),
    [
      ["continent", "North America", null, undefined, undefined, undefined],
      ["country", "Costa Rica", "Costa Rica", 0.9, true, undefined],
      ["admin1", "San José", "San José", 0.7, true, undefined],
      ["place", "Aserrí · cell 180", "Aserrí · cell 180", 0.66, true, undefined],
      ["coordinate", "9.858, -84.091", "9.861, -84.090", undefined, undefined, undefined],
    ],
  );
});

test("an answer: the stated chain beside the coordinate's, each marked by its own hits, no probabilities", () => {
  const { rows, stated } = chainRows(answered);
  assert.equal(stated, true);
  const r = byLevel(rows);
  assert.deepEqual(r.get("country")?.stated, { kind: "resolved", name: "Costa Rica", hit: true, region: false });
  assert.equal(r.get("country")?.predicted, "Panama");
  assert.equal(r.get("country")?.hit, false);
  assert.deepEqual(r.get("admin1")?.stated, { kind: "resolved", name: "Limón", hit: false, region: false });
  assert.deepEqual(r.get("place")?.stated, { kind: "resolved", name: "Aserrí", hit: true, region: false });
  assert.equal(r.get("place")?.predicted, "Panama City · cell 181");
  assert.equal(r.get("continent")?.stated, undefined, "an answer states no continent");
  assert.equal(r.get("coordinate")?.stated, undefined);
  assert.ok(
    rows.every((row) => row.probability === undefined),
    "no p column without a model's probabilities",
  );
});

test("unresolved names are kept as written; a Natural Earth region stands for admin-1; unstated levels are none", () => {
  const p: PredictionChainsFieldsFragment = {
    ...answered,
    statedHits: { country: false, admin1: true, city: false },
    statedChain: {
      country: null,
      admin1: { code: null, name: "Île-de-France" },
      city: null,
      unresolved: { country: "Atlantis", admin1: null, city: null },
    },
  };
  const r = byLevel(chainRows(p).rows);
  assert.deepEqual(r.get("country")?.stated, { kind: "unresolved", name: "Atlantis" });
  assert.deepEqual(r.get("admin1")?.stated, { kind: "resolved", name: "Île-de-France", hit: true, region: true });
  assert.deepEqual(r.get("place")?.stated, { kind: "none" });
});

test("an unreadable answer: no coordinate, no chain of its own and no marks; stated levels all none", () => {
  const p: PredictionChainsFieldsFragment = {
    ...answered,
    answer: "I cannot tell where this is.",
    parsed: false,
    consistent: null,
    errorKm: 20015.1,
    statedChain: null,
    statedHits: null,
    predictedChain: { lat: null, lon: null, confidence: null, country: null, admin1: null, place: null },
  };
  const { rows, stated } = chainRows(p);
  assert.equal(stated, true, "the answer is shown against the truth even when it states nothing");
  const r = byLevel(rows);
  assert.equal(r.get("coordinate")?.predicted, "unreadable");
  for (const level of ["country", "admin1", "place"]) {
    assert.equal(r.get(level)?.predicted, null, level);
    assert.equal(r.get(level)?.hit, null, level);
    assert.deepEqual(r.get(level)?.stated, { kind: "none" }, level);
  }
  assert.equal(predictedCountryName(p), "no coordinate");
});

test("a coordinate in open water is named so", () => {
  const p = { parsed: true, predictedChain: { lat: 0.6, lon: -153.5, country: null } };
  assert.equal(predictedCountryName(p), "open water");
  assert.equal(predictedCountryName(builtin), "Costa Rica");
});
