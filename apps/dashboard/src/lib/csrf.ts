// Cross-site request forgery: a request that changes something and rides on the session cookie
// must come from a page of the dashboard itself. Browsers send Origin on every POST/DELETE
// fetch and form; a request from another site carries that site's origin (or
// Sec-Fetch-Site: cross-site) and is refused.
export function sameOrigin(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = request.headers.get("origin");
  if (origin === null) return site === "same-origin";
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
