"use client";
// People and their roles (admins): add someone, change a role.
import type { FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "@/gql";
import type { Role } from "@/gql/graphql";
import { useHydrated } from "@/lib/use-hydrated";
import { describeError } from "../states";

const ROLES: Role[] = ["VIEWER", "EDITOR", "ADMIN"];

const UsersQuery = graphql(`
  query Users {
    users {
      id
      name
      role
      createdAt
      hasPassword
    }
  }
`);

const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      id
      name
      role
    }
  }
`);

const SetRoleMutation = graphql(`
  mutation SetUserRole($name: String!, $role: Role!) {
    setUserRole(name: $name, role: $role) {
      id
      role
    }
  }
`);

export function People() {
  const [{ data, error }, refetch] = useQuery({ query: UsersQuery, requestPolicy: "network-only" });
  const [created, createUser] = useMutation(CreateUserMutation);
  const hydrated = useHydrated();
  const [changed, setRole] = useMutation(SetRoleMutation);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const password = String(f.get("password") ?? "");
    const r = await createUser({
      input: { name: String(f.get("name")), role: f.get("role") as Role, password: password || null },
    });
    if (r.data) {
      form.reset();
      refetch({ requestPolicy: "network-only" });
    }
  }

  return (
    <section className="panel">
      <h2>People</h2>
      <form className="row" onSubmit={submit} data-testid="add-person">
        <label>
          Name
          <input name="name" required maxLength={40} />
        </label>
        <label>
          Role
          <select name="role" defaultValue="VIEWER">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Password (for signing in here)
          <input name="password" type="password" minLength={10} autoComplete="new-password" />
        </label>
        <button type="submit" className="primary" disabled={!hydrated || created.fetching}>
          Add
        </button>
      </form>
      {created.error ? <p className="error-text">{describeError(created.error)}</p> : null}
      {changed.error ? <p className="error-text">{describeError(changed.error)}</p> : null}
      {error ? <p className="error-text">{describeError(error)}</p> : null}
      <table className="table" data-testid="people-table">
        <thead>
          <tr>
            <th>name</th>
            <th>role</th>
            <th>since</th>
            <th>sign-in</th>
          </tr>
        </thead>
        <tbody>
          {(data?.users ?? []).map((u) => (
            <tr key={u.id}>
              <td>{u.name}</td>
              <td>
                <select
                  aria-label={`role of ${u.name}`}
                  value={u.role}
                  onChange={async (e) => {
                    await setRole({ name: u.name, role: e.target.value as Role });
                    refetch({ requestPolicy: "network-only" });
                  }}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r.toLowerCase()}
                    </option>
                  ))}
                </select>
              </td>
              <td>{u.createdAt.slice(0, 10)}</td>
              <td>{u.hasPassword ? "password" : "tokens only"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
