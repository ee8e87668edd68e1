// Reports whether the GraphQL API answers its health check; the API-down banner polls this.
import { apiHealthUrl, apiUrl } from "@/lib/api-endpoint";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  let url: string;
  let health: string;
  try {
    url = apiUrl();
    health = apiHealthUrl();
  } catch (error) {
    return Response.json({ ok: false, apiUrl: process.env.GEOR_API_URL, error: (error as Error).message });
  }
  try {
    const res = await fetch(health, { cache: "no-store", signal: AbortSignal.timeout(3000) });
    if (!res.ok) return Response.json({ ok: false, apiUrl: url, error: `health check answered HTTP ${res.status}` });
    return Response.json({ ok: true, apiUrl: url });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    return Response.json({ ok: false, apiUrl: url, error: cause });
  }
}
