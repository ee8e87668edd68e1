// Signing in and out: POST { name, password } asks the API for a session and keeps its token in
// the sealed cookie; DELETE ends the API session and clears the cookie; GET says who is signed in.

import { ApiError, apiRequest } from "@/lib/api-server";
import { sameOrigin } from "@/lib/csrf";
import { getSession, type Role } from "@/lib/session";

export const dynamic = "force-dynamic";

type SignInResult = { signIn: { token: string; expiresAt: string; user: { name: string; role: Role } } };

export async function GET(): Promise<Response> {
  const s = await getSession();
  return Response.json(s.token ? { name: s.name, role: s.role, expiresAt: s.expiresAt } : null);
}

export async function POST(request: Request): Promise<Response> {
  if (!sameOrigin(request)) return Response.json({ error: "cross-site request refused" }, { status: 403 });
  let name: unknown;
  let password: unknown;
  try {
    ({ name, password } = (await request.json()) as { name?: unknown; password?: unknown });
  } catch {
    return Response.json({ error: "send JSON: { name, password }" }, { status: 400 });
  }
  if (typeof name !== "string" || typeof password !== "string" || name === "" || password === "")
    return Response.json({ error: "enter your name and password" }, { status: 400 });
  try {
    const r = await apiRequest<SignInResult>(
      "mutation($n: String!, $p: String!) { signIn(name: $n, password: $p) { token expiresAt user { name role } } }",
      { n: name, p: password },
    );
    const s = await getSession();
    Object.assign(s, {
      token: r.signIn.token,
      name: r.signIn.user.name,
      role: r.signIn.user.role,
      expiresAt: r.signIn.expiresAt,
    });
    await s.save();
    return Response.json({ name: s.name, role: s.role });
  } catch (err) {
    const status = err instanceof ApiError && err.code === "RATE_LIMITED" ? 429 : err instanceof ApiError ? 401 : 502;
    return Response.json({ error: (err as Error).message }, { status });
  }
}

export async function DELETE(request: Request): Promise<Response> {
  if (!sameOrigin(request)) return Response.json({ error: "cross-site request refused" }, { status: 403 });
  const s = await getSession();
  if (s.token) {
    // Ends the session on the API too, so a copied cookie is worth nothing afterwards.
    await apiRequest("mutation { signOut }", {}, s.token).catch(() => {});
  }
  s.destroy();
  return Response.json({ signedOut: true });
}
