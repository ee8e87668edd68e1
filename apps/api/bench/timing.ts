/** Latency of a GraphQL query over HTTP, as the API benchmarks measure it. */

export const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

export interface Latency {
  p50Ms: number;
  p95Ms: number;
  runs: number;
}

export function latencyOf(ms: number[]): Latency {
  return { p50Ms: +percentile(ms, 0.5).toFixed(2), p95Ms: +percentile(ms, 0.95).toFixed(2), runs: ms.length };
}

/** One POST of a query; throws on a GraphQL error. Returns the time and the body's size. */
export async function postQuery(url: string, query: string, variables: Record<string, unknown>) {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  const body = JSON.parse(text) as { errors?: unknown; data?: Record<string, unknown> };
  if (body.errors) throw new Error(`bench query failed: ${JSON.stringify(body.errors)}`);
  return { ms, bytes: Buffer.byteLength(text), data: body.data as Record<string, unknown> };
}

/** p50/p95 of `repeats` runs after 3 warm-ups; run i gets variables(i) (negative for warm-ups). */
export async function timeQuery(
  url: string,
  query: string,
  variables: (i: number) => Record<string, unknown>,
  repeats: number,
): Promise<Latency> {
  const ms: number[] = [];
  for (let i = -3; i < repeats; i++) {
    const r = await postQuery(url, query, variables(i));
    if (i >= 0) ms.push(r.ms);
  }
  return latencyOf(ms);
}
