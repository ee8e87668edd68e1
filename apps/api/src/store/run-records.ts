/** An experiment's metric series, log lines and checkpoints: all their SQL. */
import { type Kysely, sql } from "kysely";
import type { Database, Row } from "../db/tables.ts";
import { bumpVersion } from "./experiments.ts";

export type CheckpointRow = Row<"checkpoints">;

export interface MetricPoint {
  name: string;
  stage: string;
  step: number;
  value: number;
}

const now = () => new Date().toISOString();

export class RunRecordStore {
  constructor(private readonly db: Kysely<Database>) {}

  async appendMetrics(id: string, points: MetricPoint[]): Promise<void> {
    if (points.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (let i = 0; i < points.length; i += 500) {
        await tx
          .insertInto("metrics")
          .values(points.slice(i, i + 500).map((p) => ({ experiment_id: id, ...p })))
          .execute();
      }
      await bumpVersion(tx, id);
    });
  }

  /** Drops a stage's points past `step` (a resumed run repeats them). */
  async truncateMetrics(id: string, stage: string, step: number): Promise<void> {
    await this.db
      .deleteFrom("metrics")
      .where("experiment_id", "=", id)
      .where("stage", "=", stage)
      .where("step", ">", step)
      .execute();
  }

  /**
   * The last step of a stage's points, or 0. Points are written a whole step at a time in step
   * order, so the stored points of a stage are always the steps 1…last.
   */
  async lastMetricStep(id: string, stage: string): Promise<number> {
    const r = await this.db
      .selectFrom("metrics")
      .select((eb) => eb.fn.max("step").as("last"))
      .where("experiment_id", "=", id)
      .where("stage", "=", stage)
      .executeTakeFirst();
    return Number(r?.last ?? 0);
  }

  async metricNames(id: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("metrics")
      .select("name")
      .distinct()
      .where("experiment_id", "=", id)
      .orderBy("name")
      .execute();
    return rows.map((r) => r.name);
  }

  /** Points of one series in step order, thinned to at most maxPoints by taking every k-th step. */
  async series(id: string, name: string, maxPoints: number): Promise<MetricPoint[]> {
    const n = await this.db
      .selectFrom("metrics")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("experiment_id", "=", id)
      .where("name", "=", name)
      .executeTakeFirstOrThrow();
    const every = Math.max(1, Math.ceil(Number(n.n) / maxPoints));
    const ranked = this.db
      .selectFrom("metrics")
      .select(["name", "stage", "step", "value", sql<number>`row_number() over (order by step, id)`.as("rn")])
      .where("experiment_id", "=", id)
      .where("name", "=", name)
      .as("ranked");
    return this.db
      .selectFrom(ranked)
      .select(["name", "stage", "step", "value"])
      .where(sql<boolean>`(rn - 1) % ${sql.lit(every)} = 0`)
      .orderBy("step")
      .execute();
  }

  async appendLog(id: string, stage: string | null, line: string): Promise<void> {
    await this.db.insertInto("logs").values({ experiment_id: id, at: now(), stage, line }).execute();
  }

  /** The last `last` log lines, oldest first. */
  async logs(id: string, last: number): Promise<Array<{ at: string; stage: string | null; line: string }>> {
    const rows = await this.db
      .selectFrom("logs")
      .select(["at", "stage", "line"])
      .where("experiment_id", "=", id)
      .orderBy("id", "desc")
      .limit(last)
      .execute();
    return rows.reverse();
  }

  async addCheckpoint(id: string, stage: string, step: number, path: string): Promise<void> {
    await this.db
      .insertInto("checkpoints")
      .values({ experiment_id: id, stage, step, path, created_at: now() })
      .execute();
  }

  checkpoints(id: string): Promise<CheckpointRow[]> {
    return this.db.selectFrom("checkpoints").selectAll().where("experiment_id", "=", id).orderBy("id").execute();
  }
}
