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

/** Keys of a zod object schema, looking through a transform's input side. */
function knownKeys(schema: unknown): Set<string> | null {
  const s = schema as { shape?: Record<string, unknown>; in?: { shape?: Record<string, unknown> } };
  const shape = s.shape ?? s.in?.shape;
  return shape ? new Set(Object.keys(shape)) : null;
}

/**
 * The fields of `section` that `schema` does not have. Core's schemas drop unknown keys, so a
 * typo ("batchsize") would otherwise be a silent default.
 */
export function unknownKeys(
  section: Record<string, unknown>,
  schema: unknown,
  prefix: string,
): Array<{ field: string; message: string }> {
  const known = knownKeys(schema);
  if (!known) return [];
  return Object.keys(section)
    .filter((k) => !known.has(k))
    .map((k) => ({ field: `${prefix}.${k}`, message: `unknown field (known: ${[...known].join(", ")})` }));
}

/** Throws "invalid config: model.haed: unknown field (known: …)" when `section` has a field `schema` lacks. */
export function assertKnownKeys(section: Record<string, unknown>, schema: unknown, prefix: string): void {
  const issues = unknownKeys(section, schema, prefix);
  if (issues.length > 0) throw new Error(`invalid config: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
}
