/**
 * mapView on both databases: the bins of a hand-made set (cell edges, the antimeridian, the
 * poles, both sides of a threshold, a tie for the worst) match figures computed by hand; every
 * prediction falls in exactly one bin at every level, the one @geor/geo/map-grid gives it; points
 * below the budget are exactly the view's predictions, packed as predictionPoints packs them; a
 * bin's bounds as a filter select exactly its predictions; the map's source follows new and
 * deleted rows; other filters (read from the rows) give the same bins as the map's source.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { cellColumn, cellRow, GRID_MAX_LEVEL, GRID_MIN_LEVEL, latEdge, lonEdge } from "@geor/geo/map-grid";
import { sql } from "kysely";
import type { NewPrediction } from "../src/store/index.ts";
import { latEdgeSql } from "../src/store/map-grid-sql.ts";
import { createTestExperiment, DIALECTS, gql, ok, predictionRow, startApi, type TestApi } from "./helpers.ts";

const MAP_VIEW = `query($f: PredictionFilter!, $view: MapViewInput!, $t: Float! = 750, $budget: Int! = 20000) {
  mapView(filter: $f, view: $view, thresholdKm: $t, budget: $budget) {
    mode total budget level covered { west south east north }
    points { count truncated totalCount ids truePositions predictedPositions errorKm }
    bins { level count bounds counts meanLogErrorKm accuracy worstIds }
  }
}`;

type PageInfo = { hasNextPage: boolean; endCursor: string | null };
type Packed = Record<string, string | number | boolean>;
type View = {
  mode: "POINTS" | "BINS";
  total: number;
  level: number;
  covered: { west: number; south: number; east: number; north: number };
  points: Packed | null;
  bins: Packed | null;
};

const floats = (b64: string) => {
  const b = Buffer.from(b64, "base64");
  return Array.from({ length: b.length / 4 }, (_, i) => b.readFloatLE(4 * i));
};
const ints = (b64: string) => {
  const b = Buffer.from(b64, "base64");
  return Array.from({ length: b.length / 4 }, (_, i) => b.readInt32LE(4 * i));
};

interface Bin {
  west: number;
  south: number;
  east: number;
  north: number;
  n: number;
  meanLog: number;
  accuracy: number;
  worst: number;
}

function bins(v: View): Bin[] {
  const b = v.bins as Record<string, string>;
  const bounds = floats(b.bounds);
  const counts = ints(b.counts);
  const means = floats(b.meanLogErrorKm);
  const acc = floats(b.accuracy);
  const worst = ints(b.worstIds);
  return counts.map((n, i) => ({
    west: bounds[4 * i],
    south: bounds[4 * i + 1],
    east: bounds[4 * i + 2],
    north: bounds[4 * i + 3],
    n,
    meanLog: means[i],
    accuracy: acc[i],
    worst: worst[i],
  }));
}

const WORLD = { west: -180, south: -90, east: 180, north: 90 };
/** The zoom whose views are binned at `level` (level = round(zoom) + 5). */
const zoomOf = (level: number) => level - 5;
/** The next double towards −∞. */
const below = (v: number) => {
  const f = new Float64Array([v]);
  new BigInt64Array(f.buffer)[0] += v > 0 ? -1n : 1n;
  return f[0];
};

/**
 * The hand-made set, level 5 (32 × 32 cells, 11.25° wide; row 10 / 11 meet at 48.99°N): name →
 * [lon, lat, error km, bin at level 5 as column:row, split]. Worked figures are in the tests.
 */
const EDGE_11 = latEdge(5, 11); // 48.9924…°
const SET: Record<string, [number, number, number, string, string?]> = {
  paris1: [2.35, 48.85, 1, "16:11"],
  paris10: [2.4, 48.8, 10, "16:11"],
  paris1000: [2.3, 48.9, 1000, "16:11"],
  // Just south of the row edge, just above the 750 km threshold.
  southOfEdge: [2.35, below(EDGE_11), 750.0000001, "16:11"],
  // Exactly on the edge: the row to the north; exactly 750 km: within.
  onEdge: [2.35, EDGE_11, 750, "16:10"],
  // Exactly on the column edge 11.25°E: the column to the east; just west of it: Paris's.
  onColumnEdge: [11.25, 48.85, 200, "17:11"],
  westOfColumnEdge: [below(11.25), 48.85, 200, "16:11"],
  parisVal: [2.35, 48.85, 1, "16:11", "val"],
  // The antimeridian: 180 itself is in the last column.
  fiji: [179.99, -17.5, 50, "31:17"],
  samoa: [-179.99, -17.5, 5000, "0:17"],
  dateline: [180, -17.5, 5, "31:17"],
  // The poles fall in the first and last rows; two equal errors: the smaller id is the worst.
  northPole: [10, 89.9, 3, "16:0"],
  arctic: [10, 86, 3, "16:0"],
  southPole: [10, -89.9, 20015, "16:31"],
};

function seedRows(): NewPrediction[] {
  const rows = Object.entries(SET).map(([name, [lon, lat, km, , split]]) =>
    predictionRow({
      sample_id: name,
      split: split ?? "test",
      true_lon: lon,
      true_lat: lat,
      true_country: lat > 40 ? "FR" : null,
      pred_lon: 0,
      pred_lat: 0,
      error_km: km,
    }),
  );
  // An answer without a coordinate: not on the map, though its true location is Paris.
  rows.push(
    predictionRow({
      sample_id: "unparsed",
      true_lon: 2.35,
      true_lat: 48.85,
      parsed: 0,
      pred_lat: null,
      pred_lon: null,
      error_km: 20015,
    }),
  );
  return rows;
}

/** Random points within a metre of a finest-level edge (and a few anywhere). */
function nearEdgeRows(n: number): NewPrediction[] {
  let seed = 11;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return Array.from({ length: n }, (_, i) => {
    const k = 1 + Math.floor(rand() * (2 ** GRID_MAX_LEVEL - 2));
    const lat = i % 5 === 0 ? rand() * 180 - 90 : latEdge(GRID_MAX_LEVEL, k) + (rand() - 0.5) * 2e-5;
    const lon = i % 5 === 0 ? rand() * 360 - 180 : lonEdge(GRID_MAX_LEVEL, k) + (rand() - 0.5) * 2e-5;
    return predictionRow({ sample_id: `e${i}`, true_lat: lat, true_lon: lon, error_km: 10 ** (rand() * 4) });
  });
}

for (const dialect of DIALECTS) {
  describe(`mapView on ${dialect}`, () => {
    let api: TestApi;
    let experimentId: string;
    const ids = new Map<string, number>();

    const view = async (filter: Record<string, unknown>, v: object, vars: Record<string, unknown> = {}) =>
      (await ok<{ mapView: View }>(api, MAP_VIEW, { f: { experimentId, ...filter }, view: v, ...vars })).mapView;
    const idsIn = async (exp: string, filter: Record<string, unknown>) => {
      const r = await ok<{ predictions: { edges: Array<{ node: { id: string } }> } }>(
        api,
        `query($f: PredictionFilter!) { predictions(filter: $f, first: 100) { edges { node { id } } } }`,
        { f: { experimentId: exp, ...filter } },
      );
      return r.predictions.edges.map((e) => Number(e.node.id)).sort((a, b) => a - b);
    };

    before(async () => {
      api = await startApi(dialect, {}, { pgWorker: false });
      const store = api.server.services.store;
      // Another experiment first: ids do not start at 1, and its rows stay off this map.
      const other = await createTestExperiment(store, "other");
      await store.predictions.insertBatch(other.id, seedRows().slice(0, 4));
      experimentId = (await createTestExperiment(store, "map")).id;
      await store.predictions.insertBatch(experimentId, seedRows());
      const page = await ok<{ predictions: { edges: Array<{ node: { id: string; sampleId: string } }> } }>(
        api,
        `query($f: PredictionFilter!) { predictions(filter: $f, first: 100) { edges { node { id sampleId } } } }`,
        { f: { experimentId } },
      );
      for (const e of page.predictions.edges) ids.set(e.node.sampleId, Number(e.node.id));
    });
    after(async () => {
      await api?.stop();
    });

    test("the grid's row edges are the same in the database as in JavaScript, at every finest-level row", async () => {
      const db = api.server.services.store.database.db;
      const n = 2 ** GRID_MAX_LEVEL;
      const series =
        dialect === "postgres"
          ? sql`select k, ${sql.raw(latEdgeSql("k"))} as e from generate_series(0, ${sql.lit(n)}) as k order by k`
          : sql`with recursive s(k) as (select 0 union all select k + 1 from s where k < ${sql.lit(n)}) select k, ${sql.raw(latEdgeSql("k"))} as e from s`;
      const rows = (await series.execute(db)).rows as Array<{ k: number; e: number }>;
      assert.equal(rows.length, n + 1);
      const differ = rows.filter((r) => r.e !== latEdge(GRID_MAX_LEVEL, Number(r.k)));
      assert.deepEqual(differ.slice(0, 3), [], `${differ.length} edges differ`);
    });

    test("the world's bins at level 5 match the figures worked by hand", async () => {
      const v = await view({}, { bounds: WORLD, zoom: 0 }, { budget: 0 });
      assert.equal(v.mode, "BINS");
      assert.equal(v.level, 5);
      // 14 predictions with a coordinate; the unparsed one is not on the map.
      assert.equal(v.total, 14);
      assert.deepEqual(v.covered, { west: -180, south: latEdge(0, 1), east: 180, north: latEdge(0, 0) });
      const byCell = new Map(bins(v).map((b) => [`${cellColumn(5, b.west)}:${cellRow(5, b.south)}`, b]));
      assert.deepEqual([...byCell.keys()], ["16:0", "16:10", "16:11", "17:11", "0:17", "31:17", "16:31"]);
      assert.equal(
        bins(v).reduce((s, b) => s + b.n, 0),
        14,
      );
      const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} ≠ ${b}`);
      // Paris's bin: errors 1, 10, 1000, 750.0000001, 200 and (val) 1 km.
      // mean log10 = (0 + 1 + 3 + 2.8750613 + 2.3010300 + 0) / 6 = 1.5293485;
      // within 750 km: 1, 10, 200, 1 → 4/6 (750.0000001 is just over); worst: the 1000 km one.
      const paris = byCell.get("16:11") as Bin;
      assert.equal(paris.n, 6);
      close(paris.meanLog, (0 + 1 + 3 + Math.log10(750.0000001) + Math.log10(200) + 0) / 6);
      close(paris.meanLog, 1.5293485);
      close(paris.accuracy, 4 / 6);
      assert.equal(paris.worst, ids.get("paris1000"));
      assert.deepEqual([paris.west, paris.east, paris.north], [0, 11.25, EDGE_11]);
      // The row to the north holds the point on the edge: 750 km, within 750 km.
      const onEdge = byCell.get("16:10") as Bin;
      assert.deepEqual([onEdge.n, onEdge.accuracy, onEdge.worst], [1, 1, ids.get("onEdge")]);
      close(onEdge.meanLog, Math.log10(750));
      assert.equal(onEdge.south, EDGE_11);
      // Fiji and the dateline: 50 and 5 km; Samoa across the antimeridian alone.
      const fiji = byCell.get("31:17") as Bin;
      assert.deepEqual([fiji.n, fiji.accuracy, fiji.worst, fiji.east], [2, 1, ids.get("fiji"), 180]);
      close(fiji.meanLog, (Math.log10(50) + Math.log10(5)) / 2);
      const samoa = byCell.get("0:17") as Bin;
      assert.deepEqual([samoa.n, samoa.accuracy, samoa.worst, samoa.west], [1, 0, ids.get("samoa"), -180]);
      // Two 3 km errors near the north pole: the worst is the one stored first.
      const north = byCell.get("16:0") as Bin;
      assert.deepEqual([north.n, north.worst, north.north], [2, ids.get("northPole"), latEdge(0, 0)]);
      close(north.meanLog, Math.log10(3));
      const south = byCell.get("16:31") as Bin;
      assert.deepEqual([south.n, south.accuracy, south.south], [1, 0, latEdge(0, 1)]);
    });

    test("the threshold and the split change the bins as computed by hand", async () => {
      const at = async (t: number, split?: string) =>
        bins(await view(split ? { split } : {}, { bounds: WORLD, zoom: 0 }, { budget: 0, t })).find(
          (b) => b.west === 0 && b.north === EDGE_11,
        ) as Bin;
      // Within 1 km: the two 1 km errors of 6; within 25 km also the 10 km one; within 2500 km all six.
      assert.equal((await at(1)).accuracy, Math.fround(2 / 6));
      assert.equal((await at(25)).accuracy, Math.fround(3 / 6));
      assert.equal((await at(2500)).accuracy, 1);
      // The test split leaves out parisVal: 5 predictions, within 750 km 3/5.
      const test5 = await at(750, "test");
      assert.deepEqual([test5.n, test5.accuracy], [5, Math.fround(3 / 5)]);
    });

    test("every prediction is in exactly one bin at every level, the cell the grid gives it", async () => {
      const store = api.server.services.store;
      const exp = (await createTestExperiment(store, "edges")).id;
      const rows = [...seedRows().filter((r) => r.parsed === 1), ...nearEdgeRows(300)];
      await store.predictions.insertBatch(exp, rows);
      for (let level = GRID_MIN_LEVEL; level <= GRID_MAX_LEVEL; level++) {
        const v = (
          await ok<{ mapView: View }>(api, MAP_VIEW, {
            f: { experimentId: exp },
            view: { bounds: WORLD, zoom: zoomOf(level) },
            budget: 0,
          })
        ).mapView;
        assert.equal(v.level, level);
        assert.equal(v.total, rows.length, `level ${level}`);
        const bs = bins(v);
        assert.equal(
          bs.reduce((s, b) => s + b.n, 0),
          rows.length,
          `level ${level}: the bins' counts add up`,
        );
        const expected = new Map<string, number>();
        for (const r of rows) {
          const key = `${cellColumn(level, r.true_lon)}:${cellRow(level, r.true_lat)}`;
          expected.set(key, (expected.get(key) ?? 0) + 1);
        }
        const got = new Map(bs.map((b) => [`${cellColumn(level, b.west)}:${cellRow(level, b.south)}`, b.n]));
        assert.deepEqual(got, expected, `level ${level}: each bin holds the predictions of its cell`);
      }
    });

    test("a bin's bounds as a filter select exactly its predictions, each prediction in one bin", async () => {
      const parsed = Object.keys(SET).map((name) => ids.get(name) as number);
      for (const zoom of [0, 4, 13]) {
        const v = await view({}, { bounds: WORLD, zoom }, { budget: 0 });
        const seen: number[] = [];
        for (const b of bins(v)) {
          const { west, south, east, north } = b;
          const inBin = await idsIn(experimentId, { parsed: true, bounds: { west, south, east, north } });
          // By hand: the set's predictions that the grid puts in this bin's cell.
          const [column, row] = [cellColumn(v.level, west), cellRow(v.level, south)];
          const expected = Object.entries(SET)
            .filter(([, [lon, lat]]) => cellColumn(v.level, lon) === column && cellRow(v.level, lat) === row)
            .map(([name]) => ids.get(name) as number)
            .sort((a, c) => a - c);
          const where = `zoom ${zoom}, bin ${JSON.stringify([west, south, east, north])}`;
          assert.deepEqual(inBin, expected, where);
          assert.equal(b.n, expected.length, where);
          assert.ok(inBin.includes(b.worst), where);
          seen.push(...inBin);
        }
        // Every prediction with a coordinate is listed by exactly one bin.
        assert.deepEqual(
          seen.sort((a, c) => a - c),
          [...parsed].sort((a, c) => a - c),
          `zoom ${zoom}`,
        );
      }
      // Paris's bin without parsed: the unparsed answer's true location is there too.
      const all = await idsIn(experimentId, {
        bounds: { west: 0, south: latEdge(5, 12), east: 11.25, north: EDGE_11 },
      });
      assert.equal(all.length, 7);
    });

    test("bins of points within a metre of the edges, as filters, list exactly the grid's predictions of their cells", async () => {
      const store = api.server.services.store;
      const exp = (await createTestExperiment(store, "edge-filters")).id;
      const rows = nearEdgeRows(120);
      await store.predictions.insertBatch(exp, rows);
      const idOf = new Map<string, number>();
      let after: string | null = null;
      do {
        const r: { predictions: { edges: Array<{ node: { id: string; sampleId: string } }>; pageInfo: PageInfo } } =
          await ok(
            api,
            `query($f: PredictionFilter!, $after: String) { predictions(filter: $f, first: 100, after: $after) {
              edges { node { id sampleId } } pageInfo { hasNextPage endCursor } } }`,
            { f: { experimentId: exp }, after },
          );
        for (const e of r.predictions.edges) idOf.set(e.node.sampleId, Number(e.node.id));
        after = r.predictions.pageInfo.hasNextPage ? r.predictions.pageInfo.endCursor : null;
      } while (after);
      assert.equal(idOf.size, rows.length);
      // The pyramid's finest level and the finest of all (summed from the copy's rows).
      for (const level of [10, GRID_MAX_LEVEL]) {
        const v = (
          await ok<{ mapView: View }>(api, MAP_VIEW, {
            f: { experimentId: exp },
            view: { bounds: WORLD, zoom: zoomOf(level) },
            budget: 0,
          })
        ).mapView;
        const byCell = new Map<string, number[]>();
        for (const r of rows) {
          const key = `${cellColumn(level, r.true_lon)}:${cellRow(level, r.true_lat)}`;
          byCell.set(key, [...(byCell.get(key) ?? []), idOf.get(r.sample_id) as number]);
        }
        const seen: number[] = [];
        for (const b of bins(v)) {
          const { west, south, east, north } = b;
          const inBin = await idsIn(exp, { bounds: { west, south, east, north } });
          const expected = (byCell.get(`${cellColumn(level, west)}:${cellRow(level, south)}`) ?? []).sort(
            (a, c) => a - c,
          );
          assert.deepEqual(inBin, expected, `level ${level}, bin ${JSON.stringify([west, south, east, north])}`);
          assert.equal(b.n, expected.length);
          seen.push(...inBin);
        }
        assert.deepEqual(
          seen.sort((a, c) => a - c),
          [...idOf.values()].sort((a, c) => a - c),
          `level ${level}: every prediction in exactly one bin`,
        );
      }
    });

    test("up to the budget the view's predictions come as points, packed as predictionPoints packs them", async () => {
      const v = await view({}, { bounds: WORLD, zoom: 0 });
      assert.equal(v.mode, "POINTS");
      assert.equal(v.total, 14);
      assert.equal(v.bins, null);
      const points = v.points as Packed;
      const same = await ok<{ predictionPoints: Packed }>(
        api,
        `query($f: PredictionFilter!) { predictionPoints(filter: $f) { count truncated totalCount ids truePositions predictedPositions errorKm } }`,
        { f: { experimentId } },
      );
      assert.deepEqual(points, same.predictionPoints);
      // One over the budget: bins.
      assert.equal((await view({}, { bounds: WORLD, zoom: 0 }, { budget: 13 })).mode, "BINS");
      assert.equal((await view({}, { bounds: WORLD, zoom: 0 }, { budget: 14 })).mode, "POINTS");
    });

    test("a view across the antimeridian: its tiles on both sides, as points or bins", async () => {
      const pacific = { bounds: { west: 170, south: -30, east: -170, north: 0 }, zoom: 3 };
      const v = await view({}, pacific);
      assert.equal(v.mode, "POINTS");
      assert.deepEqual(
        ints((v.points as Record<string, string>).ids),
        ["fiji", "samoa", "dateline"].map((s) => ids.get(s)),
      );
      assert.deepEqual([v.covered.west, v.covered.east], [157.5, -157.5]);
      // deck.gl's unwrapped bounds of the same view.
      const unwrapped = await view({}, { ...pacific, bounds: { ...pacific.bounds, east: 190 } });
      assert.deepEqual(unwrapped, v);
      const b = bins(await view({}, pacific, { budget: 0 }));
      assert.deepEqual(
        b.map((x) => [x.west < 0 ? "west" : "east", x.n]),
        [
          ["west", 1],
          ["east", 2],
        ],
      );
      // The same bounds filter the explorer sends.
      assert.deepEqual(
        await idsIn(experimentId, { parsed: true, bounds: pacific.bounds }),
        ["fiji", "samoa", "dateline"].map((s) => ids.get(s) as number).sort((a, c) => a - c),
      );
    });

    test("other filters read the rows and give the same bins and points as the map's source", async () => {
      for (const zoom of [0, 3, 12]) {
        for (const budget of [0, 20_000]) {
          const fromSource = await view({}, { bounds: WORLD, zoom }, { budget });
          // minErrorKm 0 keeps every row but is not a filter the map's source answers.
          const fromRows = await view({ minErrorKm: 0 }, { bounds: WORLD, zoom }, { budget });
          assert.deepEqual(fromRows, fromSource, `zoom ${zoom}, budget ${budget}`);
        }
      }
      const french = await view({ trueCountry: "FR" }, { bounds: WORLD, zoom: 0 }, { budget: 0 });
      // The true countries of everything north of 40°: Paris's six, the edge, the column edge, the two Arctic ones.
      assert.equal(french.total, 10);
      assert.equal((await view({ parsed: false }, { bounds: WORLD, zoom: 0 })).total, 0);
    });

    test("the map's source follows rows added and deleted", async () => {
      const store = api.server.services.store;
      const exp = await createTestExperiment(store, "growing");
      // Running: nothing is kept in memory, every view reads the source.
      assert.ok(await store.experiments.claim(exp.id, "test"));
      const count = async () =>
        (
          await ok<{ mapView: View }>(api, MAP_VIEW, {
            f: { experimentId: exp.id },
            view: { bounds: WORLD, zoom: 0 },
            budget: 0,
          })
        ).mapView;
      await store.predictions.insertBatch(exp.id, seedRows().slice(0, 3));
      assert.equal((await count()).total, 3);
      await store.predictions.insertBatch(exp.id, seedRows().slice(3, 9));
      const grown = await count();
      assert.equal(grown.total, 9);
      const paris = bins(grown).find((b) => b.west === 0 && b.north === EDGE_11) as Bin;
      // paris1, paris10, paris1000, southOfEdge, westOfColumnEdge, parisVal: the worst is still the 1000 km one.
      assert.deepEqual([paris.n, paris.worst], [6, await firstId(exp.id, "paris1000")]);
      const gone = [await firstId(exp.id, "paris1000"), await firstId(exp.id, "fiji")];
      await store.predictions.deleteIds(
        exp.id,
        gone.map((id) => [id, id]),
      );
      const shrunk = await count();
      assert.equal(shrunk.total, 7);
      const after = bins(shrunk).find((b) => b.west === 0 && b.north === EDGE_11) as Bin;
      assert.deepEqual([after.n, after.worst], [5, await firstId(exp.id, "southOfEdge")]);
    });

    const firstId = async (exp: string, sample: string) => {
      const r = await ok<{ predictions: { edges: Array<{ node: { id: string; sampleId: string } }> } }>(
        api,
        `query($f: PredictionFilter!) { predictions(filter: $f, first: 100) { edges { node { id sampleId } } } }`,
        { f: { experimentId: exp } },
      );
      return Number(r.predictions.edges.find((e) => e.node.sampleId === sample)?.node.id);
    };

    test("deleting an experiment deletes its map copy and cells", async () => {
      const store = api.server.services.store;
      const db = store.database.db;
      const exp = await createTestExperiment(store, "short-lived");
      await store.predictions.insertBatch(exp.id, seedRows());
      await ok(api, MAP_VIEW, { f: { experimentId: exp.id }, view: { bounds: WORLD, zoom: 0 }, budget: 0 });
      const [src] = await db.selectFrom("map_sources").select("id").orderBy("id", "desc").limit(1).execute();
      const rows = async () => {
        const count = async (table: "map_points" | "map_cells") =>
          Number(
            (
              await db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll().as("n"))
                .where("src", "=", src.id)
                .executeTakeFirstOrThrow()
            ).n,
          );
        return [await count("map_points"), await count("map_cells")];
      };
      const [points, cells] = await rows();
      assert.equal(points, 14);
      assert.ok(cells > 0);
      assert.ok(await store.experiments.delete(exp.id));
      assert.deepEqual(await rows(), [0, 0]);
      assert.equal(
        await db.selectFrom("map_sources").select("id").where("id", "=", src.id).executeTakeFirst(),
        undefined,
      );
    });

    test("a view binned finer than the pyramid sums the copy's rows of its tiles", async () => {
      // Zoom 12 → level 17 around Paris: the three Paris points 5–6 km apart fall in different cells.
      const v = await view({}, { bounds: { west: 2.2, south: 48.7, east: 2.5, north: 49.0 }, zoom: 12 }, { budget: 0 });
      assert.equal(v.level, 17);
      const b = bins(v);
      const inView = Object.entries(SET).filter(
        ([, [lon, lat]]) =>
          lon >= v.covered.west && lon < v.covered.east && lat >= v.covered.south && lat < v.covered.north,
      );
      assert.equal(v.total, inView.length);
      assert.equal(
        b.reduce((s, x) => s + x.n, 0),
        inView.length,
      );
    });

    test("bad arguments are BAD_USER_INPUT naming the field", async () => {
      for (const [vars, field] of [
        [{ t: 100 }, "thresholdKm"],
        [{ budget: -1 }, "budget"],
        [{ budget: 200_001 }, "budget"],
        [{ view: { bounds: { ...WORLD, south: 10, north: 5 }, zoom: 0 } }, "view.bounds.south"],
        [{ view: { bounds: { ...WORLD, north: 91 }, zoom: 0 } }, "view.bounds.north"],
        [{ f: { experimentId, bounds: { ...WORLD, south: 50, north: 40 } } }, "filter.bounds.south"],
      ] as const) {
        const r = await gql(api, MAP_VIEW, { f: { experimentId }, view: { bounds: WORLD, zoom: 0 }, ...vars });
        assert.equal(r.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(vars));
        assert.equal(r.errors?.[0]?.extensions?.field, field);
      }
    });

    test("with GEOR_PUBLIC_READ=false it needs the token", async () => {
      const closed = await startApi(dialect, { publicRead: false }, { pgWorker: false });
      try {
        const r = await gql(closed, MAP_VIEW, { f: { experimentId }, view: { bounds: WORLD, zoom: 0 } });
        assert.equal(r.status, 401);
        assert.equal(r.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
      } finally {
        await closed.stop();
      }
    });
  });
}
