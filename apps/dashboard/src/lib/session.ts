// The dashboard's sign-in: an iron-session cookie (sealed and signed with a server-side key,
// httpOnly, SameSite=Lax, Secure behind HTTPS) holding the person's API session token, which the
// GraphQL proxy forwards as their bearer token. The browser never sees the token itself.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { getIronSession, type IronSession, type SessionOptions } from "iron-session";
import { cookies, headers } from "next/headers";

export type Role = "VIEWER" | "EDITOR" | "ADMIN";

export interface SessionData {
  token?: string;
  name?: string;
  role?: Role;
  expiresAt?: string;
}

export const SESSION_COOKIE = "geor_session";
const KEY_FILE = "dashboard-session-key";
let generated: string | null = null;

/**
 * The key cookies are sealed with: GEOR_SESSION_SECRET (≥ 32 characters), else one kept in
 * $GEOR_HOME/dashboard-session-key (made on first use), else one for this process only.
 */
export async function sessionSecret(env: Record<string, string | undefined> = process.env): Promise<string> {
  const fromEnv = env.GEOR_SESSION_SECRET?.trim();
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error("GEOR_SESSION_SECRET must be at least 32 characters");
    return fromEnv;
  }
  if (env.GEOR_HOME) {
    const file = path.join(env.GEOR_HOME, KEY_FILE);
    try {
      return (await readFile(file, "utf8")).trim();
    } catch {
      await mkdir(env.GEOR_HOME, { recursive: true });
      const key = randomBytes(32).toString("base64url");
      try {
        await writeFile(file, `${key}\n`, { mode: 0o600, flag: "wx" });
        return key;
      } catch {
        return (await readFile(file, "utf8")).trim();
      }
    }
  }
  generated ??= randomBytes(32).toString("base64url");
  return generated;
}

/** Whether the dashboard is reached over HTTPS (directly or behind a proxy that says so). */
export function isHttps(h: { get(name: string): string | null }): boolean {
  return (h.get("x-forwarded-proto") ?? "").split(",")[0]?.trim() === "https";
}

export async function sessionOptions(): Promise<SessionOptions> {
  return {
    cookieName: SESSION_COOKIE,
    password: await sessionSecret(),
    // The API session lasts 14 days; the cookie no longer.
    ttl: 14 * 24 * 3600,
    cookieOptions: { httpOnly: true, sameSite: "lax", secure: isHttps(await headers()), path: "/" },
  };
}

/**
 * The request's session. A cookie that is not one of ours — forged, tampered with, or sealed
 * under an old key — is no session at all (iron-session throws on some of those).
 */
export async function getSession(): Promise<IronSession<SessionData>> {
  const store = await cookies();
  const options = await sessionOptions();
  try {
    return await getIronSession<SessionData>(store, options);
  } catch {
    const withoutOurs = {
      get: (name: string) => (name === SESSION_COOKIE ? undefined : store.get(name)),
      set: store.set.bind(store),
    };
    return getIronSession<SessionData>(withoutOurs as unknown as typeof store, options);
  }
}

/** Who is signed in, for server components: name and role, or null. */
export async function signedIn(): Promise<{ name: string; role: Role } | null> {
  const s = await getSession();
  return s.token && s.name && s.role ? { name: s.name, role: s.role } : null;
}
