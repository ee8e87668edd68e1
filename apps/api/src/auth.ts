/** The bearer token that mutations require: GEOR_API_TOKEN, or one generated on first start. */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ApiConfig } from "./config.ts";

export interface TokenSource {
  token: string;
  /** True when this call generated it (print it once). */
  generated: boolean;
  file: string | null;
}

export function resolveApiToken(config: ApiConfig): TokenSource {
  if (config.apiToken) return { token: config.apiToken, generated: false, file: null };
  const file = path.join(config.home, "api-token");
  if (existsSync(file)) {
    const token = readFileSync(file, "utf8").trim();
    if (token.length < 16)
      throw new Error(`${file} holds a token shorter than 16 characters; delete it to generate a new one`);
    return { token, generated: false, file };
  }
  mkdirSync(config.home, { recursive: true });
  const token = randomBytes(24).toString("base64url");
  // wx: two processes starting at once must not overwrite each other's token.
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return resolveApiToken(config);
    throw err;
  }
  return { token, generated: true, file };
}

/** Whether an Authorization header carries the token (constant-time compare). */
export function isAuthorized(header: string | undefined | null, token: string): boolean {
  if (!header) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return false;
  const given = Buffer.from(m[1]);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}
