import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/geor.mjs");
const home = mkdtempSync(path.join(os.tmpdir(), "geor-cli-test-"));
const geor = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, GEOR_HOME: home } });

describe("geor dataset (CLI)", () => {
  after(() => rmSync(home, { recursive: true, force: true }));

  it("builds, lists and shows a bluemarble dataset", () => {
    const build = geor("dataset", "build", "bluemarble", "--limit", "200", "--seed", "5", "--name", "tiny");
    assert.equal(build.status, 0, build.stderr);
    assert.match(build.stdout, /built tiny in .* 200 samples \(train 160, val 20, test 20\)/);
    assert.match(build.stdout, new RegExp(path.join(home, "datasets", "tiny").replaceAll("/", "\\/")));

    const list = geor("dataset", "list");
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /tiny\s+bluemarble\s+160\s+20\s+20/);

    const show = geor("dataset", "show", "tiny");
    assert.equal(show.status, 0, show.stderr);
    assert.match(
      show.stdout,
      /tiny \(bluemarble\), 200 samples, patches 32×32×5 \[day_r, day_g, day_b, night, elevation\]/,
    );
    const json = JSON.parse(geor("dataset", "show", "tiny", "--json").stdout) as { counts: { total: number } };
    assert.equal(json.counts.total, 200);
  });

  it("builds finer or coarser geocells on request", () => {
    const cells = (name: string) =>
      (JSON.parse(geor("dataset", "show", name, "--json").stdout) as { geocells: Record<string, number> }).geocells;
    const fine = geor("dataset", "build", "bluemarble", "--limit", "200", "--seed", "5", "--name", "fine");
    assert.equal(fine.status, 0, fine.stderr);
    const finer = geor(
      ...["dataset", "build", "bluemarble", "--limit", "200", "--seed", "5", "--name", "finer"],
      ...["--min-per-cell", "2", "--max-per-cell", "6"],
    );
    assert.equal(finer.status, 0, finer.stderr);
    assert.equal(cells("finer").minPerCell, 2);
    assert.equal(cells("finer").maxPerCell, 6);
    assert.ok(cells("finer").count > cells("fine").count, `${cells("finer").count} vs ${cells("fine").count} geocells`);
    const bad = geor("dataset", "build", "bluemarble", "--limit", "20", "--name", "bad", "--max-per-cell", "1");
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /maxPerCell/);
    const crossed = geor(
      ...["dataset", "build", "bluemarble", "--limit", "20", "--name", "bad"],
      ...["--min-per-cell", "9", "--max-per-cell", "5"],
    );
    assert.equal(crossed.status, 1);
    assert.match(crossed.stderr, /^geor: invalid config: .*minPerCell must be ≤ maxPerCell/);
    assert.equal(existsSync(path.join(home, "datasets", "bad")), false);
  });

  it("fails with one clear line for user errors", () => {
    const kind = geor("dataset", "build", "moon");
    assert.equal(kind.status, 1);
    assert.equal(kind.stderr.trim(), 'geor: unknown dataset kind "moon"; available: bluemarble');
    const missing = geor("dataset", "show", "nothing-here");
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^geor: no dataset at .*nothing-here \(manifest.json missing\)/);
    const badSize = geor("dataset", "build", "bluemarble", "--size", "huge");
    assert.equal(badSize.status, 1);
    assert.match(badSize.stderr, /size/);
    const exists = geor("dataset", "build", "bluemarble", "--limit", "20", "--name", "tiny");
    assert.equal(exists.status, 1);
    assert.match(exists.stderr, /already exists \(use --overwrite to replace it\)/);
  });

  it("rejects a bad ablation config before building its dataset", () => {
    const bad = geor("ablate", "--quick", "--decision", "within:far", "--out", path.join(home, "abl"));
    assert.equal(bad.status, 1);
    assert.match(
      bad.stderr,
      /^geor: invalid config: decision: decision must be argmax, mbr, marginal, risk, within:KM/,
    );
    assert.equal(existsSync(path.join(home, "datasets", "bluemarble-small")), false);
  });
});
