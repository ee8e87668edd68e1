/**
 * Who is calling: the person behind an `Authorization: Bearer` header — the bootstrap token (the
 * admin user), a personal token or a dashboard session. Looked up on every request, so a revoked
 * token or a changed role takes effect from the next request on.
 */
import type { Role, Store } from "../store/index.ts";
import { bearerToken, isBootstrapToken } from "./secrets.ts";
import { parseToken, secretMatches } from "./tokens.ts";

/** The bootstrap token's user. */
export const BOOTSTRAP_USER = "admin";

export interface Caller {
  userId: string;
  name: string;
  role: Role;
  /** The token the request came with (null: the bootstrap token). */
  tokenId: string | null;
  via: "BOOTSTRAP" | "PERSONAL" | "SESSION";
}

/** A request's identity: a caller, nobody (no header), or why the header was refused. */
export type Identity = { caller: Caller | null } | { refused: string };

export class Identifier {
  constructor(
    private readonly store: Store,
    private readonly bootstrapToken: string,
    private readonly key: Buffer,
  ) {}

  async identify(header: string | undefined | null): Promise<Identity> {
    if (header === undefined || header === null || header === "") return { caller: null };
    const token = bearerToken(header);
    if (token === null) return { refused: 'the Authorization header must read "Bearer <token>"' };
    if (isBootstrapToken(token, this.bootstrapToken)) {
      const admin = await this.store.people.ensureUser(BOOTSTRAP_USER, "ADMIN");
      return { caller: { userId: admin.id, name: admin.name, role: "ADMIN", tokenId: null, via: "BOOTSTRAP" } };
    }
    const parsed = parseToken(token);
    const row = parsed ? await this.store.people.tokenById(parsed.id) : undefined;
    if (!parsed || !row || !secretMatches(this.key, parsed.secret, row.secret_hash))
      return { refused: "the token is not one this server issued" };
    if (row.revoked_at !== null) return { refused: "the token was revoked" };
    if (row.expires_at !== null && row.expires_at <= new Date().toISOString())
      return { refused: row.kind === "SESSION" ? "the sign-in expired; sign in again" : "the token expired" };
    const user = await this.store.people.userById(row.user_id);
    if (!user) return { refused: "the token's user no longer exists" };
    await this.store.people.touchToken(row.id);
    return {
      caller: {
        userId: user.id,
        name: user.name,
        role: user.role as Role,
        tokenId: row.id,
        via: row.kind as Caller["via"],
      },
    };
  }
}
