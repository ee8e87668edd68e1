import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";

/** Flushes a file or directory to the disk, so a rename that follows cannot outlive its content. */
export function fsyncPath(p: string): void {
  const fd = openSync(p, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Moves a fully written temporary directory to `dir`, replacing what was there: the old
 * directory is set aside, the new one renamed in, then the old one removed. A reader sees the
 * old or the new content, never a half-written mix; a process killed between the two renames
 * leaves the old directory set aside, which recoverDirectory puts back.
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

/**
 * Repairs what a killed replaceDirectory (or a killed writer of its temporary directory) left
 * behind: `dir` missing but set aside as `dir.old-<pid>` is renamed back, and every other
 * `dir.old-*` and `dir.tmp-*` (complete or not) is removed. Returns whether `dir` exists.
 */
export function recoverDirectory(dir: string): boolean {
  const parent = path.dirname(dir);
  if (!existsSync(parent)) return false;
  const base = path.basename(dir);
  const leftovers = readdirSync(parent).filter((n) => n.startsWith(`${base}.old-`) || n.startsWith(`${base}.tmp-`));
  const setAside = leftovers.find((n) => n.startsWith(`${base}.old-`));
  if (!existsSync(dir) && setAside) renameSync(path.join(parent, setAside), dir);
  for (const n of leftovers) rmSync(path.join(parent, n), { recursive: true, force: true });
  return existsSync(dir);
}
