// Same-origin proxy for the API's dataset sprite sheets (sample thumbnails), so the browser
// loads them from the dashboard like everything else and a canvas may read their pixels.
import { apiUrl } from "@/lib/api-endpoint";

export const dynamic = "force-dynamic";

export async function GET(
  _request: Request,
  ctx: { params: Promise<{ name: string; file: string }> },
): Promise<Response> {
  const { name, file } = await ctx.params;
  let target: URL;
  try {
    target = new URL(`/files/datasets/${encodeURIComponent(name)}/sprites/${encodeURIComponent(file)}`, apiUrl());
  } catch (error) {
    return new Response((error as Error).message, { status: 500 });
  }
  let upstream: Response;
  try {
    upstream = await fetch(target, { cache: "no-store" });
  } catch (error) {
    return new Response(`The Geo-R Lab API is unreachable at ${target.origin} (${(error as Error).message}).`, {
      status: 502,
    });
  }
  return new Response(await upstream.arrayBuffer(), {
    status: upstream.status,
    headers: {
      "content-type": upstream.headers.get("content-type") ?? "application/octet-stream",
      "cache-control": upstream.headers.get("cache-control") ?? "no-store",
    },
  });
}
