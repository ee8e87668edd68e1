/**
 * A seeded GraphQL fuzz pass against a production-mode server, on both databases: random and
 * mutated queries, deep nesting, huge and mistyped variables, malformed bodies and multipart
 * requests, oversized and non-image uploads, and import paths that try to leave the import roots.
 * Every request must get a clean JSON error (below 500, no stack trace), the server must stay up,
 * and nothing may be written: row counts and the files under GEOR_HOME stay as they were.
 * security.test.ts checks single cases and their exact messages; this pass checks the contract
 * over many inputs.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { mulberry32 } from "@geor/core";
import { sql } from "kysely";
import { recordFaultDrill } from "../../../scripts/fault-drills.ts";
import { openDatabase } from "../src/db/connect.ts";
import { DIALECTS, home, importRoot, startApi, type TestApi, TOKEN } from "./helpers.ts";

const SEED = 20_240_611;
const RANDOM_CASES = 150;
const MAX_UPLOAD = 4096;
const TABLES = ["experiments", "stages", "experiment_tags", "metrics", "logs", "checkpoints", "predictions"];

interface Case {
  kind: string;
  body: FormData | string;
  headers?: Record<string, string>;
}

const json = (kind: string, payload: unknown, token = true): Case => ({
  kind,
  body: typeof payload === "string" ? payload : JSON.stringify(payload),
  headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${TOKEN}` } : {}) },
});

const VALID = [
  `{ datasets { name counts { total } } }`,
  `query($id: ID!) { experiment(id: $id) { status stages { name step } metrics(names: ["loss"]) { name } } }`,
  `{ predictions(filter: { experimentId: "1" }, first: 10) { edges { node { id errorKm } } pageInfo { hasNextPage } } }`,
  `{ errorHistogram(filter: { experimentId: "1" }) { loKm count } }`,
  `mutation { tagExperiment(id: "1", add: ["a"]) { id } }`,
  `mutation($i: ImportDatasetInput!) { importDataset(input: $i) { imported } }`,
];
const TOKENS = ["{", "}", "(", ")", ":", "$", "!", "@", "...", '"', "#", "[", "]", "=", ",", "query", "mutation"];
const TOKENS2 = ["fragment", "on", "subscription", "__schema", "__typename", "null", "true", "1e999", "-0", "\\u0000"];
const WORDS = [...TOKENS, ...TOKENS2, "experiment", "datasets", "id", "name", "\u202e", "💥", "\u0000", " ", "\n"];

/** Seeded random cases: token soup, mutated valid queries, mistyped variables. */
function randomCases(rand: () => number): Case[] {
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)];
  const out: Case[] = [];
  for (let i = 0; i < RANDOM_CASES; i++) {
    const r = i % 3;
    if (r === 0) {
      const n = 1 + Math.floor(rand() * 60);
      out.push(json("token soup", { query: Array.from({ length: n }, () => pick(WORDS)).join(" ") }));
    } else if (r === 1) {
      const q = pick(VALID).split("");
      for (let m = 0; m < 1 + Math.floor(rand() * 4); m++) {
        const at = Math.floor(rand() * q.length);
        if (rand() < 0.5) q.splice(at, 1);
        else q.splice(at, 0, pick(WORDS));
      }
      out.push(json("mutated query", { query: q.join(""), variables: { id: "1", i: {} } }));
    } else {
      const values = [123, -1, 1e308, "x".repeat(200), null, true, [], {}, [[[]]], { $gt: 1 }, "../../etc/passwd"];
      out.push(
        json("wrong types", {
          query: `query($id: ID!, $n: Int) { experiment(id: $id) { id } predictions(filter: { experimentId: $id }, first: $n) { edges { cursor } } }`,
          variables: { id: pick(values), n: pick(values) },
        }),
      );
    }
  }
  return out;
}

/** Deep nesting, huge inputs, malformed bodies and multipart requests, bad uploads. */
function structuralCases(): Case[] {
  const nested = (depth: number) => `{ ${"experiments { edges { node { ".repeat(depth)}id${" } } }".repeat(depth)} }`;
  const upload = (kind: string, bytes: Uint8Array, name: string, map = { 0: ["variables.f"] }, extra?: Uint8Array) => {
    const form = new FormData();
    form.append(
      "operations",
      JSON.stringify({
        query: `mutation($f: Upload) { predict(experimentId: "1", image: $f) { imageType } }`,
        variables: { f: null },
      }),
    );
    form.append("map", JSON.stringify(map));
    form.append("0", new Blob([bytes]), name);
    if (extra) form.append("1", new Blob([extra]), "second.png");
    return { kind, body: form, headers: { authorization: `Bearer ${TOKEN}`, "apollo-require-preflight": "true" } };
  };
  const rawForm = (kind: string, operations: string, map: string) => {
    const form = new FormData();
    form.append("operations", operations);
    form.append("map", map);
    return { kind, body: form, headers: { authorization: `Bearer ${TOKEN}`, "apollo-require-preflight": "true" } };
  };
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  return [
    json("deep nesting", { query: nested(12) }),
    json("deep nesting", { query: nested(400) }),
    json("deep nesting", { query: `{${"{".repeat(5000)}${"}".repeat(5000)}}` }),
    json("fragment cycle", { query: `fragment A on Query { ...B } fragment B on Query { ...A } { ...A }` }),
    json("deep nesting", {
      query: `{ datasets { name } }`,
      variables: { v: JSON.parse(`${"[".repeat(3000)}${"]".repeat(3000)}`) },
    }),
    json("huge variables", {
      query: `query($id: ID!) { experiment(id: $id) { id } }`,
      variables: { id: "9".repeat(400_000) },
    }),
    json("huge variables", {
      query: `mutation($c: JSON) { createExperiment(input: { name: "x", dataset: "none", config: $c }) { id } }`,
      variables: { c: { model: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) } },
    }),
    json("huge variables", {
      query: `{ datasets { name } }`,
      variables: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`v${i}`, i])),
    }),
    json("many aliases", {
      query: `{ ${Array.from({ length: 3000 }, (_, i) => `a${i}: datasets { name }`).join(" ")} }`,
    }),
    json("wrong types", { query: `{ predictions(filter: { experimentId: "1" }, first: 1e400) { edges { cursor } } }` }),
    json("wrong types", {
      query: `{ predictions(filter: { experimentId: "1" }, after: "not-a-cursor") { edges { cursor } } }`,
    }),
    json("wrong types", { query: `mutation { tagExperiment(id: "1", add: [1, 2]) { id } }` }),
    json("malformed body", "{ this is not json"),
    json("malformed body", '{"query": 5}'),
    json("malformed body", '{"query": null}'),
    json("malformed body", "[]"),
    json("malformed body", "null"),
    json("malformed body", '"just a string"'),
    json("malformed body", '[{"query":"{ datasets { name } }"}]'),
    json("malformed body", ""),
    json("malformed body", `{"query": "{ datasets { name } }", "variables": "oops"}`),
    json("malformed body", `{"query": "{ datasets { name } }", "operationName": 7}`),
    json(
      "malformed body",
      `{"query": "{ datasets { name } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00"}}}`,
    ),
    { kind: "malformed body", body: "{ datasets { name } }", headers: { "content-type": "text/plain" } },
    { kind: "malformed body", body: "\u0000\u0001\u0002", headers: { "content-type": "application/octet-stream" } },
    json("oversized body", { query: `{ datasets { name } }`, variables: { pad: "x".repeat(2_000_000) } }),
    upload("oversized upload", new Uint8Array(MAX_UPLOAD * 3).fill(0xff), "big.jpg"),
    upload("non-image upload", new TextEncoder().encode("#!/bin/sh\necho pwned\n"), "x.jpg"),
    upload("non-image upload", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), "elf.png"),
    upload("non-image upload", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]), "archive.webp"),
    upload("non-image upload", new Uint8Array(0), "empty.png"),
    upload("non-image upload", png, "truncated.png"),
    upload("malformed multipart", png, "a.png", { 0: ["variables.nope.deeper"] } as never),
    upload("malformed multipart", png, "a.png", { 0: ["variables.f"] }, png),
    rawForm("malformed multipart", "{not json", "{}"),
    rawForm("malformed multipart", JSON.stringify({ query: "{ datasets { name } }" }), "[not a map"),
    rawForm(
      "malformed multipart",
      JSON.stringify({ query: "{ datasets { name } }" }),
      JSON.stringify({ 0: ["variables.f"] }),
    ),
    {
      kind: "malformed multipart",
      body: '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{}\r\n',
      headers: { "content-type": "multipart/form-data; boundary=x", "apollo-require-preflight": "true" },
    },
  ];
}

/** importDataset and buildDataset inputs that try to read outside the roots or write outside GEOR_HOME. */
function pathCases(outside: string, links: { dir: string; file: string }): Case[] {
  const IMPORT = `mutation($i: ImportDatasetInput!) { importDataset(input: $i) { imported } }`;
  const BUILD = `mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }`;
  const images = [
    "..",
    "../",
    "../..",
    "../../../../../../etc",
    "photos/../../..",
    "./../outside",
    "..\\..\\windows",
    "%2e%2e/%2e%2e/etc",
    "/etc",
    "/",
    outside,
    path.join(importRoot, "..", path.basename(outside)),
    links.dir,
    path.basename(links.dir),
    `${path.basename(links.dir)}/photos.csv`,
    "~/",
    "file:///etc",
    "ok\u0000/../../etc",
    "a".repeat(5000),
    "",
  ];
  const out: Case[] = [];
  for (const p of images) {
    out.push(
      json("import path", { query: IMPORT, variables: { i: { format: "csv", name: "fuzz-import", images: p } } }),
    );
    out.push(
      json("import path", {
        query: IMPORT,
        variables: {
          i: { format: "csv", name: "fuzz-import", images: "photos", csv: p.length > 0 ? p : "/etc/passwd" },
        },
      }),
    );
  }
  out.push(
    json("import path", {
      query: IMPORT,
      variables: { i: { format: "csv", name: "fuzz", images: "photos", csv: links.file } },
    }),
  );
  for (const name of [
    "../evil",
    "..",
    "a/b",
    "/abs",
    ".hidden",
    "",
    "x".repeat(300),
    "a\\b",
    "nul\u0000",
    "😀",
    "ok/../../x",
  ]) {
    out.push(json("dataset name", { query: IMPORT, variables: { i: { format: "csv", name, images: "photos" } } }));
    out.push(json("dataset name", { query: BUILD, variables: { i: { name, limit: 10 } } }));
  }
  out.push(
    json("import format", { query: IMPORT, variables: { i: { format: "../../etc", name: "fuzz", images: "photos" } } }),
  );
  return out;
}

/** Every file under dir (but the database's) with its size and mtime. */
function snapshotFiles(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (/^geor\.db/.test(name)) continue;
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) snapshotFiles(p, out);
    else out.set(p, `${st.size}:${st.mtimeMs}`);
  }
  return out;
}

const STACK = /\n\s+at |stacktrace|node_modules|\.ts:\d+/;

for (const dialect of DIALECTS) {
  describe(`GraphQL fuzz on ${dialect}`, () => {
    let api: TestApi;
    before(async () => {
      api = await startApi(dialect, { production: true, maxUploadBytes: MAX_UPLOAD }, { pgWorker: false });
    });
    after(async () => {
      await api?.stop();
    });

    test("every malformed, oversized or hostile request gets a clean error; the server stays up and writes nothing", async () => {
      const outside = path.join(home, `fuzz-outside-${dialect}`);
      mkdirSync(path.join(importRoot, "photos"), { recursive: true });
      mkdirSync(outside, { recursive: true });
      writeFileSync(path.join(outside, "photos.csv"), "image,lat,lon\n/etc/hostname,1,1\n");
      const links = {
        dir: path.join(importRoot, `fuzz-escape-${dialect}`),
        file: path.join(importRoot, `fuzz-file-${dialect}.csv`),
      };
      symlinkSync(outside, links.dir);
      symlinkSync(path.join(outside, "photos.csv"), links.file);

      const db = await openDatabase(api.config, { migrate: false, poolSize: 1 });
      const counts = async () =>
        Promise.all(
          TABLES.map(async (t) =>
            Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(t)}`.execute(db.db)).rows[0].n),
          ),
        );
      const rowsBefore = await counts();
      const filesBefore = snapshotFiles(home);

      const cases = [...randomCases(mulberry32(SEED)), ...structuralCases(), ...pathCases(outside, links)];
      const byKind = new Map<string, number>();
      const statuses = new Map<number, number>();
      const failures: string[] = [];
      for (const c of cases) {
        byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
        const res = await fetch(api.url, { method: "POST", headers: c.headers, body: c.body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = await res.text();
        const label = `${c.kind} ${String(typeof c.body === "string" ? c.body : "(form)").slice(0, 120)} → ${res.status} ${text.slice(0, 300)}`;
        let body: { data?: unknown; errors?: Array<{ message?: string; extensions?: { code?: string } }> } | null =
          null;
        try {
          body = JSON.parse(text);
        } catch {
          failures.push(`not JSON: ${label}`);
          continue;
        }
        if (res.status >= 500) failures.push(`5xx: ${label}`);
        else if (STACK.test(text)) failures.push(`stack trace: ${label}`);
        // A mutation that still parses may be answered (a read, or nothing to change); the checks below see any write.
        else if (!body?.errors?.length && body?.data === undefined) failures.push(`no errors and no data: ${label}`);
        else if (body.errors?.some((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR"))
          failures.push(`internal: ${label}`);
      }
      const health = await fetch(new URL("/healthz", api.url));
      const rowsAfter = await counts();
      await db.close();
      const filesAfter = snapshotFiles(home);
      const changedFiles = [...new Set([...filesBefore.keys(), ...filesAfter.keys()])].filter(
        (f) => filesBefore.get(f) !== filesAfter.get(f),
      );

      recordFaultDrill(`graphql-fuzz-${dialect}`, {
        title: `GraphQL fuzz pass, production mode (${dialect === "sqlite" ? "SQLite" : "PostgreSQL"})`,
        method: `seed ${SEED}: ${RANDOM_CASES} random cases (token soup, mutated valid queries, mistyped variables) and fixed hostile ones: deep nesting, fragment cycles, huge variables and bodies, malformed JSON and multipart requests, oversized and non-image uploads (limit ${MAX_UPLOAD} bytes), import paths with .., absolute paths, symlink escapes and NUL bytes, dataset names that would leave GEOR_HOME; each must answer JSON errors below 500 without a stack trace, and row counts of every table and the files under GEOR_HOME must not change`,
        command: "cd apps/api && node --import tsx test/run.ts test/fuzz.test.ts",
        figures: {
          inputsTried: cases.length,
          ...Object.fromEntries([...byKind].map(([k, n]) => [`inputs: ${k}`, n])),
          ...Object.fromEntries([...statuses].sort(([a], [b]) => a - b).map(([s, n]) => [`HTTP ${s}`, n])),
          uncleanResponses: failures.length,
          healthzAfter: health.status,
          rowsChanged: rowsAfter.reduce((s, n, i) => s + Math.abs(n - rowsBefore[i]), 0),
          filesChanged: changedFiles.length,
        },
      });
      assert.deepEqual(failures, []);
      assert.equal(health.status, 200);
      assert.deepEqual(rowsAfter, rowsBefore);
      assert.deepEqual(changedFiles, []);
    });
  });
}
