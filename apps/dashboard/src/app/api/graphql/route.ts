// Same-origin proxy for GraphQL queries and mutations: the browser never needs CORS, the API
// URL is read at request time, and the signed-in person's session token (kept in the sealed
// cookie) is forwarded as their bearer token — never a token of the server's own. Without a
// session the request goes on anonymous: reads as GEOR_PUBLIC_READ allows, writes refused by the
// API. A write riding on the cookie must come from the dashboard's own pages (csrf.ts).
import { apiUrl } from "@/lib/api-endpoint";
import { sameOrigin } from "@/lib/csrf";
import { getSession } from "@/lib/session";

export const dynamic = "force-dynamic";

const FORWARDED_HEADERS = ["content-type", "accept", "x-apollo-operation-name"];

async function forward(request: Request): Promise<Response> {
  let target: string;
  try {
    target = apiUrl();
  } catch (error) {
    return graphqlError(500, (error as Error).message, "BAD_CONFIGURATION");
  }
  const headers = new Headers();
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  // Apollo Server's CSRF guard wants this on multipart (upload) requests.
  headers.set("apollo-require-preflight", "true");
  const session = await getSession();
  if (session.token) {
    if (request.method !== "GET" && request.method !== "HEAD" && !sameOrigin(request))
      return graphqlError(403, "a signed-in request from another site was refused", "FORBIDDEN");
    headers.set("authorization", `Bearer ${session.token}`);
  }
  const search = new URL(request.url).search;
  const init: RequestInit = { method: request.method, headers, cache: "no-store" };
  if (request.method !== "GET" && request.method !== "HEAD") init.body = await request.arrayBuffer();
  let upstream: Response;
  try {
    upstream = await fetch(target + search, init);
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    return graphqlError(502, `The Geo-R Lab API is unreachable at ${target} (${cause}).`, "API_UNREACHABLE");
  }
  const body = await upstream.arrayBuffer();
  // The API refuses the whole request for a revoked or expired session: forget it here too, so
  // the next page is anonymous and offers to sign in again.
  if (session.token && upstream.status === 401) session.destroy();
  return new Response(body, {
    status: upstream.status,
    headers: { "content-type": upstream.headers.get("content-type") ?? "application/json" },
  });
}

function graphqlError(status: number, message: string, code: string): Response {
  return Response.json({ errors: [{ message, extensions: { code } }] }, { status });
}

export const GET = forward;
export const POST = forward;
