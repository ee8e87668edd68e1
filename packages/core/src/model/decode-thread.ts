/**
 * One decoding thread of a DecodePool: loads the checkpoint on its own TensorFlow.js backend,
 * then answers each posted batch with its decoded chains.
 */
import { type BackendName, selectBackend } from "../backend/select.ts";
import { loadModel } from "../train/checkpoint.ts";
import { serveJobs } from "../util/worker-pool.ts";
import { decodeBatch } from "./decode/batch.ts";
import type { DecodeJob } from "./decode-pool.ts";
import { rawToTensor } from "./inputs.ts";

await serveJobs(
  async ({ checkpointDir, backend }: { checkpointDir: string; backend: BackendName }) => {
    await selectBackend({ backend });
    return { state: loadModel(checkpointDir).model };
  },
  (model, job: DecodeJob) => {
    const x = rawToTensor(model, job.batch, job.n);
    try {
      return decodeBatch(model, x, job.spec);
    } finally {
      x.dispose();
    }
  },
);
