import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { BlueMarbleConfig } from "../src/data/bluemarble/build.ts";
import { AblationConfig } from "../src/eval/ablation-config.ts";
import { ModelConfig } from "../src/model/config.ts";
import { TrainConfig } from "../src/train/config.ts";
import { RlConfig } from "../src/train/rl/config.ts";

const doc = readFileSync(fileURLToPath(new URL("../../../docs/configuration.md", import.meta.url)), "utf8");

/** Field names of a zod object schema, looking through a transform's input side. */
function fields(schema: unknown): string[] {
  const s = schema as { shape?: Record<string, unknown>; in?: { shape?: Record<string, unknown> } };
  const shape = s.shape ?? s.in?.shape;
  assert.ok(shape, "a zod object schema");
  return Object.keys(shape);
}

/** The rows of the table under the heading that names `section`. */
function documented(section: string): Set<string> {
  const start = doc.indexOf(section);
  assert.ok(start >= 0, `docs/configuration.md has a section for ${section}`);
  const next = doc.indexOf("\n## ", start + 1);
  const body = doc.slice(start, next < 0 ? undefined : next);
  return new Set([...body.matchAll(/^\| `(\w+)`/gm)].map((m) => m[1]));
}

describe("docs/configuration.md", () => {
  for (const [section, schema] of [
    ["`ModelConfig`", ModelConfig],
    ["`TrainConfig`", TrainConfig],
    ["`RlConfig`", RlConfig],
    ["`AblationConfig`", AblationConfig],
    ["`BlueMarbleConfig`", BlueMarbleConfig],
  ] as const) {
    it(`lists every field of ${section}, and no field it does not have`, () => {
      const inDoc = documented(section);
      const inSchema = fields(schema);
      assert.deepEqual(
        inSchema.filter((f) => !inDoc.has(f)),
        [],
        "fields missing from the docs",
      );
      assert.deepEqual(
        [...inDoc].filter((f) => !inSchema.includes(f)),
        [],
        "documented fields the schema does not have",
      );
    });
  }
});
