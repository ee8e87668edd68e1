/**
 * Migration 0008: studies — arms × seeds as one object. A study keeps its design (arms with their
 * configs and SFT steps, control, budget); its runs are ordinary experiments that name their study,
 * arm and seed, one per arm and seed (a unique index, so two racing extendStudy calls cannot both
 * add a seed).
 */
import { type Migration, sql } from "kysely";
import type { AnyDb } from "./shared.ts";

export function studies(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("studies")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("dataset", "text", (c) => c.notNull())
        .addColumn("control", "text", (c) => c.notNull())
        // JSON: [{ name, config (as given), head, sftSteps }] in the order given.
        .addColumn("arms", "text", (c) => c.notNull())
        // JSON: { sftSteps, stepCost } or null (the arms state their steps).
        .addColumn("budget", "text")
        .addColumn("tags", "text", (c) => c.notNull())
        .addColumn("created_by", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("cancelled_at", "text")
        .execute();
      await db.schema.createIndex("studies_created").on("studies").columns(["created_at", "id"]).execute();
      await sql`alter table experiments add column study_id text references studies (id)`.execute(db);
      await sql`alter table experiments add column study_arm text`.execute(db);
      await sql`alter table experiments add column study_seed integer`.execute(db);
      // Rows without a study (null) never collide: both dialects treat nulls as distinct here.
      await db.schema
        .createIndex("experiments_study_run")
        .on("experiments")
        .columns(["study_id", "study_arm", "study_seed"])
        .unique()
        .execute();
    },
  };
}
