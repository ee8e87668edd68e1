/**
 * One database's external-ingest measurement against the API as its own process: the prediction
 * mix (external-mix.ts) through addPredictions(predictions:) in calls of the size the server says
 * (ingestSettings.chunkRows), each sent while the last is stored as the Python client sends them
 * (addAsRows), then the same mix as one JSON-lines upload
 * through addPredictions(file:), multipart streamed from disk, UPLOADS times (the median counts).
 * Each call path and each upload gets its own run. The
 * API's resident memory (VmRSS of /proc/<pid>/status) is read every RSS_EVERY_MS.
 */
import { createReadStream, readdirSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { type ApiProcess, spawnApiProcess } from "../test/api-process.ts";
import type { MixCounts } from "./external-mix.ts";

/** The JSON bytes a call stops at, as the Python client's log_predictions (PREDICTION_CHUNK_BYTES). */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** Timed uploads of the mix; the result is their median. */
const UPLOADS = 3;
const RSS_EVERY_MS = 100;
const MiB = 1024 * 1024;
/** USER_HZ of /proc/<pid>/stat times: 100 on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a /proc stat file (a process's or a thread's). */
function cpuOf(statFile: string): number {
  const fields = readFileSync(statFile, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * A piece of work's CPU seconds by thread: the API's main thread, its busiest other thread (on
 * SQLite the prediction writer's; on PostgreSQL one of V8's helpers) and the rest together (V8's
 * garbage-collection helpers, libuv's pool). Which of the two busy threads bounds an ingest is what
 * its rate depends on (decisions.md, nineteenth pass).
 */
interface ThreadSplit {
  main: number;
  busiestOther: number;
  rest: number;
}

function splitThreads(mainTid: string, before: Map<string, number>, after: Map<string, number>): ThreadSplit {
  const split: ThreadSplit = { main: 0, busiestOther: 0, rest: 0 };
  for (const [tid, seconds] of after) {
    const used = seconds - (before.get(tid) ?? 0);
    if (tid === mainTid) split.main = used;
    else if (used > split.busiestOther) {
      split.rest += split.busiestOther;
      split.busiestOther = used;
    } else split.rest += used;
  }
  return split;
}

/** The machine's CPU ticks by state since boot: user, nice, system, idle, iowait, irq, softirq, steal. */
function machineTicks(): number[] {
  return readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
}

/** Percent of the machine's CPU time (all cores) in each state between two readings. */
function machineShares(before: number[], after: number[]) {
  const d = after.map((v, i) => v - before[i]);
  const total = d.reduce((a, b) => a + b, 0) || 1;
  const pct = (v: number) => Math.round((100 * v) / total);
  return {
    user: pct(d[0] + d[1]),
    system: pct(d[2] + d[5] + d[6]),
    idle: pct(d[3]),
    iowait: pct(d[4]),
    steal: pct(d[7]),
  };
}

/** The API process from /proc: its VmRSS in MiB sampled on a timer and its CPU time; `measure` gives a piece of work's peak and CPU time. */
class ProcessSampler {
  private readonly timer: NodeJS.Timeout;
  private readonly samples: number[] = [];
  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.samples.push(this.now()), RSS_EVERY_MS);
  }
  now(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
    const kB = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
    return Math.round((kB * 1024) / MiB);
  }
  /** CPU seconds the process has used (user + system, all its threads). */
  cpuSeconds(): number {
    return cpuOf(`/proc/${this.pid}/stat`);
  }
  /** CPU seconds of each of the process's threads, by thread id. */
  threadSeconds(): Map<string, number> {
    const dir = `/proc/${this.pid}/task`;
    const seconds = new Map<string, number>();
    for (const tid of readdirSync(dir)) {
      try {
        seconds.set(tid, cpuOf(`${dir}/${tid}/stat`));
      } catch {
        // A thread that ended between the listing and its read.
      }
    }
    return seconds;
  }
  /**
   * Runs `work`: what it gave, its wall seconds, the process's CPU seconds meanwhile (in all and
   * split by thread: see ThreadSplit), the machine's CPU time by state and its peak RSS (MiB).
   */
  async measure<T>(work: () => Promise<T>) {
    const mark = this.samples.length;
    const cpu = this.cpuSeconds();
    const threads = this.threadSeconds();
    const machine = machineTicks();
    const t = performance.now();
    const got = await work();
    const seconds = (performance.now() - t) / 1000;
    const cpuSeconds = this.cpuSeconds() - cpu;
    return {
      got,
      seconds,
      cpuSeconds,
      threads: splitThreads(String(this.pid), threads, this.threadSeconds()),
      machine: machineShares(machine, machineTicks()),
      peak: Math.max(this.now(), ...this.samples.slice(mark)),
    };
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

interface Gql<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string; stored?: number } }>;
}

/**
 * One POST with node:http, `send` writing its body (and calling `fail` if that cannot be read);
 * the answer's status and text. The bench's client runs on the API's two cores, and what it
 * spends there the API does not have (decisions.md, twenty-second pass).
 */
function request(
  url: string,
  headers: http.OutgoingHttpHeaders,
  send: (req: http.ClientRequest, fail: (err: Error) => void) => void,
): Promise<{ status: number | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers });
    req.once("error", reject);
    req.once("response", (res) => {
      const parts: Buffer[] = [];
      res.on("data", (b: Buffer) => parts.push(b));
      res.once("error", reject);
      res.once("end", () => resolve({ status: res.statusCode, text: Buffer.concat(parts).toString("utf8") }));
    });
    send(req, reject);
  });
}

/** The GraphQL answer, errors and all; the body sent as it is (a string, or bytes never decoded). */
async function postRaw<T>(url: string, token: string, body: string | Buffer): Promise<Gql<T>> {
  const headers = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    authorization: `Bearer ${token}`,
  };
  const { status, text } = await request(url, headers, (req) => req.end(body));
  try {
    return JSON.parse(text) as Gql<T>;
  } catch (err) {
    throw new Error(`HTTP ${status}: not a GraphQL answer (${(err as Error).message})`);
  }
}

async function post<T>(url: string, token: string, body: string): Promise<T> {
  const r = await postRaw<T>(url, token, body);
  if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors).slice(0, 2000)}`);
  return r.data as T;
}

async function startRun(api: ApiProcess, token: string, dataset: string, name: string): Promise<string> {
  const query = `mutation($i: ExternalExperimentInput!) { startExternalExperiment(input: $i) { id } }`;
  const d = await post<{ startExternalExperiment: { id: string } }>(
    api.url,
    token,
    JSON.stringify({ query, variables: { i: { name, dataset, split: "test", tags: ["bench"] } } }),
  );
  return d.startExternalExperiment.id;
}

type Added = { added: number; unparsed: number };
const ADD_ROWS = `mutation($id: ID!, $p: [PredictionInput!], $e: Int) {
  addPredictions(experimentId: $id, predictions: $p, expectStored: $e) { added unparsed stored } }`;

/** The rows a call the server says it stores fastest, and its body limit (ingestSettings). */
async function ingestSettings(api: ApiProcess, token: string) {
  const d = await post<{ ingestSettings: { chunkRows: number; maxRequestBytes: number } }>(
    api.url,
    token,
    JSON.stringify({ query: "{ ingestSettings { chunkRows maxRequestBytes } }" }),
  );
  return d.ingestSettings;
}

/**
 * The mix's lines (each a PredictionInput already) sent as the Python client's log_predictions
 * sends them: in calls of the rows the server says (ingestSettings) or 8 MiB of JSON (at most 4/5
 * of its body limit), the first call alone, then each next call while the last is being stored,
 * with its expectStored; a call the server heard before the one it follows (CONFLICT) is sent
 * again once that one is stored.
 */
export async function addAsRows(api: ApiProcess, token: string, id: string, file: string, limit = Infinity) {
  const settings = await ingestSettings(api, token);
  const chunkBytes = Math.min(CHUNK_BYTES, Math.floor((settings.maxRequestBytes * 4) / 5));
  const total: Added = { added: 0, unparsed: 0 };
  const head = Buffer.from(`{"query":${JSON.stringify(ADD_ROWS)},"variables":{"id":${JSON.stringify(id)},"e":`);
  const comma = Buffer.from(",");
  // The lines' bytes as the file has them, never decoded: each is one JSON object already.
  const body = (lines: Buffer[], expect: number | null) => {
    const parts: Buffer[] = [head, Buffer.from(`${expect},"p":[`)];
    lines.forEach((line, i) => {
      if (i > 0) parts.push(comma);
      parts.push(line);
    });
    parts.push(Buffer.from("]}}"));
    return Buffer.concat(parts);
  };
  const call = (lines: Buffer[], expect: number | null) =>
    postRaw<{ addPredictions: Added & { stored: number } }>(api.url, token, body(lines, expect));
  let held: number | null = null;
  let pending: { lines: Buffer[]; expect: number | null; answer: ReturnType<typeof call> } | null = null;
  let resent = 0;
  /** The call's answer (sent again when the server heard it before the one it follows); what the run holds after it. */
  const settle = async (c: NonNullable<typeof pending>) => {
    let r = await c.answer;
    const refused = r.errors?.[0]?.extensions;
    if (refused?.code === "CONFLICT" && c.expect !== null && (refused.stored ?? c.expect) < c.expect) {
      resent++;
      r = await call(c.lines, c.expect);
    }
    if (r.errors?.length || !r.data) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors).slice(0, 2000)}`);
    total.added += r.data.addPredictions.added;
    total.unparsed += r.data.addPredictions.unparsed;
    return r.data.addPredictions.stored;
  };
  const send = async (lines: Buffer[]) => {
    if (held === null) {
      // The first call alone, with no expectStored (nothing to send again): its answer says what the run holds.
      held = await settle({ lines, expect: null, answer: call(lines, null) });
      return;
    }
    const expect: number = held + (pending ? pending.lines.length : 0);
    const next = { lines, expect, answer: call(lines, expect) };
    // An answer read later: its rejection is not unhandled meanwhile.
    next.answer.catch(() => {});
    if (pending) held = await settle(pending);
    pending = next;
  };
  let lines: Buffer[] = [];
  let bytes = 0;
  let n = 0;
  for await (const line of fileLines(file)) {
    if (n++ >= limit) break;
    lines.push(line);
    bytes += line.length + 1;
    if (lines.length >= settings.chunkRows || bytes >= chunkBytes) {
      await send(lines);
      lines = [];
      bytes = 0;
    }
  }
  if (lines.length > 0) await send(lines);
  if (pending) await settle(pending);
  return { ...total, resent, rowsPerCall: settings.chunkRows };
}

/** A file's non-empty lines as bytes (each a view of the chunk read, or a copy where it spans two). */
async function* fileLines(file: string): AsyncGenerator<Buffer> {
  let carry: Buffer | null = null;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, from)) {
      const piece = chunk.subarray(from, nl);
      const line: Buffer = carry ? Buffer.concat([carry, piece]) : piece;
      carry = null;
      from = nl + 1;
      if (line.length > 0 && !(line.length === 1 && line[0] === 13)) yield line;
    }
    const rest = chunk.subarray(from);
    carry = carry ? Buffer.concat([carry, rest]) : Buffer.from(rest);
  }
  if (carry && carry.length > 0) yield carry;
}

/** addPredictions(file:) with `file` as the upload: a multipart body written as it is read. */
async function addAsUpload(api: ApiProcess, token: string, id: string, file: string): Promise<Added> {
  const boundary = `geor-bench-${Date.now().toString(36)}`;
  const operations = JSON.stringify({
    query: `mutation($id: ID!, $f: Upload) { addPredictions(experimentId: $id, file: $f) { added unparsed } }`,
    variables: { id, f: null },
  });
  const part = (name: string, extra = "") =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n`;
  const head =
    `${part("operations")}\r\n${operations}\r\n` +
    `${part("map")}\r\n${JSON.stringify({ 0: ["variables.f"] })}\r\n` +
    `${part("0", '; filename="predictions.jsonl"')}Content-Type: application/x-ndjson\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const length = Buffer.byteLength(head) + statSync(file).size + Buffer.byteLength(tail);
  const headers = {
    "content-type": `multipart/form-data; boundary=${boundary}`,
    "content-length": length,
    authorization: `Bearer ${token}`,
    "apollo-require-preflight": "true",
  };
  const { text } = await request(api.url, headers, (req, fail) => {
    req.write(head);
    const body = createReadStream(file);
    body.once("error", fail);
    body.once("end", () => req.end(tail));
    body.pipe(req, { end: false });
  });
  const r = JSON.parse(text) as Gql<{ addPredictions: Added }>;
  if (r.errors?.length || !r.data) throw new Error(`upload refused: ${text.slice(0, 2000)}`);
  return r.data.addPredictions;
}

function expect(what: string, got: Added, mix: MixCounts): void {
  if (got.added !== mix.rows || got.unparsed !== mix.unparsed)
    throw new Error(
      `${what}: added ${got.added}, unparsed ${got.unparsed}; the mix has ${mix.rows} rows, ${mix.unparsed} unparsed`,
    );
}

export interface ExternalIngestOptions {
  /** GEOR_HOME of the API (the bench dataset is under it; SQLite's file goes there too). */
  home: string;
  databaseUrl: string | null;
  dataset: string;
  mixFile: string;
  mix: MixCounts;
  token: string;
  /** Node flags for the API process (e.g. --cpu-prof --cpu-prof-dir=…). */
  nodeArgs?: string[];
}

/**
 * A measured piece of work's figures for `rows` rows: seconds, rows/s, the API's CPU µs a row in
 * all and by thread, and how the machine's CPU time was spent meanwhile (steal: taken by the host).
 */
function rates(
  m: { seconds: number; cpuSeconds: number; threads: ThreadSplit; machine: ReturnType<typeof machineShares> },
  rows: number,
) {
  const perRow = (seconds: number) => Number(((seconds * 1e6) / rows).toFixed(1));
  return {
    seconds: Number(m.seconds.toFixed(2)),
    rowsPerSecond: Math.round(rows / m.seconds),
    apiCpuUsPerRow: perRow(m.cpuSeconds),
    threadCpuUsPerRow: {
      main: perRow(m.threads.main),
      busiestOther: perRow(m.threads.busiestOther),
      rest: perRow(m.threads.rest),
    },
    machineCpuPercent: m.machine,
  };
}

export async function measureExternalIngest(o: ExternalIngestOptions) {
  // The machine is shared: each database's figures carry the load they were measured under.
  const loadAverage1mBefore = Number(os.loadavg()[0].toFixed(2));
  const api = await spawnApiProcess(
    { GEOR_HOME: o.home, GEOR_API_TOKEN: o.token, ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}) },
    o.nodeArgs,
  );
  const rss = new ProcessSampler(api.child.pid as number);
  try {
    const idleMiB = rss.now();
    // A first call loads the dataset's truth, the Chain of Region and the place names: timed apart.
    const firstCall = await rss.measure(async () =>
      addAsRows(api, o.token, await startRun(api, o.token, o.dataset, "warm-up"), o.mixFile, 1),
    );
    const loadedMiB = rss.now();

    // The upload is timed UPLOADS times, each into a run of its own (the table grows by the mix
    // each time): on a shared machine one timing moves by a third from run to run. The first
    // comes straight after the first call, so its RSS growth is a fresh API's: the writer's page
    // cache and the heaps fill during it. After another 1M-row run that memory is there before
    // the upload starts, and the growth from then on leaves it out (decisions.md, twelfth pass).
    const uploads: Array<ReturnType<typeof rates> & { rssGrowthMiB: number }> = [];
    let baselineMiB = 0;
    let peakMiB = 0;
    for (let k = 0; k < UPLOADS; k++) {
      const uploadRun = await startRun(api, o.token, o.dataset, `upload-${k + 1}`);
      const before = rss.now();
      if (k === 0) baselineMiB = before;
      const upload = await rss.measure(() => addAsUpload(api, o.token, uploadRun, o.mixFile));
      expect("addPredictions(file:)", upload.got, o.mix);
      peakMiB = Math.max(peakMiB, upload.peak);
      uploads.push({ ...rates(upload, o.mix.rows), rssGrowthMiB: upload.peak - before });
    }
    const rowsRun = await startRun(api, o.token, o.dataset, "rows");
    const clientBefore = process.cpuUsage();
    const viaRows = await rss.measure(() => addAsRows(api, o.token, rowsRun, o.mixFile));
    const client = process.cpuUsage(clientBefore);
    expect("addPredictions(predictions:)", viaRows.got, o.mix);

    const median = [...uploads].sort((a, b) => a.rowsPerSecond - b.rowsPerSecond)[Math.floor(UPLOADS / 2)];
    return {
      loadAverage1m: { before: loadAverage1mBefore, after: Number(os.loadavg()[0].toFixed(2)) },
      firstCallMs: Math.round(firstCall.seconds * 1000),
      rows: {
        rows: o.mix.rows,
        rowsPerCall: viaRows.got.rowsPerCall,
        // Calls the server heard before the one they follow, sent again.
        resent: viaRows.got.resent,
        ...rates(viaRows, o.mix.rows),
        // The bench's own CPU a row sending them, on the same two cores as the API.
        clientCpuUsPerRow: Number(((client.user + client.system) / o.mix.rows).toFixed(1)),
        peakRssMiB: viaRows.peak,
      },
      // The median of the uploads; each one below.
      upload: {
        rows: o.mix.rows,
        seconds: median.seconds,
        rowsPerSecond: median.rowsPerSecond,
        apiCpuUsPerRow: median.apiCpuUsPerRow,
        threadCpuUsPerRow: median.threadCpuUsPerRow,
        machineCpuPercent: median.machineCpuPercent,
        each: uploads,
      },
      rssMiB: {
        idle: idleMiB,
        afterFirstCall: loadedMiB,
        baselineBeforeUpload: baselineMiB,
        peakDuringUpload: peakMiB,
        // The largest growth over one upload, from its own start (the first upload's is a fresh API's).
        growthDuringUpload: Math.max(...uploads.map((u) => u.rssGrowthMiB)),
      },
    };
  } finally {
    rss.stop();
    await api.stop();
  }
}
