import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { type ChainOfRegion, loadChainOfRegion, loadPlaceNames, MAX_DISTANCE_KM, type PlaceNames } from "@geor/geo";
import { tinyBlueMarble } from "../../test/fixtures.ts";
import { SampleTruth } from "../data/sample-truth.ts";
import { Dataset } from "../data/store.ts";
import { ExternalScorer, type ScoredExternalPrediction } from "./external.ts";

describe("scoring external predictions by sample id", () => {
  let ds: Dataset;
  let truth: SampleTruth;
  let cor: ChainOfRegion;
  let names: PlaceNames;
  let scorer: ExternalScorer;
  /** A test sample in a named city of a country with admin-1 units. */
  let s: Dataset["samples"][number];

  before(async () => {
    const dir = await tinyBlueMarble();
    ds = Dataset.open(dir);
    truth = await SampleTruth.load(dir);
    [cor, names] = await Promise.all([loadChainOfRegion(), loadPlaceNames()]);
    scorer = new ExternalScorer(truth, "test", cor, names);
    const found = ds.samples.find((x) => x.split === "test" && x.chain.city !== null && x.chain.admin1 !== null);
    assert.ok(found, "the tiny dataset has a test sample in a city");
    s = found;
  });

  const scored = (input: Parameters<ExternalScorer["score"]>[0]): ScoredExternalPrediction => {
    const r = scorer.score(input);
    assert.ok(!("problem" in r), `unexpected problem: ${"problem" in r ? r.problem : ""}`);
    return r;
  };
  const problem = (input: Parameters<ExternalScorer["score"]>[0]): string => {
    const r = scorer.score(input);
    assert.ok("problem" in r, "expected the row to be refused");
    return r.problem;
  };

  it("holds every sample's truth as the dataset does", () => {
    assert.equal(truth.size, ds.size);
    for (const i of [0, 1, 500, ds.size - 1]) {
      const x = ds.samples[i];
      const r = truth.row(truth.indexOf(x.id));
      assert.deepEqual(r, { id: x.id, split: x.split, lat: x.lat, lon: x.lon, cell: x.cell, chain: x.chain });
    }
    assert.equal(truth.indexOf("no-such-id"), -1);
  });

  it("the true coordinate is right at every level, 0 km away", () => {
    const r = scored({ sampleId: s.id, lat: s.lat, lon: s.lon });
    assert.equal(r.errorKm, 0);
    assert.deepEqual(r.hits, { country: true, admin1: true, place: true });
    assert.equal(r.parsed, true);
    assert.equal(r.predicted?.chain.country?.iso2, s.chain.country?.iso2);
    assert.equal(r.stated, null);
    assert.equal(r.statedHits, null);
    assert.equal(r.consistent, null);
  });

  it("a coordinate 1° of latitude north is 111.2 km away (R = 6371.0088 km)", () => {
    const lat = s.lat > 0 ? s.lat - 1 : s.lat + 1;
    const r = scored({ sampleId: s.id, lat, lon: s.lon, confidence: 0.25 });
    // 2πR / 360 = 111.195 km for one degree along a meridian.
    assert.ok(Math.abs(r.errorKm - 111.195) < 0.01, `${r.errorKm}`);
    assert.equal(r.confidence, 0.25);
  });

  it("a Geo-R answer gives the coordinate and states the chain, resolved and checked against the truth", () => {
    const c = s.chain;
    const answer = `<think>Looks like ${c.city?.name}.</think><answer>{"Country": "${c.country?.name}", "State": "${c.admin1?.name}", "City": "${c.city?.name}", "Coordinates": [${s.lat}, ${s.lon}]}</answer>`;
    const r = scored({ sampleId: s.id, answer });
    assert.equal(r.parsed, true);
    assert.equal(r.errorKm, 0);
    assert.equal(r.answer, answer);
    assert.equal(r.stated?.country?.iso2, c.country?.iso2);
    assert.deepEqual(r.statedHits, { country: true, admin1: true, city: true });
    assert.equal(r.consistent, true, "the coordinate lies in the stated country");
  });

  it("a stated country the coordinate is not in is inconsistent; an unstated level is wrong", () => {
    const other = s.chain.country?.iso2 === "FR" ? "Japan" : "France";
    const r = scored({ sampleId: s.id, answer: `{"Country": "${other}", "LOC": [${s.lat}, ${s.lon}]}` });
    assert.deepEqual(r.statedHits, { country: false, admin1: false, city: false });
    assert.equal(r.consistent, false);
    assert.deepEqual(r.hits, { country: true, admin1: true, place: true }, "the coordinate itself is right");
  });

  it("an answer with no readable coordinate is unparsed: the farthest error, a miss everywhere, no point", () => {
    const r = scored({ sampleId: s.id, answer: `{"Country": "${s.chain.country?.name}"}` });
    assert.equal(r.parsed, false);
    assert.equal(r.predicted, null);
    assert.equal(r.errorKm, MAX_DISTANCE_KM);
    assert.deepEqual(r.hits, { country: false, admin1: false, place: false });
    assert.equal(r.statedHits?.country, true, "its stated country still counts");
    assert.equal(r.consistent, null, "no coordinate to check");
    assert.equal(scored({ sampleId: s.id, answer: "no idea" }).stated, null);
  });

  it("given coordinates win over the answer's, whose chain is still read", () => {
    const r = scored({
      sampleId: s.id,
      lat: s.lat,
      lon: s.lon,
      answer: '{"Country": "Japan", "LOC": [35.68, 139.69]}',
    });
    assert.equal(r.errorKm, 0);
    assert.equal(r.stated?.country?.iso2, "JP");
  });

  it("refuses a row that cannot be scored, saying why", () => {
    const val = ds.samples.find((x) => x.split === "val");
    assert.ok(val);
    assert.equal(problem({ lat: 1, lon: 2 }), "sampleId is missing");
    assert.equal(problem({ sampleId: "nope", lat: 1, lon: 2 }), 'unknown sample id "nope"');
    assert.equal(problem({ sampleId: val.id, lat: 1, lon: 2 }), `sample "${val.id}" is in the val split, not test`);
    assert.equal(problem({ sampleId: s.id }), "neither coordinates (lat, lon) nor an answer");
    assert.equal(problem({ sampleId: s.id, lat: 1 }), "lat without lon");
    assert.equal(problem({ sampleId: s.id, lat: 91, lon: 0 }), "lat 91 is not a number in [-90, 90]");
    assert.equal(problem({ sampleId: s.id, lat: 0, lon: Number.NaN }), "lon NaN is not a number in [-180, 180]");
    assert.equal(problem({ sampleId: s.id, lat: "1", lon: 2 }), "lat 1 is not a number in [-90, 90]");
    assert.equal(problem({ sampleId: s.id, answer: 42 }), "answer is not a string");
    assert.equal(
      problem({ sampleId: s.id, lat: 0, lon: 0, confidence: Number.POSITIVE_INFINITY }),
      "confidence Infinity is not a finite number",
    );
  });
});
