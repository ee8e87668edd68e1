/** File paths from clients: confined to configured roots, after resolving `..` and symlinks. */
import { existsSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { GraphQLError } from "graphql";

function reject(field: string, message: string): never {
  throw new GraphQLError(`${field}: ${message}`, { extensions: { code: "BAD_USER_INPUT", field } });
}

/**
 * Resolves `given` (absolute, or relative to the first root) and returns its real path if it
 * lies inside one of `roots` (compared as real paths, so a symlink cannot lead out).
 */
export function confinePath(given: string, roots: string[], field: string, kind: "file" | "directory"): string {
  if (given.length === 0 || given.length > 4096) reject(field, "must be a non-empty path");
  if (given.includes("\0")) reject(field, "must not contain NUL bytes");
  if (given.split(/[\\/]/).includes("..")) reject(field, `"${given}" must not contain ".." segments`);
  const candidate = path.isAbsolute(given) ? path.resolve(given) : path.resolve(roots[0] ?? "/nonexistent", given);
  if (!existsSync(candidate)) reject(field, `"${given}" does not exist`);
  const real = realpathSync(candidate);
  const inside = roots.some((root) => {
    if (!existsSync(root)) return false;
    const r = realpathSync(root);
    return real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep);
  });
  if (!inside) reject(field, `"${given}" is outside the import roots (${roots.join(", ")})`);
  const st = statSync(real);
  if (kind === "file" && !st.isFile()) reject(field, `"${given}" is not a file`);
  if (kind === "directory" && !st.isDirectory()) reject(field, `"${given}" is not a directory`);
  return real;
}
