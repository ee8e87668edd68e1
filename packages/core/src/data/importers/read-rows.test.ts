import assert from "node:assert/strict";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { after, describe, it } from "node:test";
import { coordinateProblem, relativeImagePath } from "./candidates.ts";
import { mapPool } from "./decode.ts";
import { ImportOptionsSchema } from "./options.ts";
import { osv5mReport } from "./osv5m-report.ts";
import { csvLine } from "./problems.ts";
import { lineBatches, readCsv, readJsonl, walkFiles } from "./read-rows.ts";
import { tempHome } from "./test-fixtures.ts";

const root = tempHome("geor-import-rows-");
after(() => rmSync(root, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(root, name);
  writeFileSync(file, text);
  return file;
}

describe("lineBatches", () => {
  async function lines(chunks: string[]): Promise<Array<[number, string]>> {
    const out: Array<[number, string]> = [];
    for await (const b of lineBatches({ stream: Readable.from(chunks), name: "t" }))
      for (const [k, text] of b.lines.entries()) out.push([b.first + k, text]);
    return out;
  }

  it("numbers lines as readline does, wherever the chunks break (\\r\\n split across chunks, lone \\r, BOM, no final break)", async () => {
    const texts = ["\ufeffa,b\r\n1,2\r\n\r\n3,4", "x\ny\rz\r\n", "one\r", "\n\n\r\r\nlast\n", "\ufeff", ""];
    for (const text of texts) {
      const expected: Array<[number, string]> = [];
      const rl = createInterface({ input: Readable.from([text]), crlfDelay: Number.POSITIVE_INFINITY });
      for await (const line of rl)
        expected.push([expected.length + 1, expected.length === 0 ? line.replace(/^\ufeff/, "") : line]);
      for (let cut = 0; cut <= text.length; cut++)
        for (let cut2 = cut; cut2 <= text.length; cut2 += 3)
          assert.deepEqual(
            await lines([text.slice(0, cut), text.slice(cut, cut2), text.slice(cut2)].filter((c) => c !== "")),
            expected,
            `${JSON.stringify(text)} cut at ${cut}, ${cut2}`,
          );
    }
  });
});

describe("readCsv", () => {
  for (const [eol, label] of [
    ["\n", "LF"],
    ["\r\n", "CRLF"],
  ] as const) {
    it(`numbers records by the line they start on (${label}): BOM, blank lines, quotes across lines`, async () => {
      const text = [
        "\ufeffimage, lat ,lon",
        "a.jpg,1,2",
        "",
        `"b ""quoted"", with comma.jpg",3,4`,
        `c.jpg,"5`,
        `",6`,
        "",
        "",
        "d.jpg,7,8,extra",
        "e.jpg,9,10",
        "",
      ].join(eol);
      const t = await readCsv(write(`lines-${label}.csv`, text));
      assert.deepEqual(t.header, ["image", "lat", "lon"]);
      assert.equal(t.headerLine, 1);
      assert.deepEqual(t.rows, [
        { line: 2, cells: ["a.jpg", "1", "2"] },
        { line: 4, cells: ['b "quoted", with comma.jpg', "3", "4"] },
        // A line break inside quotes is kept (as \n) and the record goes on.
        { line: 5, cells: ["c.jpg", "5\n", "6"] },
        { line: 9, cells: ["d.jpg", "7", "8", "extra"], error: "malformed row: 4 fields, the header has 3" },
        { line: 10, cells: ["e.jpg", "9", "10"] },
      ]);
    });
  }

  it("reports a quote never closed on the line it opened, and an empty file as an error", async () => {
    const t = await readCsv(write("open.csv", 'image,lat,lon\na.jpg,1,2\n"b.jpg,3,4\nc.jpg,5,6\n'));
    assert.deepEqual(t.rows[1], {
      line: 3,
      cells: [],
      error: "malformed row: a quote opened here is never closed",
    });
    assert.equal(t.rows.length, 2);
    const empty = write("empty.csv", "\n\n");
    await assert.rejects(readCsv(empty), { message: `${empty}: empty, expected a header line with column names` });
  });

  it("csvLine re-encodes what readCsv parsed", async () => {
    const cells = ['b "quoted", with comma', "multi\nline", " padded", "plain"];
    assert.equal(csvLine(cells), '"b ""quoted"", with comma","multi\nline"," padded",plain');
    const t = await readCsv(write("roundtrip.csv", `a,b,c,d\n${csvLine(cells)}\n`));
    assert.deepEqual(t.rows, [{ line: 2, cells }]);
  });
});

describe("readJsonl", () => {
  it("skips blank lines and keeps file line numbers", async () => {
    const rows = await readJsonl(write("l.jsonl", '{"a":1}\n\n  \n{"b":2}\r\n'));
    assert.deepEqual(
      rows.map((r) => [r.line, r.value, r.error]),
      [
        [1, { a: 1 }, undefined],
        [4, { b: 2 }, undefined],
      ],
    );
  });
});

describe("walkFiles", () => {
  it("lists files recursively in code-unit order with sizes, following symlinks once", async () => {
    const dir = path.join(root, "walk");
    mkdirSync(path.join(dir, "b", "c"), { recursive: true });
    writeFileSync(path.join(dir, "Z.jpg"), "12");
    writeFileSync(path.join(dir, "a.jpg"), "1");
    writeFileSync(path.join(dir, "b", "c", "x.jpg"), "123");
    symlinkSync(path.join(dir, "b"), path.join(dir, "link"));
    symlinkSync(dir, path.join(dir, "b", "loop"));
    const files = await walkFiles(dir, { sizes: true });
    assert.deepEqual(files, [
      { rel: "Z.jpg", size: 2 },
      { rel: "a.jpg", size: 1 },
      { rel: "b/c/x.jpg", size: 3 },
    ]);
  });
});

describe("row checks", () => {
  it("coordinateProblem uses assertCoordinate's message and names a non-numeric cell", () => {
    assert.equal(coordinateProblem("48.85", "2.35", "LAT", "LON"), null);
    assert.equal(coordinateProblem("-90", "180", "LAT", "LON"), null);
    assert.equal(coordinateProblem("90.5", "0", "LAT", "LON"), "latitude 90.5 out of range [-90, 90]");
    assert.equal(coordinateProblem("0", "-200", "LAT", "LON"), "longitude -200 out of range [-180, 180]");
    assert.equal(coordinateProblem("1e3", "0", "LAT", "LON"), "latitude 1000 out of range [-90, 90]");
    assert.equal(coordinateProblem("NaN", "0", "LAT", "LON"), 'latitude NaN out of range [-90, 90] (LAT is "NaN")');
    assert.equal(coordinateProblem("0", " ", "LAT", "LON"), 'longitude NaN out of range [-180, 180] (LON is " ")');
  });

  it("relativeImagePath normalizes inside the root and refuses paths that leave it", () => {
    assert.deepEqual(relativeImagePath("./a/../b/c.jpg"), { rel: "b/c.jpg" });
    assert.deepEqual(relativeImagePath("a\\b.jpg"), { rel: "a/b.jpg" });
    assert.deepEqual(relativeImagePath("  "), { reason: "missing image (empty image cell)" });
    assert.deepEqual(relativeImagePath("/etc/passwd"), {
      reason: 'missing image "/etc/passwd" (the path leaves the images directory)',
    });
    assert.deepEqual(relativeImagePath("a/../../b.jpg"), {
      reason: 'missing image "a/../../b.jpg" (the path leaves the images directory)',
    });
  });

  it("osv5mReport counts agreement over rows with a source country and ranks mismatches", () => {
    const pairs = [
      ...Array.from({ length: 3 }, () => ({ source: "fr", ours: "FR" })),
      ...Array.from({ length: 2 }, () => ({ source: "XK", ours: "RS" })),
      { source: "DE", ours: "FR" },
      { source: "AA", ours: null },
      { source: "", ours: "IT" },
      ...Array.from({ length: 12 }, (_, i) => ({ source: `Q${String.fromCharCode(65 + i)}`, ours: "US" })),
    ];
    const r = osv5mReport(pairs);
    assert.equal(r.n, 19); // 3 + 2 + 1 + 1 + 12; the empty source is not counted
    assert.equal(r.agreed, 3);
    assert.equal(r.agreement, 3 / 19);
    assert.equal(r.withoutSource, 1);
    assert.equal(r.topDisagreements.length, 10);
    assert.deepEqual(r.topDisagreements.slice(0, 4), [
      { source: "XK", ours: "RS", n: 2 },
      { source: "AA", ours: "", n: 1 },
      { source: "DE", ours: "FR", n: 1 },
      { source: "QA", ours: "US", n: 1 },
    ]);
    assert.deepEqual(osv5mReport([]), { n: 0, agreed: 0, agreement: null, withoutSource: 0, topDisagreements: [] });
  });
});

describe("mapPool", () => {
  it("keeps input order, never exceeds the concurrency, and reports each completion", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const progress: number[] = [];
    const out = await mapPool(
      [30, 5, 20, 1, 10, 2],
      2,
      async (ms, i) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, ms));
        inFlight--;
        return i * 10;
      },
      (done, total) => progress.push(done * 100 + total),
    );
    assert.deepEqual(out, [0, 10, 20, 30, 40, 50]);
    assert.equal(maxInFlight, 2);
    assert.deepEqual(progress, [106, 206, 306, 406, 506, 606]);
  });
});

describe("ImportOptionsSchema", () => {
  it("is the single source of defaults, including the per-format split", () => {
    const base = { csv: "m.csv", images: "img", name: "n" };
    const o = ImportOptionsSchema.parse({ format: "csv", ...base });
    assert.deepEqual(
      { ...o, outDir: path.relative(process.env.GEOR_HOME as string, o.outDir) },
      {
        format: "csv",
        ...base,
        outDir: path.join("datasets", "n"),
        imageSize: 224,
        split: "auto",
        seed: 0,
        skipBad: false,
        imageColumn: "image",
        latColumn: "lat",
        lonColumn: "lon",
        overwrite: false,
        concurrency: 4,
      },
    );
    const splits = Object.fromEntries(
      (["im2gps3k", "yfcc4k", "osv5m", "mp16", "csv", "jsonl"] as const).map((format) => [
        format,
        ImportOptionsSchema.parse({ format, ...base }).split,
      ]),
    );
    assert.deepEqual(splits, {
      im2gps3k: "test",
      yfcc4k: "test",
      osv5m: "auto",
      mp16: "train",
      csv: "auto",
      jsonl: "auto",
    });
    assert.equal(ImportOptionsSchema.parse({ format: "exif", images: "img", name: "n" }).split, "auto");
    assert.equal(ImportOptionsSchema.parse({ format: "mp16", ...base, split: "val" }).split, "val");
    // The CLI passes undefined for flags it did not get: defaults still apply.
    assert.equal(ImportOptionsSchema.parse({ format: "csv", ...base, imageColumn: undefined }).imageColumn, "image");
  });
});
