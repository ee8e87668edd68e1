// The one-time sign-in link `npm start` prints (like a notebook server's token URL): the code is
// redeemed with the API for a session, kept in the cookie, and the browser goes to the dashboard.
import { NextResponse } from "next/server";
import { apiRequest } from "@/lib/api-server";
import { getSession, type Role } from "@/lib/session";

export const dynamic = "force-dynamic";

type Redeemed = { redeemSignInCode: { token: string; expiresAt: string; user: { name: string; role: Role } } };

export async function GET(request: Request): Promise<Response> {
  const code = new URL(request.url).searchParams.get("code") ?? "";
  // A relative Location: the browser stays on the host it used (the server may call itself otherwise).
  const back = (path: string) => new NextResponse(null, { status: 303, headers: { location: path } });
  try {
    const r = await apiRequest<Redeemed>(
      "mutation($c: String!) { redeemSignInCode(code: $c) { token expiresAt user { name role } } }",
      { c: code },
    );
    const s = await getSession();
    Object.assign(s, {
      token: r.redeemSignInCode.token,
      name: r.redeemSignInCode.user.name,
      role: r.redeemSignInCode.user.role,
      expiresAt: r.redeemSignInCode.expiresAt,
    });
    await s.save();
    return back("/experiments");
  } catch (err) {
    return back(`/sign-in?error=${encodeURIComponent((err as Error).message)}`);
  }
}
