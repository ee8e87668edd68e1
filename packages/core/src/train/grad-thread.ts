/**
 * One gradient thread of a GradPool: builds the model from a checkpoint on its own TensorFlow.js
 * backend, then for each job sets the weights it is sent and answers with the gradient of its
 * shard (the buffer is moved to the main thread, not copied).
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendName, selectBackend } from "../backend/select.ts";
import { rawToTensor } from "../model/inputs.ts";
import { serveJobs } from "../util/worker-pool.ts";
import { loadModel } from "./checkpoint.ts";
import { flatten, type GradJob, type GradResult, shardGradients, unflatten } from "./grad-pool.ts";

await serveJobs(
  async ({ checkpointDir, backend }: { checkpointDir: string; backend: BackendName }) => {
    await selectBackend({ backend });
    const { model } = loadModel(checkpointDir);
    return { info: [...model.variables.keys()].join(","), state: model };
  },
  (model, job: GradJob): GradResult => {
    let result: GradResult | undefined;
    // The result is set inside, not returned: tf.tidy would walk a returned Float32Array element
    // by element looking for tensors (~0.5 s for this model's gradient).
    tf.tidy(() => {
      const vars = model.variableList;
      unflatten(job.weights, vars).forEach((w, i) => {
        vars[i].assign(w);
      });
      const x = rawToTensor(model, job.raw, job.t.n);
      const { grads, parts } = shardGradients(model, x, job.t, job.scale, job.lossWeights);
      result = { grads: flatten(grads), parts };
    });
    return result as GradResult;
  },
  (result) => [result.grads.buffer as ArrayBuffer],
);
