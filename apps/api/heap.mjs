/**
 * The API's and the workers' heap: its bound, node's --max-old-space-size, from GEOR_API_HEAP_MB
 * (default 1024). Without it V8 lets the old space grow to ~4 GB on a machine with plenty of
 * memory before it collects hard, so a 1M-row upload left ~750 MiB of garbage resident; with a
 * bound it collects sooner (docs/decisions.md, "External ingest"). Plain JS: scripts/start.mjs
 * and the bench's spawner read it before tsx is loaded; the `start` and `worker` npm scripts
 * say the same in sh (`${GEOR_API_HEAP_MB:-1024}`). And the young generation's size.
 */
export const DEFAULT_HEAP_MB = 1024;

/**
 * The young generation's semi-space in MB (--max-semi-space-size; node's default 16). An ingest's
 * garbage is short-lived (parsed rows, scored batches): with 24 the collector copies less of it
 * between collections: SQLite's calls ran 10-15% faster, and a fresh API's RSS growth over the
 * 1M-row upload stayed within the default's range (241-245 MiB against 211-274; docs/decisions.md,
 * twenty-third pass). The same in the npm scripts.
 */
export const YOUNG_SEMI_SPACE_MB = 24;

/** The node flags that size the heap, for this environment; a clear error for a bad value. */
export function heapArgs(env = process.env) {
  const young = `--max-semi-space-size=${YOUNG_SEMI_SPACE_MB}`;
  const text = env.GEOR_API_HEAP_MB?.trim();
  if (!text) return [`--max-old-space-size=${DEFAULT_HEAP_MB}`, young];
  const mb = Number(text);
  if (!Number.isInteger(mb) || mb < 128)
    throw new Error(`GEOR_API_HEAP_MB="${text}": expected a whole number of megabytes, at least 128`);
  return [`--max-old-space-size=${mb}`, young];
}
