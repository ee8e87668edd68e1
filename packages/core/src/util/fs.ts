import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";

/**
 * Moves a fully written temporary directory to `dir`, replacing what was there: the old
 * directory is set aside, the new one renamed in, then the old one removed. A reader sees the
 * old or the new content, never a half-written mix.
 */
export function replaceDirectory(tmp: string, dir: string): void {
  if (existsSync(dir)) {
    const old = `${dir}.old-${process.pid}`;
    renameSync(dir, old);
    renameSync(tmp, dir);
    rmSync(old, { recursive: true, force: true });
  } else {
    mkdirSync(path.dirname(dir), { recursive: true });
    renameSync(tmp, dir);
  }
}
