/**
 * Bad input and access, on both databases: private reads, production errors, import paths
 * confined to the import roots (no "..", no symlink escape), and a real CSV import inside them.
 */
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createClient } from "graphql-ws";
import sharp from "sharp";
import WebSocket from "ws";
import { DIALECTS, gql, importRoot, ok, startApi, type TestApi, TOKEN } from "./helpers.ts";

const IMPORT = `mutation($i: ImportDatasetInput!) { importDataset(input: $i) { imported rejected dataset { name kind counts { total test } } } }`;

async function writePhotos(dir: string, n: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const rows = ["image,lat,lon"];
  for (let i = 0; i < n; i++) {
    const colour = { r: (i * 40) % 255, g: 90, b: 200 - i * 10 };
    await sharp({ create: { width: 24, height: 24, channels: 3, background: colour } })
      .jpeg()
      .toFile(path.join(dir, `p${i}.jpg`));
    rows.push(`p${i}.jpg,${(48.85 + i * 0.01).toFixed(4)},${(2.35 + i * 0.01).toFixed(4)}`);
  }
  const csv = path.join(dir, "photos.csv");
  writeFileSync(csv, `${rows.join("\n")}\n`);
  return csv;
}

for (const dialect of DIALECTS) {
  describe(`access and bad input on ${dialect}`, () => {
    let open: TestApi;
    let closed: TestApi;
    let production: TestApi;

    before(async () => {
      open = await startApi(dialect, {}, { pgWorker: false });
      closed = await startApi(dialect, { publicRead: false }, { pgWorker: false });
      production = await startApi(dialect, { production: true, maxUploadBytes: 2048 }, { pgWorker: false });
    });
    after(async () => {
      await Promise.all([open?.stop(), closed?.stop(), production?.stop()]);
    });

    test("GEOR_PUBLIC_READ=false: reads and subscriptions need the token too", async () => {
      const anon = await gql(closed, "{ experiments { totalCount } }");
      assert.equal(anon.status, 401);
      assert.equal(anon.errors?.[0].extensions?.code, "UNAUTHENTICATED");
      const withToken = await gql(closed, "{ experiments { totalCount } }", {}, TOKEN);
      assert.equal(withToken.errors, undefined);
      assert.equal((await gql(open, "{ experiments { totalCount } }")).errors, undefined);
      const refused = await new Promise<string>((resolve) => {
        const client = createClient({
          url: closed.wsUrl,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          on: { closed: (e) => resolve(String((e as { code?: number }).code)) },
        });
        client.subscribe(
          { query: `subscription { experimentProgress(id: "x") { id } }` },
          { next() {}, error() {}, complete() {} },
        );
      });
      assert.equal(refused, "4403");
    });

    test("sprite sheets are private too when reads are", async () => {
      const file = "/files/datasets/none/sprites/sheet-000.png";
      assert.equal((await fetch(new URL(file, closed.url))).status, 401);
      assert.equal((await fetch(new URL(file, open.url))).status, 404);
    });

    test("predict refuses images over the size cap, as base64 and as an upload", async () => {
      const big = Buffer.alloc(3000, 0xff);
      const b64 = await gql(
        production,
        `mutation($b: String) { predict(experimentId: "x", imageBase64: $b) { imageType } }`,
        { b: big.toString("base64") },
        TOKEN,
      );
      assert.equal(b64.errors?.[0].extensions?.code, "BAD_USER_INPUT");
      assert.match(b64.errors?.[0].message ?? "", /^imageBase64: larger than the 2048-byte limit/);
      const form = new FormData();
      form.append(
        "operations",
        JSON.stringify({
          query: `mutation($f: Upload) { predict(experimentId: "x", image: $f) { imageType } }`,
          variables: { f: null },
        }),
      );
      form.append("map", JSON.stringify({ 0: ["variables.f"] }));
      form.append("0", new Blob([big]), "big.jpg");
      const res = await fetch(production.url, {
        method: "POST",
        body: form,
        headers: { authorization: `Bearer ${TOKEN}`, "apollo-require-preflight": "true" },
      });
      const body = (await res.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
      assert.equal(body.errors?.[0].extensions?.code, "BAD_USER_INPUT", JSON.stringify(body));
      assert.match(body.errors?.[0].message ?? "", /^image: larger than the 2048-byte limit/);
    });

    test("errors carry no stack trace, in any mode, unless the operator sets GEOR_DEBUG", async () => {
      const q = `{ predictions(filter: { experimentId: "x", split: "dev" }) { edges { cursor } } }`;
      for (const api of [production, open]) {
        const r = await gql(api, q);
        assert.equal(r.errors?.[0].extensions?.code, "BAD_USER_INPUT");
        assert.equal(r.errors?.[0].extensions?.stacktrace, undefined);
      }
      const debug = await startApi(dialect, { debug: true }, { pgWorker: false });
      try {
        const res = await fetch(debug.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: q }),
        });
        const body = (await res.json()) as { errors: Array<{ extensions?: { stacktrace?: unknown } }> };
        assert.ok(Array.isArray(body.errors[0]?.extensions?.stacktrace), "GEOR_DEBUG=1 shows the stack");
      } finally {
        await debug.stop();
      }
    });

    test("importDataset refuses paths outside the import roots: '..', absolute, and through a symlink", async () => {
      const outside = path.join(path.dirname(importRoot), `outside-${dialect}`);
      await writePhotos(outside, 2);
      const link = path.join(importRoot, `escape-${dialect}`);
      symlinkSync(outside, link);
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ images: "../outside", csv: "x.csv" }, /^input\.images: .*"\.\." segments/],
        [{ images: outside, csv: path.join(outside, "photos.csv") }, /^input\.images: .*outside the import roots/],
        [{ images: link, csv: path.join(link, "photos.csv") }, /^input\.images: .*outside the import roots/],
        [{ images: `escape-${dialect}` }, /^input\.images: .*outside the import roots/],
        [{ images: "no-such-dir" }, /^input\.images: .*does not exist/],
      ];
      for (const [paths, message] of cases) {
        const r = await gql(open, IMPORT, { i: { format: "csv", name: `bad-${dialect}`, ...paths } }, TOKEN);
        assert.equal(r.errors?.[0].extensions?.code, "BAD_USER_INPUT", JSON.stringify(r.errors));
        assert.match(r.errors?.[0].message ?? "", message);
      }
      const anon = await gql(open, IMPORT, { i: { format: "csv", name: "x", images: "." } });
      assert.equal(anon.errors?.[0].extensions?.code, "UNAUTHENTICATED");
    });

    test("importDataset imports a CSV of photos inside an import root; a bad row is reported with its line and stores nothing", async () => {
      const dir = path.join(importRoot, `photos-${dialect}`);
      const csv = await writePhotos(dir, 12);
      const d = await ok<{
        importDataset: { imported: number; rejected: number; dataset: { name: string; counts: { total: number } } };
      }>(open, IMPORT, {
        i: {
          format: "csv",
          csv: path.relative(importRoot, csv),
          images: `photos-${dialect}`,
          name: `photos-${dialect}`,
          split: "test",
          imageSize: 16,
        },
      });
      assert.equal(d.importDataset.imported, 12);
      assert.equal(d.importDataset.dataset.counts.total, 12);
      writeFileSync(path.join(dir, "bad.csv"), "image,lat,lon\np0.jpg,48.8,2.3\np1.jpg,123,2.3\n");
      const bad = await gql(
        open,
        IMPORT,
        { i: { format: "csv", csv: path.join(dir, "bad.csv"), images: dir, name: `bad-rows-${dialect}` } },
        TOKEN,
      );
      assert.equal(bad.errors?.[0].extensions?.code, "BAD_USER_INPUT");
      assert.match(bad.errors?.[0].message ?? "", /bad\.csv:3: latitude 123 out of range/);
      assert.equal(
        (await ok<{ dataset: null }>(open, `{ dataset(name: "bad-rows-${dialect}") { name } }`)).dataset,
        null,
      );
    });
  });
}
