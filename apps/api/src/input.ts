/**
 * The GraphQL errors a client's request gets (codes in docs/graphql.md) and the checks shared by
 * resolvers and services. No type-graphql here, so services can use them without the schema.
 */
import { GraphQLError } from "graphql";

export function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, { extensions: { code: "BAD_USER_INPUT", field } });
}

export function notFound(what: string, id: string): GraphQLError {
  return new GraphQLError(`${what} "${id}" not found`, { extensions: { code: "NOT_FOUND" } });
}

/** Validates a page size against the cap. */
export function pageSize(first: number | null | undefined, max: number, fallback = 20): number {
  const n = first ?? Math.min(fallback, max);
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput("first", `must be an integer in [1, ${max}], got ${n}`);
  return n;
}
