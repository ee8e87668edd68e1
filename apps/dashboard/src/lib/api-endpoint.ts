// Where the GraphQL API lives, read from the environment at request time (never baked into the
// build), so one production build serves any deployment.
export const DEFAULT_API_URL = "http://127.0.0.1:4000/graphql";

export function apiUrl(env: Record<string, string | undefined> = process.env): string {
  const raw = env.GEOR_API_URL?.trim() || DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`GEOR_API_URL is not a URL: "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`GEOR_API_URL must be http(s), got "${raw}"`);
  }
  return url.toString();
}

/** The graphql-ws endpoint: GEOR_API_WS_URL, else the HTTP endpoint with ws(s):. */
export function apiWsUrl(env: Record<string, string | undefined> = process.env): string {
  if (env.GEOR_API_WS_URL?.trim()) return env.GEOR_API_WS_URL.trim();
  const url = new URL(apiUrl(env));
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/** The API's health endpoint: `/healthz` beside the GraphQL path. */
export function apiHealthUrl(env: Record<string, string | undefined> = process.env): string {
  return new URL("/healthz", apiUrl(env)).toString();
}
