import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DEFAULT_EXPLORER_STATE,
  type ExplorerState,
  parseExplorerState,
  serializeExplorerState,
} from "../../src/lib/explorer-state.ts";

test("an explorer state survives the round trip through its URL", () => {
  const state: ExplorerState = {
    experiment: "exp_42",
    split: "test",
    country: "PT",
    predictedCountry: "ES",
    minKm: 200,
    maxKm: 2500,
    level: "COUNTRY",
    hit: false,
    parsed: true,
    consistent: false,
    order: "ERROR_ASC",
    selected: "1234",
    view: { longitude: -8.5, latitude: 40.25, zoom: 4.5 },
    bounds: { west: -11.25, south: 36.5978889465332, east: -5.625, north: 40.97989807128906 },
  };
  const query = serializeExplorerState(state);
  assert.equal(
    query,
    "experiment=exp_42&split=test&country=PT&predicted=ES&minKm=200&maxKm=2500&level=COUNTRY&hit=false&answer=readable&consistency=inconsistent&order=ERROR_ASC&bounds=-11.25%2C36.5978889465332%2C-5.625%2C40.97989807128906&selected=1234&view=-8.500%2C40.250%2C4.50",
  );
  assert.deepEqual(parseExplorerState(new URLSearchParams(query)), state);
});

test("defaults serialise to an empty query and parse back to defaults", () => {
  assert.equal(serializeExplorerState(DEFAULT_EXPLORER_STATE), "");
  assert.deepEqual(parseExplorerState(new URLSearchParams("")), DEFAULT_EXPLORER_STATE);
});

test("malformed fields fall back to their defaults one by one", () => {
  const s = parseExplorerState(
    new URLSearchParams(
      "country=Portugal&minKm=-5&maxKm=abc&level=STREET&hit=maybe&answer=true&consistency=yes&order=RANDOM&view=1,2&experiment=e1",
    ),
  );
  assert.deepEqual(s, { ...DEFAULT_EXPLORER_STATE, experiment: "e1" });
  assert.equal(parseExplorerState(new URLSearchParams("country=pt")).country, "PT", "codes are upper-cased");
  assert.equal(parseExplorerState(new URLSearchParams("view=0,95,2")).view, null, "latitude beyond 90 is rejected");
  for (const bad of ["1,2,3", "0,10,5,5", "0,-95,5,10", "a,1,2,3", "0,,5,10", "0,1,600,10"])
    assert.equal(parseExplorerState(new URLSearchParams(`bounds=${bad}`)).bounds, null, `bounds=${bad}`);
  assert.deepEqual(parseExplorerState(new URLSearchParams("bounds=170,-10,-170,10")).bounds, {
    west: 170,
    south: -10,
    east: -170,
    north: 10,
  });
});

test("a link from before the place level was renamed opens it: level=CITY reads as PLACE", () => {
  assert.equal(parseExplorerState(new URLSearchParams("level=CITY&hit=true")).level, "PLACE");
  assert.equal(parseExplorerState(new URLSearchParams("level=PLACE&hit=true")).level, "PLACE");
});

test("the answer and consistency filters read and write their words, each value both ways", () => {
  const read = (query: string) => {
    const s = parseExplorerState(new URLSearchParams(query));
    return [s.parsed, s.consistent];
  };
  assert.deepEqual(read("answer=readable&consistency=consistent"), [true, true]);
  assert.deepEqual(read("answer=unreadable&consistency=inconsistent"), [false, false]);
  assert.deepEqual(read("answer=Unreadable&consistency=false"), [null, null], "only the exact words count");
  const write = (parsed: boolean | null, consistent: boolean | null) =>
    serializeExplorerState({ ...DEFAULT_EXPLORER_STATE, experiment: "e1", parsed, consistent });
  assert.equal(write(false, null), "experiment=e1&answer=unreadable");
  assert.equal(write(null, true), "experiment=e1&consistency=consistent");
  assert.equal(write(null, null), "experiment=e1");
});
