"use client";

export function SignOutButton() {
  return (
    <button
      type="button"
      data-testid="sign-out"
      onClick={async () => {
        await fetch("/api/session", { method: "DELETE" });
        window.location.assign("/experiments");
      }}
    >
      Sign out
    </button>
  );
}
