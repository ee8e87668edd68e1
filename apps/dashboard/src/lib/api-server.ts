// GraphQL calls the dashboard's server makes itself (sign-in, sign-out), with a person's token.
import { apiUrl } from "./api-endpoint";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export async function apiRequest<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const res = await fetch(apiUrl(), {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    cache: "no-store",
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  const e = body.errors?.[0];
  if (e) throw new ApiError(e.message, e.extensions?.code);
  return body.data as T;
}
