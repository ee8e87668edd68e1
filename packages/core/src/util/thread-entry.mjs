// Bootstrap of every WorkerPool thread: TypeScript through tsx in the thread too, then the
// thread's own module (workerData.module).
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.module);
