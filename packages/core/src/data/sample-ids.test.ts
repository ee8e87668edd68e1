import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SampleIds } from "./sample-ids.ts";

describe("sample ids held outside the heap", () => {
  it("finds every id at the position it was added, and no other string", () => {
    // 20,000 ids: far more than the first room for their characters (8 a sample), so it grows,
    // and enough for the hash table's probes to run into each other.
    const n = 20_000;
    const ids = new SampleIds(n);
    const made: string[] = [];
    for (let i = 0; i < n; i++) {
      // Long ids of the IM2GPS3K kind, prefixes of one another, and characters beyond Latin-1.
      const id = i % 3 === 0 ? `${i}_${(i * 2654435761) >>> 0}_1.jpg` : i % 3 === 1 ? `s${i}` : `Ürümqi-東京-${i}`;
      made.push(id);
      assert.equal(ids.add(id), i);
    }
    ids.trim();
    for (let i = 0; i < n; i++) {
      assert.equal(ids.indexOf(made[i]), i, made[i]);
      assert.equal(ids.idAt(i), made[i]);
    }
    for (const absent of ["", "s", "s1x", "0_0_1.jp", "0_0_1.jpgx", "Ürümqi-東京-", "S1", "s20000"])
      assert.equal(ids.indexOf(absent), -1, absent);
  });

  it("an empty id is an id like any other", () => {
    const ids = new SampleIds(3);
    ids.add("a");
    ids.add("");
    assert.equal(ids.indexOf(""), 1);
    assert.equal(ids.idAt(1), "");
    assert.equal(ids.indexOf("a"), 0);
  });

  it("a repeated id finds its last position, as a Map set twice would", () => {
    const ids = new SampleIds(3);
    ids.add("x");
    ids.add("y");
    ids.add("x");
    assert.equal(ids.indexOf("x"), 2);
    assert.equal(ids.idAt(0), "x");
  });

  it("refuses more ids than it was made for", () => {
    const ids = new SampleIds(1);
    ids.add("a");
    assert.throws(() => ids.add("b"), /more than 1 sample ids/);
  });
});
