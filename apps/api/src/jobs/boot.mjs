// Worker-thread bootstrap: TypeScript through tsx (with this package's tsconfig, for its
// decorators) in the thread too, then the task module named by workerData.entry.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register({ tsconfig: new URL("../../tsconfig.json", import.meta.url).pathname });
await import(workerData.entry);
