/** People, their tokens and sign-ins: all their SQL. Secrets arrive here already hashed. */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, Row } from "../db/tables.ts";

export type UserRow = Row<"users">;
export type ApiTokenRow = Row<"api_tokens">;
export const ROLES = ["VIEWER", "EDITOR", "ADMIN"] as const;
export type Role = (typeof ROLES)[number];
export const TOKEN_KINDS = ["PERSONAL", "SESSION"] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

const now = () => new Date().toISOString();

export class PeopleStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createUser(name: string, role: Role, passwordHash: string | null): Promise<UserRow> {
    const row: UserRow = { id: randomUUID(), name, role, password_hash: passwordHash, created_at: now() };
    await this.db.insertInto("users").values(row).execute();
    return row;
  }

  /** The user of this name, created with `role` if there is none (the bootstrap admin). */
  async ensureUser(name: string, role: Role): Promise<UserRow> {
    const found = await this.userByName(name);
    if (found) return found;
    try {
      return await this.createUser(name, role, null);
    } catch (err) {
      // Another process created it between the two statements.
      const again = await this.userByName(name);
      if (again) return again;
      throw err;
    }
  }

  userByName(name: string): Promise<UserRow | undefined> {
    return this.db.selectFrom("users").selectAll().where("name", "=", name).executeTakeFirst();
  }

  userById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  }

  users(): Promise<UserRow[]> {
    return this.db.selectFrom("users").selectAll().orderBy("name").execute();
  }

  async setRole(name: string, role: Role): Promise<UserRow | undefined> {
    await this.db.updateTable("users").set({ role }).where("name", "=", name).execute();
    return this.userByName(name);
  }

  async setPassword(name: string, passwordHash: string): Promise<boolean> {
    const r = await this.db
      .updateTable("users")
      .set({ password_hash: passwordHash })
      .where("name", "=", name)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async createToken(t: {
    id: string;
    userId: string;
    name: string;
    kind: TokenKind;
    secretHash: string;
    expiresAt: string | null;
  }): Promise<ApiTokenRow> {
    const row: ApiTokenRow = {
      id: t.id,
      user_id: t.userId,
      name: t.name,
      kind: t.kind,
      secret_hash: t.secretHash,
      created_at: now(),
      expires_at: t.expiresAt,
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.insertInto("api_tokens").values(row).execute();
    return row;
  }

  tokenById(id: string): Promise<ApiTokenRow | undefined> {
    return this.db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Personal tokens, newest first: one user's, or everyone's (userId null). */
  tokens(userId: string | null): Promise<ApiTokenRow[]> {
    let q = this.db.selectFrom("api_tokens").selectAll().where("kind", "=", "PERSONAL");
    if (userId !== null) q = q.where("user_id", "=", userId);
    return q.orderBy("created_at", "desc").orderBy("id").execute();
  }

  async revokeToken(id: string): Promise<void> {
    await this.db
      .updateTable("api_tokens")
      .set({ revoked_at: now() })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .execute();
  }

  /** Records a use, at most once a minute per token (a write per request would be wasted). */
  async touchToken(id: string): Promise<void> {
    const t = now();
    const minuteAgo = new Date(Date.now() - 60_000).toISOString();
    await this.db
      .updateTable("api_tokens")
      .set({ last_used_at: t })
      .where("id", "=", id)
      .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", minuteAgo)]))
      .execute();
  }

  async recordSignIn(name: string, ok: boolean): Promise<void> {
    await this.db
      .insertInto("sign_in_attempts")
      .values({ name, at: now(), ok: ok ? 1 : 0 })
      .execute();
  }

  /** Failed sign-ins under this name since `since`, oldest first (their times). */
  async failuresSince(name: string, since: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("sign_in_attempts")
      .select("at")
      .where("name", "=", name)
      .where("ok", "=", 0)
      .where("at", ">=", since)
      .orderBy("at")
      .execute();
    return rows.map((r) => r.at);
  }

  async createSignInCode(codeHash: string, userId: string, expiresAt: string): Promise<void> {
    await this.db
      .insertInto("sign_in_codes")
      .values({ code_hash: codeHash, user_id: userId, expires_at: expiresAt, used_at: null })
      .execute();
  }

  /** Uses a one-time code: its user's id if it was unused and unexpired (and now it is used), else null. */
  async redeemSignInCode(codeHash: string): Promise<string | null> {
    const t = now();
    const r = await this.db
      .updateTable("sign_in_codes")
      .set({ used_at: t })
      .where("code_hash", "=", codeHash)
      .where("used_at", "is", null)
      .where("expires_at", ">", t)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return null;
    const row = await this.db
      .selectFrom("sign_in_codes")
      .select("user_id")
      .where("code_hash", "=", codeHash)
      .executeTakeFirst();
    return row?.user_id ?? null;
  }
}
