import { redirect } from "next/navigation";
import { SignOutButton } from "@/components/session/sign-out-button";
import { ApiTokens } from "@/components/settings/api-tokens";
import { People } from "@/components/settings/people";
import { signedIn } from "@/lib/session";

export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const me = await signedIn();
  if (!me) redirect("/sign-in?next=/settings");
  return (
    <div className="settings">
      <h1>Settings</h1>
      <p>
        Signed in as <strong data-testid="settings-name">{me.name}</strong> ({me.role.toLowerCase()}). <SignOutButton />
      </p>
      <ApiTokens />
      {me.role === "ADMIN" ? <People /> : null}
    </div>
  );
}
