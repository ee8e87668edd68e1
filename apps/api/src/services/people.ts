/**
 * People, roles, personal tokens and sign-ins. Passwords are kept as scrypt hashes, tokens and
 * one-time codes as keyed hashes (auth/): neither is ever stored, logged or sent back after the
 * moment it is made. Failed sign-ins are throttled per name (10 in 15 minutes).
 */
import { GraphQLError } from "graphql";
import type { Caller } from "../auth/caller.ts";
import { hashPassword, passwordProblem, verifyPassword } from "../auth/passwords.ts";
import { keyedHash, newSignInCode, newToken } from "../auth/tokens.ts";
import { badInput, notFound } from "../input.ts";
import { type ApiTokenRow, ROLES, type Role, type Store, type TokenKind, type UserRow } from "../store/index.ts";

const NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/i;
export const SIGN_IN_WINDOW_MS = 15 * 60_000;
export const SIGN_IN_FAILURES = 10;
const SESSION_MS = 14 * 24 * 3600_000;
const SIGN_IN_CODE_MS = 24 * 3600_000;

export interface SignedIn {
  token: string;
  user: UserRow;
  expiresAt: string;
}

function conflict(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "CONFLICT" } });
}

export class PeopleService {
  constructor(
    private readonly store: Store,
    private readonly key: Buffer,
  ) {}

  private get people() {
    return this.store.people;
  }

  async createUser(input: { name: string; role: Role; password?: string | null }): Promise<UserRow> {
    if (!NAME.test(input.name))
      throw badInput("input.name", "must be 1–40 letters, digits, . _ or -, starting with a letter or digit");
    if (!(ROLES as readonly string[]).includes(input.role))
      throw badInput("input.role", `must be one of ${ROLES.join(", ")}`);
    const problem = input.password == null ? null : passwordProblem(input.password);
    if (problem) throw badInput("input.password", problem);
    if (await this.people.userByName(input.name)) throw conflict(`a user named "${input.name}" exists already`);
    const hash = input.password == null ? null : await hashPassword(input.password);
    return this.people.createUser(input.name, input.role, hash);
  }

  async setRole(name: string, role: Role): Promise<UserRow> {
    const user = await this.people.userByName(name);
    if (!user) throw notFound("user", name);
    if (user.role === "ADMIN" && role !== "ADMIN") {
      const admins = (await this.people.users()).filter((u) => u.role === "ADMIN");
      if (admins.length <= 1) throw conflict(`"${name}" is the last admin; make someone else an admin first`);
    }
    return (await this.people.setRole(name, role)) as UserRow;
  }

  async setPassword(name: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw badInput("password", problem);
    if (!(await this.people.setPassword(name, await hashPassword(password)))) throw notFound("user", name);
  }

  users(): Promise<UserRow[]> {
    return this.people.users();
  }

  async userById(id: string): Promise<UserRow> {
    const user = await this.people.userById(id);
    if (!user) throw notFound("user", id);
    return user;
  }

  /** A personal token for the caller, or (admins) for someone else: the secret is returned once. */
  async createToken(
    caller: Caller,
    input: { name: string; user?: string | null },
  ): Promise<{ token: string; row: ApiTokenRow }> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw badInput("input.name", "must be 1–100 characters");
    const owner = input.user == null ? await this.userById(caller.userId) : await this.people.userByName(input.user);
    if (!owner) throw badInput("input.user", `no user named "${input.user}"`);
    return this.issue(owner, "PERSONAL", name, null);
  }

  private async issue(user: UserRow, kind: TokenKind, name: string, expiresAt: string | null) {
    const t = newToken(this.key);
    const row = await this.people.createToken({
      id: t.id,
      userId: user.id,
      name,
      kind,
      secretHash: t.secretHash,
      expiresAt,
    });
    return { token: t.token, row };
  }

  /** Personal tokens: the caller's own, or everyone's for an admin. */
  tokens(caller: Caller): Promise<ApiTokenRow[]> {
    return this.people.tokens(caller.role === "ADMIN" ? null : caller.userId);
  }

  async revokeToken(id: string): Promise<ApiTokenRow> {
    if (!(await this.people.tokenById(id))) throw notFound("token", id);
    await this.people.revokeToken(id);
    return (await this.people.tokenById(id)) as ApiTokenRow;
  }

  /** Checks a name and password; a session token for the dashboard's cookie. */
  async signIn(name: string, password: string): Promise<SignedIn> {
    const since = new Date(Date.now() - SIGN_IN_WINDOW_MS).toISOString();
    const failures = await this.people.failuresSince(name, since);
    if (failures.length >= SIGN_IN_FAILURES) {
      const retryMs =
        Date.parse(failures[failures.length - SIGN_IN_FAILURES] as string) + SIGN_IN_WINDOW_MS - Date.now();
      throw new GraphQLError(
        `too many failed sign-ins for "${name}" (${SIGN_IN_FAILURES} in 15 minutes); try again in ${Math.max(1, Math.ceil(retryMs / 60_000))} minute(s)`,
        { extensions: { code: "RATE_LIMITED" } },
      );
    }
    const user = await this.people.userByName(name);
    const ok = user?.password_hash != null && (await verifyPassword(password, user.password_hash));
    await this.people.recordSignIn(name, ok);
    // The same answer whether the name exists or not.
    if (!ok || !user) throw new GraphQLError("wrong name or password", { extensions: { code: "UNAUTHENTICATED" } });
    return this.session(user);
  }

  private async session(user: UserRow): Promise<SignedIn> {
    const expiresAt = new Date(Date.now() + SESSION_MS).toISOString();
    const { token } = await this.issue(user, "SESSION", "dashboard sign-in", expiresAt);
    return { token, user, expiresAt };
  }

  /** Ends the caller's dashboard session (a personal token is revoked with revokeApiToken). */
  async signOut(caller: Caller): Promise<boolean> {
    if (caller.via !== "SESSION" || caller.tokenId === null) return false;
    await this.people.revokeToken(caller.tokenId);
    return true;
  }

  /** A one-time sign-in code for a user (the link `npm start` prints), valid for a day. */
  async createSignInCode(userName: string): Promise<string> {
    const user = await this.people.userByName(userName);
    if (!user) throw notFound("user", userName);
    const { code, codeHash } = newSignInCode(this.key);
    await this.people.createSignInCode(codeHash, user.id, new Date(Date.now() + SIGN_IN_CODE_MS).toISOString());
    return code;
  }

  async redeemSignInCode(code: string): Promise<SignedIn> {
    const userId = /^[A-Za-z0-9_-]{43}$/.test(code)
      ? await this.people.redeemSignInCode(keyedHash(this.key, code))
      : null;
    const user = userId === null ? undefined : await this.people.userById(userId);
    if (!user)
      throw new GraphQLError("this sign-in link was used already, has expired or is not one this server made", {
        extensions: { code: "UNAUTHENTICATED" },
      });
    return this.session(user);
  }
}
