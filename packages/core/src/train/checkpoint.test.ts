/**
 * Checkpoints under faults: a disk that fills up while one is written (ENOSPC injected into
 * node:fs/promises, so the drill runs on any machine), a process killed between the two renames
 * that swap a new checkpoint in, and a metrics line cut short.
 */
import assert from "node:assert/strict";
import { appendFileSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import fsp from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import path from "node:path";
import { before, describe, it, mock } from "node:test";
import { recordFaultDrill } from "../../../../scripts/fault-drills.ts";
import { tempDir, tinyBlueMarble } from "../../test/fixtures.ts";
import { CheckpointError, checkpointExists, loadModel, readCheckpoint } from "./checkpoint.ts";
import { readMetrics } from "./metrics-log.ts";
import { trainSft } from "./sft.ts";

const TINY = { convWidths: [8, 8], convStrides: [2, 2] as Array<1 | 2>, featureDim: 16, embedDim: 4, headHidden: 16 };
const TRAIN = { epochs: 0.4, batchSize: 32, checkpointEvery: 3, seed: 2 };

/** Makes every write of a file named `name` stop half-way with ENOSPC, as a full disk does. */
function fillDiskOn(name: string): { failures: () => number; restore: () => void } {
  const original = fsp.writeFile;
  let failures = 0;
  const m = mock.method(fsp, "writeFile", async (file: string, data: Uint8Array | string, opts?: object) => {
    if (path.basename(String(file)) !== name) return original(file, data, opts);
    failures++;
    await original(
      file,
      typeof data === "string" ? data.slice(0, data.length >> 1) : data.subarray(0, data.length >> 1),
    );
    throw Object.assign(new Error(`ENOSPC: no space left on device, write`), {
      code: "ENOSPC",
      errno: -28,
      syscall: "write",
    });
  });
  // Named imports of a builtin (checkpoint.ts's `writeFile`) follow the module object only after this.
  syncBuiltinESMExports();
  return {
    failures: () => failures,
    restore: () => {
      m.mock.restore();
      syncBuiltinESMExports();
    },
  };
}

const stepsOf = (runDir: string) =>
  readMetrics(path.join(runDir, "metrics.jsonl"))
    .filter((r) => r.type === "step")
    .map((r) => r.step);

describe("checkpoints under faults", () => {
  let dataset: string;
  before(async () => {
    dataset = await tinyBlueMarble();
  });

  it("disk full while a checkpoint is written: a clear error, the previous checkpoint intact, and the run resumes", async () => {
    const out = path.join(tempDir("geor-enospc-"), "run");
    const ckpt = path.join(out, "checkpoint");
    await trainSft({ dataset, out, model: TINY, train: TRAIN, backend: "wasm", stopAfterSteps: 3 });
    assert.equal(readCheckpoint(ckpt).meta.step, 3);

    const disk = fillDiskOn("weights.bin");
    let message = "";
    try {
      await assert.rejects(trainSft({ dataset, out, model: TINY, backend: "wasm", resume: true }), (err: Error) => {
        message = err.message;
        return err instanceof CheckpointError;
      });
    } finally {
      disk.restore();
    }
    assert.equal(disk.failures(), 1);
    assert.ok(message.includes(ckpt), `the message names the checkpoint: ${message}`);
    assert.match(message, /ENOSPC \(ENOSPC: no space left on device, write\) while writing .*weights\.bin/);
    assert.match(message, /checkpoint of step 6 .*; the previous checkpoint is kept$/);
    // Step 3 is still there, whole, and loads; the half-written copy is gone.
    assert.equal(readCheckpoint(ckpt).meta.step, 3);
    loadModel(ckpt).model.dispose();
    const leftovers = readdirSync(out).filter((n) => n.startsWith("checkpoint."));
    assert.deepEqual(leftovers, []);

    const resumed = await trainSft({ dataset, out, model: TINY, backend: "wasm", resume: true });
    assert.equal(resumed.finished, true);
    const steps = stepsOf(out);
    assert.deepEqual(
      steps,
      Array.from({ length: resumed.steps }, (_, i) => i + 1),
      "every step once, in order",
    );
    recordFaultDrill("disk-full-checkpoint", {
      title: "Disk full while a checkpoint is written",
      method:
        "tiny SFT run stopped at its step-3 checkpoint, resumed with every write of weights.bin cut half-way by ENOSPC (injected into node:fs/promises); then resumed with the disk back",
      command: "cd packages/core && node ../../scripts/run-node-tests.mjs src/train/checkpoint.test.ts",
      figures: {
        checkpointWritesFailed: disk.failures(),
        error: message.replaceAll(path.dirname(out), "<tmp>"),
        previousCheckpointStep: 3,
        previousCheckpointLoadable: true,
        tempDirectoriesLeft: leftovers.length,
        resumedToStep: resumed.steps,
        metricRowsDuplicated: steps.length - new Set(steps).size,
        metricRowsLost: resumed.steps - new Set(steps).size,
      },
    });
  });

  it("a process killed between the two renames of a checkpoint swap: the set-aside checkpoint is put back", async () => {
    const out = path.join(tempDir("geor-swap-"), "run");
    const ckpt = path.join(out, "checkpoint");
    await trainSft({ dataset, out, model: TINY, train: TRAIN, backend: "wasm", stopAfterSteps: 3 });
    // What a kill after `rename(checkpoint, checkpoint.old-<pid>)` leaves: no checkpoint/, the old
    // one set aside, and the new one complete or not in checkpoint.tmp-<pid>.
    renameSync(ckpt, `${ckpt}.old-4242`);
    mkdirSync(`${ckpt}.tmp-4242`);
    writeFileSync(path.join(`${ckpt}.tmp-4242`, "weights.bin"), "half");
    assert.equal(checkpointExists(ckpt), true);
    assert.equal(readCheckpoint(ckpt).meta.step, 3);
    assert.deepEqual(
      readdirSync(out).filter((n) => n.startsWith("checkpoint.")),
      [],
    );
    const resumed = await trainSft({ dataset, out, model: TINY, backend: "wasm", resume: true, stopAfterSteps: 3 });
    assert.equal(resumed.steps, 6);
    assert.deepEqual(stepsOf(out), [1, 2, 3, 4, 5, 6]);
  });

  it("a metrics line cut short by a full disk is dropped on resume, not fatal", async () => {
    const out = path.join(tempDir("geor-torn-"), "run");
    await trainSft({ dataset, out, model: TINY, train: TRAIN, backend: "wasm", stopAfterSteps: 3 });
    appendFileSync(path.join(out, "metrics.jsonl"), `{"type":"step","step":4,"lo`);
    const resumed = await trainSft({ dataset, out, model: TINY, backend: "wasm", resume: true, stopAfterSteps: 1 });
    assert.equal(resumed.steps, 4);
    assert.deepEqual(stepsOf(out), [1, 2, 3, 4]);
    assert.equal(existsSync(path.join(out, "checkpoint", "checkpoint.json")), true);
  });
});
