// Decoding-thread bootstrap: TypeScript through tsx in the thread too, then the thread's module.
import { register } from "tsx/esm/api";

register();
await import("./decode-thread.ts");
