/**
 * The server's two secrets, each from the environment or generated once and kept (mode 0600) under
 * GEOR_HOME: the bootstrap admin's API token (GEOR_API_TOKEN, file api-token) and the key that
 * personal tokens are hashed under (GEOR_SECRET, file secret-key). Several API processes of one
 * team (behind a load balancer, on several machines) must share GEOR_SECRET.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ApiConfig } from "../config.ts";

export interface TokenSource {
  token: string;
  /** True when this call generated it (print it once). */
  generated: boolean;
  file: string | null;
}

/** The secret in `file` under GEOR_HOME, made now if there is none. */
function storedSecret(config: ApiConfig, name: string, describe: string): TokenSource {
  const file = path.join(config.home, name);
  if (existsSync(file)) {
    const token = readFileSync(file, "utf8").trim();
    if (token.length < 16)
      throw new Error(`${file} holds a ${describe} shorter than 16 characters; delete it to generate a new one`);
    return { token, generated: false, file };
  }
  mkdirSync(config.home, { recursive: true });
  const token = randomBytes(32).toString("base64url");
  // wx: two processes starting at once must not overwrite each other's secret.
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return storedSecret(config, name, describe);
    throw err;
  }
  return { token, generated: true, file };
}

/** The bootstrap admin's token. */
export function resolveApiToken(config: ApiConfig): TokenSource {
  if (config.apiToken) return { token: config.apiToken, generated: false, file: null };
  return storedSecret(config, "api-token", "token");
}

/** The key personal tokens and sign-in codes are hashed under. */
export function resolveServerKey(config: ApiConfig): Buffer {
  const secret = config.secret ?? storedSecret(config, "secret-key", "key").token;
  return Buffer.from(secret, "utf8");
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? (m[1] as string) : null;
}

/** Whether a presented token is the bootstrap token (constant-time compare). */
export function isBootstrapToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
