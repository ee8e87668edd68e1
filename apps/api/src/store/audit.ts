/** The audit log: every successful mutation, who did it and on what. */
import type { Kysely } from "kysely";
import type { Database, Row } from "../db/tables.ts";

export type AuditRow = Row<"audit_log">;

export class AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(userName: string, action: string, target: string | null): Promise<void> {
    await this.db
      .insertInto("audit_log")
      .values({ at: new Date().toISOString(), user_name: userName, action, target })
      .execute();
  }

  /** Newest first; `after` is the id of the last entry of the previous page. */
  list(first: number, after: number | null): Promise<AuditRow[]> {
    let q = this.db.selectFrom("audit_log").selectAll();
    if (after !== null) q = q.where("id", "<", after);
    return q.orderBy("id", "desc").limit(first).execute();
  }
}
