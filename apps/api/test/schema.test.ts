import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { printSchemaFile, schemaFile } from "../src/schema/print.ts";

test("apps/api/schema.graphql matches the type-graphql classes (run `npm run schema -w @geor/api`)", async () => {
  assert.equal(readFileSync(schemaFile, "utf8"), await printSchemaFile());
});
