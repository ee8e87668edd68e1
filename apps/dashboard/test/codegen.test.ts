import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";

const dashboard = path.resolve(import.meta.dirname, "..");
const generated = path.join(dashboard, "src/gql");

test("src/gql is what GraphQL Code Generator makes from apps/api/schema.graphql and the documents", () => {
  const out = mkdtempSync(path.join(os.tmpdir(), "geor-codegen-"));
  try {
    const r = spawnSync(
      process.execPath,
      [path.join(dashboard, "../../node_modules/@graphql-codegen/cli/cjs/bin.js"), "--config", "codegen.ts"],
      { cwd: dashboard, env: { ...process.env, GEOR_CODEGEN_OUT: `${out}/` }, encoding: "utf8" },
    );
    assert.equal(r.status, 0, `codegen failed (a document no longer matches the schema?):\n${r.stdout}\n${r.stderr}`);
    const files = readdirSync(generated).sort();
    assert.deepEqual(readdirSync(out).sort(), files);
    for (const file of files) {
      assert.equal(
        readFileSync(path.join(out, file), "utf8"),
        readFileSync(path.join(generated, file), "utf8"),
        `src/gql/${file} is stale: run npm run codegen -w @geor/dashboard`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
