/**
 * The node flags that size the API's and the workers' heap (heap.mjs): the default bound, one from
 * GEOR_API_HEAP_MB, a clear error for a bad value, and the npm scripts that say the same in sh.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { DEFAULT_HEAP_MB, heapArgs, YOUNG_SEMI_SPACE_MB } from "../heap.mjs";

describe("heapArgs", () => {
  test("the default old-space bound and the young generation's semi-space", () => {
    assert.deepEqual(heapArgs({}), [
      `--max-old-space-size=${DEFAULT_HEAP_MB}`,
      `--max-semi-space-size=${YOUNG_SEMI_SPACE_MB}`,
    ]);
    assert.equal(heapArgs({ GEOR_API_HEAP_MB: " 512 " })[0], "--max-old-space-size=512");
  });

  test("a bad GEOR_API_HEAP_MB is an error naming the variable and its value", () => {
    for (const bad of ["lots", "100", "1.5"])
      assert.throws(() => heapArgs({ GEOR_API_HEAP_MB: bad }), new RegExp(`GEOR_API_HEAP_MB="${bad}"`));
  });

  test("the start and worker npm scripts pass the same flags", () => {
    const scripts = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).scripts;
    for (const name of ["start", "worker"]) {
      const flags = (scripts[name] as string).split(" ").filter((w) => w.startsWith("--max-"));
      assert.deepEqual(
        flags,
        heapArgs({}).map((f) => f.replace(`=${DEFAULT_HEAP_MB}`, `=\${GEOR_API_HEAP_MB:-${DEFAULT_HEAP_MB}}`)),
        name,
      );
    }
  });
});
