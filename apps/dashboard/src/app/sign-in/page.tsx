import { redirect } from "next/navigation";
import { SignInForm } from "@/components/session/sign-in-form";
import { signedIn } from "@/lib/session";

export const dynamic = "force-dynamic";

/** Only paths of this dashboard are followed after signing in. */
function localPath(p: string | undefined): string {
  return p?.startsWith("/") && !p.startsWith("//") ? p : "/experiments";
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; error?: string }>;
}) {
  const { next, error } = await searchParams;
  if (await signedIn()) redirect(localPath(next));
  return (
    <div>
      <h1>Sign in</h1>
      <p className="muted">
        Ask an admin for an account, or run{" "}
        <code>npm run users -w @geor/api -- add NAME --role editor --password-stdin</code> on the API&apos;s machine.
        Scripts use personal tokens instead (Settings).
      </p>
      <SignInForm next={localPath(next)} error={error ?? null} />
    </div>
  );
}
