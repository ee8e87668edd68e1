"use client";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { useHydrated } from "@/lib/use-hydrated";

export function SignInForm({ next, error: initialError }: { next: string; error: string | null }) {
  const hydrated = useHydrated();
  const router = useRouter();
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await fetch("/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: form.get("name"), password: form.get("password") }),
    }).catch(() => null);
    setBusy(false);
    if (res?.ok) {
      // A full load, so the server components render for the signed-in person.
      window.location.assign(next);
      router.refresh();
      return;
    }
    const body = (await res?.json().catch(() => null)) as { error?: string } | null;
    setError(body?.error ?? "the dashboard could not be reached");
  }

  return (
    <form className="panel sign-in" onSubmit={submit} data-testid="sign-in-form">
      <label>
        Name
        <input name="name" autoComplete="username" required />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button type="submit" className="primary" disabled={!hydrated || busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
      {error ? (
        <p className="error-text" role="alert" data-testid="sign-in-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
