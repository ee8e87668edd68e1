import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildGeocells, type GeocellPoint, Geocells } from "./geocells.ts";
import { haversineKmUnchecked } from "./haversine.ts";

function pt(lat: number, lon: number, country: string, admin1: string, city?: [string, number]): GeocellPoint {
  return {
    lat,
    lon,
    chain: {
      country: { iso2: country, name: country },
      admin1: { code: admin1, name: `${admin1} name` },
      city: city ? { id: city[1], name: city[0], population: city[1] } : null,
    },
  };
}

/** A deterministic synthetic training set: a dense area, a sparse one, a tiny country. */
function points(): GeocellPoint[] {
  const out: GeocellPoint[] = [];
  let s = 1;
  const rand = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  for (let i = 0; i < 500; i++)
    out.push(pt(48 + rand(), 2 + rand() * 2, "FR", "FR-IDF", i % 50 === 0 ? ["Paris", 2_000_000] : undefined));
  for (let i = 0; i < 30; i++)
    out.push(pt(43 + rand(), 5 + rand(), "FR", "FR-PAC", i === 0 ? ["Marseille", 800_000] : undefined));
  for (let i = 0; i < 5; i++) out.push(pt(45 + rand(), 4 + rand(), "FR", "FR-ARA"));
  for (let i = 0; i < 3; i++) out.push(pt(45 + rand(), 3 + rand(), "FR", "FR-OCC"));
  for (let i = 0; i < 4; i++) out.push(pt(49.6 + rand() * 0.1, 6.1, "LU", "LU-L"));
  return out;
}

/** assign()'s fallback the slow way: every cell of the country (all cells if it has none), nearest then smallest id. */
function nearestByScan(cells: Geocells, lat: number, lon: number, iso2: string | null): number {
  const inCountry = cells.cells.filter((c) => c.country === iso2);
  let best = 0;
  let bestKm = Number.POSITIVE_INFINITY;
  for (const c of inCountry.length > 0 ? inCountry : cells.cells) {
    const km = haversineKmUnchecked(lat, lon, c.lat, c.lon);
    if (km < bestKm || (km === bestKm && c.id < best)) [best, bestKm] = [c.id, km];
  }
  return best;
}

describe("buildGeocells", () => {
  const pts = points();
  const cells = buildGeocells(pts, { minPerCell: 10, maxPerCell: 100 });

  it("nests cells in one country and respects the size bounds", () => {
    const counts = new Map<number, number>();
    for (const p of pts) {
      const id = cells.assign(p.lat, p.lon, p.chain);
      const cell = cells.cells[id];
      assert.equal(cell.country, p.chain.country?.iso2, "a point's cell is in its country");
      assert.ok(cell.admin1.includes(p.chain.admin1?.code ?? ""), "a point's cell lists its admin-1");
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const c of cells.cells) {
      assert.equal(counts.get(c.id), c.count, `cell ${c.id} holds exactly the points assigned to it`);
      assert.ok(c.count <= 100, `cell ${c.id} has ${c.count} > maxPerCell points`);
    }
    // 500 Île-de-France points split into cells of ≤ 100; the 8 points of two sparse regions
    // are merged into a nearby group; Luxembourg (4 points, its only admin-1) stays alone.
    assert.ok(cells.cells.filter((c) => c.admin1.includes("FR-IDF")).length >= 5);
    const sparse = cells.cells.filter((c) => c.admin1.includes("FR-OCC"));
    assert.equal(sparse.length, 1);
    assert.ok(sparse[0].admin1.includes("FR-ARA"), "the two sparse regions merged with each other first");
    assert.deepEqual(
      cells.cells.filter((c) => c.country === "LU").map((c) => c.count),
      [4],
    );
  });

  it("does not merge a sparse area into a far one", () => {
    const far = [...pts, pt(28.3, -16.6, "FR", "FR-XX")]; // one point off Africa, 2,000 km from the rest
    const c = buildGeocells(far, { minPerCell: 10, maxPerCell: 100 });
    const island = c.cells.filter((cell) => cell.admin1.includes("FR-XX"));
    assert.deepEqual(
      island.map((cell) => [cell.admin1, cell.count]),
      [[["FR-XX"], 1]],
    );
    const merged = buildGeocells(far, { minPerCell: 10, maxPerCell: 100, maxMergeKm: 5000 });
    assert.ok((merged.cells.find((cell) => cell.admin1.includes("FR-XX"))?.admin1.length ?? 0) > 1);
  });

  it("names a cell after its most populous place, else its admin-1", () => {
    assert.ok(cells.cells.some((c) => c.name === "Paris"));
    assert.ok(cells.cells.some((c) => c.name === "Marseille"));
    assert.ok(cells.cells.some((c) => c.name === "LU-L name"));
  });

  it("is deterministic whatever the input order, and round-trips through JSON", () => {
    const shuffled = [...pts].reverse();
    const again = buildGeocells(shuffled, { minPerCell: 10, maxPerCell: 100 });
    assert.deepEqual(again.toJSON(), cells.toJSON());
    const copy = Geocells.fromJSON(JSON.parse(JSON.stringify(cells.toJSON())));
    for (const p of pts) assert.equal(copy.assign(p.lat, p.lon, p.chain), cells.assign(p.lat, p.lon, p.chain));
  });

  it("assigns unseen areas to the nearest cell of their country, else the nearest overall", () => {
    const inFrance = cells.assign(43.3, 5.4, {
      country: { iso2: "FR", name: "France" },
      admin1: { code: "FR-XX", name: "?" },
    });
    assert.equal(cells.cells[inFrance].country, "FR");
    assert.ok(cells.cells[inFrance].admin1.includes("FR-PAC"));
    const nowhere = cells.assign(49.7, 6.2, { country: null, admin1: null });
    assert.equal(cells.cells[nowhere].country, "LU");
  });

  it("assigns unseen areas exactly as a scan of every candidate cell would", () => {
    // 40 countries of scattered points over the globe, then points in a known country but an
    // unseen admin-1, in a country without cells, and at sea.
    let s = 3;
    const rand = () => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647;
    };
    const world: GeocellPoint[] = [];
    for (let i = 0; i < 4000; i++) {
      const c = Math.floor(rand() * 40);
      world.push(
        pt(-60 + (c % 8) * 15 + rand() * 14, -180 + Math.floor(c / 8) * 72 + rand() * 70, `C${c}`, `C${c}-${i % 3}`),
      );
    }
    const grid = buildGeocells(world, { minPerCell: 10, maxPerCell: 60 });
    for (let k = 0; k < 3000; k++) {
      const lat = rand() * 180 - 90;
      const lon = rand() * 360 - 180;
      const iso2 = k % 3 === 0 ? null : k % 3 === 1 ? `C${Math.floor(rand() * 40)}` : "ZZ";
      const chain = {
        country: iso2 ? { iso2, name: iso2 } : null,
        admin1: iso2 ? { code: `${iso2}-9`, name: "?" } : null,
      };
      assert.equal(grid.assign(lat, lon, chain), nearestByScan(grid, lat, lon, iso2), `(${lat}, ${lon}) in ${iso2}`);
    }
  });

  it("gives the smallest id of equally near cells", () => {
    // Every French cell has a twin with the same centroid in country XX.
    const france = pts.filter((p) => p.chain.country?.iso2 === "FR");
    const twins = buildGeocells(
      [...france, ...france.map((p) => pt(p.lat, p.lon, "XX", `XX-${p.chain.admin1?.code}`))],
      { minPerCell: 10, maxPerCell: 100 },
    );
    const id = twins.assign(46, 3, { country: null, admin1: null });
    const twin = twins.cells.find((c) => c.id !== id && c.lat === twins.cells[id].lat && c.lon === twins.cells[id].lon);
    assert.ok(twin, "the nearest cell has a twin");
    assert.ok(id < twin.id, `cell ${id} before its twin ${twin.id}`);
    assert.equal(id, nearestByScan(twins, 46, 3, null));
  });

  it("rejects bad options and empty input", () => {
    assert.throws(() => buildGeocells([], {}), /no points/);
    assert.throws(() => buildGeocells(pts, { minPerCell: 50, maxPerCell: 10 }), /minPerCell 50, maxPerCell 10/);
    assert.throws(() => Geocells.fromJSON({ ...cells.toJSON(), version: 2 as 1 }), /got format v2/);
  });
});
