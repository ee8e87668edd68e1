/** Who created each dataset (datasets themselves are directories, not rows). */
import type { Kysely } from "kysely";
import type { Database } from "../db/tables.ts";

export class DatasetOwnerStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records the creator of a dataset name; a rebuild by someone else makes them its owner. */
  async set(name: string, createdBy: string): Promise<void> {
    await this.db
      .insertInto("dataset_owners")
      .values({ name, created_by: createdBy })
      .onConflict((oc) => oc.column("name").doUpdateSet({ created_by: createdBy }))
      .execute();
  }

  async of(name: string): Promise<string | null> {
    const r = await this.db
      .selectFrom("dataset_owners")
      .select("created_by")
      .where("name", "=", name)
      .executeTakeFirst();
    return r?.created_by ?? null;
  }
}
