"use client";
// Your personal tokens (an admin sees everyone's): create one — its secret is shown here once —
// and revoke any, effective from the API's next request.
import { type FormEvent, useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "@/gql";
import { useHydrated } from "@/lib/use-hydrated";
import { describeError } from "../states";

const TokensQuery = graphql(`
  query ApiTokens {
    apiTokens {
      id
      name
      createdAt
      lastUsedAt
      revoked
      user {
        name
      }
    }
  }
`);

const CreateTokenMutation = graphql(`
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      token
      apiToken {
        id
        name
      }
    }
  }
`);

const RevokeTokenMutation = graphql(`
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id) {
      id
      revoked
    }
  }
`);

export function ApiTokens() {
  const [{ data, error }, refetch] = useQuery({ query: TokensQuery, requestPolicy: "network-only" });
  const [created, create] = useMutation(CreateTokenMutation);
  const hydrated = useHydrated();
  const [, revoke] = useMutation(RevokeTokenMutation);
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get("name") ?? "");
    const r = await create({ input: { name } });
    if (r.data) {
      setShown({ name: r.data.createApiToken.apiToken.name, token: r.data.createApiToken.token });
      form.reset();
      refetch({ requestPolicy: "network-only" });
    }
  }

  return (
    <section className="panel">
      <h2>API tokens</h2>
      <p className="muted">
        For scripts, notebooks and CI: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as its owner,
        with their role.
      </p>
      <form className="row" onSubmit={submit}>
        <label>
          New token for
          <input name="name" placeholder="laptop, CI, notebook…" required maxLength={100} data-testid="token-name" />
        </label>
        <button type="submit" className="primary" disabled={!hydrated || created.fetching}>
          Create token
        </button>
      </form>
      {created.error ? <p className="error-text">{describeError(created.error)}</p> : null}
      {shown ? (
        <div className="token-once" data-testid="token-once">
          <p>
            Your token <strong>{shown.name}</strong> — copy it now: it is shown once and never again.
          </p>
          <code data-testid="token-secret">{shown.token}</code>
          <div className="row">
            <button type="button" onClick={() => navigator.clipboard?.writeText(shown.token)}>
              Copy
            </button>
            <button type="button" onClick={() => setShown(null)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
      {error ? <p className="error-text">{describeError(error)}</p> : null}
      <table className="table" data-testid="token-table">
        <thead>
          <tr>
            <th>name</th>
            <th>owner</th>
            <th>created</th>
            <th>last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(data?.apiTokens ?? []).map((t) => (
            <tr key={t.id} className={t.revoked ? "muted" : undefined}>
              <td>{t.name}</td>
              <td>{t.user.name}</td>
              <td>{t.createdAt.slice(0, 16).replace("T", " ")}</td>
              <td>{t.lastUsedAt ? t.lastUsedAt.slice(0, 16).replace("T", " ") : "never"}</td>
              <td>
                {t.revoked ? (
                  "revoked"
                ) : (
                  <button
                    type="button"
                    className="danger"
                    onClick={async () => {
                      await revoke({ id: t.id });
                      refetch({ requestPolicy: "network-only" });
                    }}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
