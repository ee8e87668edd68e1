/**
 * The Python client (clients/python/geor_client.py) against a live API: runs its unittest file
 * (clients/python/test_geor_client.py) with python3, which must exit 0. The server gets the tiny
 * dataset; the Python tests get its URL, the token, the dataset's name and a few test-split
 * samples in named cities (id, coordinate, chain names) through the environment.
 *
 * SQLite only: the client speaks GraphQL over HTTP and never sees the database; what the
 * mutations store on each dialect is external-runs.test.ts's job.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DATASET, TINY_DATASET_INPUT } from "./api-fixtures.ts";
import { ok, startApi, type TestApi, TOKEN } from "./helpers.ts";

/** The test server's ingestSettings.chunkRows. */
const CHUNK_ROWS = 2;
const clientDir = fileURLToPath(new URL("../../../clients/python/", import.meta.url));

type Sample = {
  id: string;
  lat: number;
  lon: number;
  chain: { country: { name: string } | null; admin1: { name: string } | null; city: { name: string } | null };
};

/** Runs python3 with `env` added; resolves with its exit code and everything it printed. */
function python(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      "python3",
      args,
      {
        cwd: clientDir,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", ...env },
        encoding: "utf8",
        timeout: 180_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}${err && typeof err.code !== "number" ? `\n${err.message}` : ""}` });
      },
    );
  });
}

describe("the Python client against the API on sqlite", () => {
  let api: TestApi;
  let samples: Sample[];

  before(async () => {
    // Chunks of a few rows, so that the client's following the server's size shows in the tiny dataset.
    api = await startApi("sqlite", { ingestChunkRows: CHUNK_ROWS });
    await ok(api, "mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }", { i: TINY_DATASET_INPUT });
    const d = await ok<{ dataset: { samples: { edges: Array<{ node: Sample }> } } }>(
      api,
      `{ dataset(name: "${DATASET}") { samples(split: "test", first: 100) { edges { node {
        id lat lon chain { country { name } admin1 { name } city { name } } } } } } }`,
    );
    // Named cities, so a Geo-R answer can state every level.
    samples = d.dataset.samples.edges.map((e) => e.node).filter((s) => s.chain.city && s.chain.admin1);
    assert.ok(samples.length >= 6, `the tiny dataset has ${samples.length} test samples in cities, the tests need 6`);
  });
  after(async () => {
    await api?.stop();
  });

  test("clients/python/test_geor_client.py passes", async () => {
    const r = await python(["-m", "unittest", "-v", "test_geor_client"], {
      GEOR_TEST_API: api.url,
      GEOR_API_TOKEN: TOKEN,
      GEOR_TEST_DATASET: DATASET,
      GEOR_TEST_CHUNK_ROWS: String(CHUNK_ROWS),
      GEOR_TEST_SAMPLES: JSON.stringify(
        samples.slice(0, 6).map((s) => ({
          id: s.id,
          lat: s.lat,
          lon: s.lon,
          country: s.chain.country?.name,
          admin1: s.chain.admin1?.name,
          city: s.chain.city?.name,
        })),
      ),
    });
    assert.equal(r.code, 0, `python3 -m unittest test_geor_client failed:\n${r.output}`);
    assert.match(r.output, /^OK$/m, r.output);
  });
});
