import path from "node:path";
import { georHome } from "../data/store.ts";

/** A bare name resolves to $GEOR_HOME/runs/<name>; anything with a path separator is a path. */
export function resolveRunDir(nameOrPath: string): string {
  if (nameOrPath.includes("/") || nameOrPath.includes(path.sep) || nameOrPath.startsWith("."))
    return path.resolve(nameOrPath);
  return path.join(georHome(), "runs", nameOrPath);
}
