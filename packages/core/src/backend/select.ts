/**
 * Runtime backend selection, in order of preference:
 *   @tensorflow/tfjs-node-gpu (installed and a GPU answers) → @tensorflow/tfjs-node →
 *   @tensorflow/tfjs-backend-wasm → cpu.
 * The two node bindings are optionalDependencies: their install downloads a native library,
 * which fails offline, and the project must install and run without them.
 */
import * as tf from "@tensorflow/tfjs";
import { initWasm } from "./wasm.ts";

export type BackendName = "node-gpu" | "node" | "wasm" | "cpu";
export const BACKEND_ORDER: readonly BackendName[] = ["node-gpu", "node", "wasm", "cpu"];

export interface BackendInfo {
  /** What was asked for ("auto" or a name). */
  requested: BackendName | "auto";
  /** What runs. */
  name: BackendName;
  /** tf.getBackend() after selection: "tensorflow", "wasm" or "cpu". */
  tfBackend: string;
  tfjsVersion: string;
  /** Why each preferred backend before it was skipped. */
  skipped: Array<{ name: BackendName; reason: string }>;
  details: Record<string, unknown>;
}

/** Loads an optional module; injectable so tests can simulate absent bindings. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;
const defaultImporter: ModuleImporter = (specifier) => import(specifier);

export interface SelectOptions {
  backend?: BackendName | "auto";
  importer?: ModuleImporter;
  /** wasm threads (0 = the single-threaded SIMD build). Default: $GEOR_WASM_THREADS or 0. */
  wasmThreads?: number;
}

async function tryNode(gpu: boolean, importer: ModuleImporter): Promise<Record<string, unknown>> {
  const pkg = gpu ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
  await importer(pkg);
  if (!(await tf.setBackend("tensorflow"))) throw new Error(`${pkg} loaded but the "tensorflow" backend did not start`);
  await tf.ready();
  if (gpu) {
    // tfjs-node-gpu silently runs on the CPU without CUDA; require that TensorFlow sees a GPU.
    const binding = (tf.backend() as unknown as { binding?: { isUsingGpuDevice?: () => boolean } }).binding;
    if (!binding?.isUsingGpuDevice?.()) throw new Error("no GPU device visible to TensorFlow");
  }
  return { package: pkg };
}

/** Selects and initialises a backend; reports what was chosen and why others were skipped. */
export async function selectBackend(opts: SelectOptions = {}): Promise<BackendInfo> {
  // Production mode: no per-op debug checks and no console banner suggesting tfjs-node (the
  // selection below already prefers it when it is installed).
  tf.enableProdMode();
  const requested = opts.backend ?? "auto";
  const importer = opts.importer ?? defaultImporter;
  const order = requested === "auto" ? BACKEND_ORDER : [requested];
  const skipped: BackendInfo["skipped"] = [];
  for (const name of order) {
    try {
      let details: Record<string, unknown>;
      if (name === "node-gpu" || name === "node") details = await tryNode(name === "node-gpu", importer);
      else if (name === "wasm") {
        details = await initWasm({ threads: opts.wasmThreads ?? Number(process.env.GEOR_WASM_THREADS ?? 0) });
      } else {
        if (!(await tf.setBackend("cpu"))) throw new Error("the cpu backend did not start");
        await tf.ready();
        details = {};
      }
      return { requested, name, tfBackend: tf.getBackend(), tfjsVersion: tf.version.tfjs, skipped, details };
    } catch (err) {
      const reason = (err as Error).message.split("\n")[0];
      if (requested !== "auto") throw new Error(`backend ${name} is not available: ${reason}`);
      skipped.push({ name, reason });
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}`);
}

/** One line for logs: "backend wasm (simd, 1 thread) — skipped node-gpu, node: not installed". */
export function describeBackend(info: BackendInfo): string {
  const extra = Object.entries(info.details)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ");
  const skipped =
    info.skipped.length > 0 ? ` — skipped ${info.skipped.map((s) => `${s.name} (${s.reason})`).join(", ")}` : "";
  return `backend ${info.name}${extra ? ` [${extra}]` : ""}, tfjs ${info.tfjsVersion}${skipped}`;
}
