/**
 * Migration 0006: people, their roles and personal tokens (stored as keyed hashes, never as
 * themselves), sign-in attempts (the throttle), one-time sign-in codes, the audit log, and who
 * created each experiment and dataset.
 */
import { type Migration, sql } from "kysely";
import type { Dialect } from "../tables.ts";
import { type AnyDb, tableWithId } from "./shared.ts";

export function people(dialect: Dialect): Migration {
  const withId = tableWithId(dialect);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("users")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("password_hash", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("api_tokens")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("secret_hash", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text")
        .addColumn("last_used_at", "text")
        .addColumn("revoked_at", "text")
        .execute();
      await db.schema.createIndex("api_tokens_user").on("api_tokens").columns(["user_id", "created_at"]).execute();
      await withId(db, "sign_in_attempts")
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("ok", "integer", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("sign_in_attempts_name").on("sign_in_attempts").columns(["name", "at"]).execute();
      await db.schema
        .createTable("sign_in_codes")
        .addColumn("code_hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("expires_at", "text", (c) => c.notNull())
        .addColumn("used_at", "text")
        .execute();
      await withId(db, "audit_log")
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("user_name", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("target", "text")
        .execute();
      await sql`alter table experiments add column created_by text`.execute(db);
      await db.schema
        .createTable("dataset_owners")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("created_by", "text", (c) => c.notNull())
        .execute();
    },
  };
}
