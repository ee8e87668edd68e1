/**
 * One decoding thread of a DecodePool: loads the checkpoint on its own TensorFlow.js backend,
 * then answers each posted batch with its decoded chains.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type BackendName, selectBackend } from "../backend/select.ts";
import { loadModel } from "../train/checkpoint.ts";
import { userMessage } from "../util/errors.ts";
import { decodeBatch } from "./decode.ts";
import type { DecodeJob, DecodeReply } from "./decode-pool.ts";
import { rawToTensor } from "./inputs.ts";

const port = parentPort;
if (!port) throw new Error("decode-thread.ts runs as a worker thread of a DecodePool");
const { checkpointDir, backend } = workerData as { checkpointDir: string; backend: BackendName };
const post = (reply: DecodeReply) => port.postMessage(reply);

try {
  await selectBackend({ backend });
  const { model } = loadModel(checkpointDir);
  port.on("message", (job: DecodeJob) => {
    try {
      const x = rawToTensor(model, job.batch, job.n);
      try {
        post({ id: job.id, chains: decodeBatch(model, x, job.spec) });
      } finally {
        x.dispose();
      }
    } catch (err) {
      post({ id: job.id, error: userMessage(err) });
    }
  });
  post({ ready: true });
} catch (err) {
  post({ failed: userMessage(err) });
}
