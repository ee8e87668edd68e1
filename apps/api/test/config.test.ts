import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, loadConfig } from "../src/config.ts";

/** loadConfig with one variable set (or unset), the environment restored after. */
function withEnv<T>(name: string, value: string | undefined, run: () => T): T {
  const before = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return run();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

test("GEOR_INGEST_CHUNK_ROWS: unset leaves the database's own size, a number in range is kept, else refused", () => {
  assert.equal(withEnv("GEOR_INGEST_CHUNK_ROWS", undefined, loadConfig).ingestChunkRows, null);
  assert.equal(withEnv("GEOR_INGEST_CHUNK_ROWS", "", loadConfig).ingestChunkRows, null);
  assert.equal(withEnv("GEOR_INGEST_CHUNK_ROWS", "5000", loadConfig).ingestChunkRows, 5000);
  for (const bad of ["0", "100001", "2.5", "many"])
    assert.throws(
      () => withEnv("GEOR_INGEST_CHUNK_ROWS", bad, loadConfig),
      (err: Error) =>
        err instanceof ConfigError && err.message === `GEOR_INGEST_CHUNK_ROWS=${bad} must be an integer in [1, 100000]`,
    );
});
