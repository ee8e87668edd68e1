import { ZodError } from "zod";

/**
 * One readable line per problem of a zod validation error, naming the field:
 * "size: Invalid option: expected one of "small"|"medium"|"large"".
 */
export function formatValidationError(err: ZodError, what = "config"): string {
  const lines = err.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : what}: ${i.message}`);
  return `invalid ${what}: ${lines.join("; ")}`;
}

/** The message to show a user for any thrown value. */
export function userMessage(err: unknown): string {
  if (err instanceof ZodError) return formatValidationError(err);
  if (err instanceof Error) return err.message;
  return String(err);
}
