"use client";
// A banner that says plainly when the GraphQL API cannot be reached, instead of blank pages.
import { useEffect, useState } from "react";

type Health = { ok: boolean; apiUrl?: string; error?: string };

export function ApiStatusBanner() {
  const [health, setHealth] = useState<Health | null>(null);
  useEffect(() => {
    let alive = true;
    const check = async () => {
      try {
        const res = await fetch("/api/health", { cache: "no-store" });
        const body = (await res.json()) as Health;
        if (alive) setHealth(body);
      } catch (error) {
        if (alive) setHealth({ ok: false, error: `dashboard server unreachable: ${(error as Error).message}` });
      }
    };
    check();
    const timer = setInterval(check, 5000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);
  if (!health || health.ok) return null;
  return (
    <div className="banner error" role="alert" data-testid="api-down-banner">
      <strong>The Geo-R Lab API is not reachable</strong>
      {health.apiUrl ? ` at ${health.apiUrl}` : ""} ({health.error ?? "no answer"}). Data on this page is unavailable
      until it is back; start it with <code>npm run start -w @geor/api</code> or set <code>GEOR_API_URL</code>.
    </div>
  );
}
