// Same-origin proxy for GraphQL queries and mutations: the browser never needs CORS, the API
// URL is read at request time, and the mutation token (GEOR_API_TOKEN) stays on the server.
import { apiUrl } from "@/lib/api-endpoint";
import { apiToken } from "@/lib/api-token";

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
  const token = await apiToken();
  if (token) headers.set("authorization", `Bearer ${token}`);
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
