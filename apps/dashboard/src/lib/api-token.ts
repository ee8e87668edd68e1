// The bearer token the dashboard server attaches to mutations: GEOR_API_TOKEN, else the token
// file the API writes under GEOR_HOME on its first start.
import { readFile } from "node:fs/promises";
import path from "node:path";

export const TOKEN_FILE_NAME = "api-token";

export async function apiToken(env: Record<string, string | undefined> = process.env): Promise<string | undefined> {
  const fromEnv = env.GEOR_API_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  if (!env.GEOR_HOME) return undefined;
  try {
    return (await readFile(path.join(env.GEOR_HOME, TOKEN_FILE_NAME), "utf8")).trim() || undefined;
  } catch {
    return undefined;
  }
}
