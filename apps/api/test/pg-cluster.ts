/**
 * A throw-away PostgreSQL cluster for the tests: installs Debian's `postgresql` with apt when
 * its binaries are missing, runs initdb + pg_ctl as a non-root user in a temp directory that
 * user owns, listens on 127.0.0.1 on a free port, and is removed by stop().
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

export interface PgCluster {
  url: string;
  stop(): void;
}

function pgBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], "bin") : null;
}

function installPostgres(): void {
  console.log("PostgreSQL binaries not found: installing Debian's postgresql with apt-get");
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", "postgresql"]]) {
    const r = spawnSync("apt-get", args, {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (r.status !== 0)
      throw new Error(`apt-get ${args.join(" ")} failed (exit ${r.status}); install postgresql by hand`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startPgCluster(): Promise<PgCluster> {
  let bin = pgBinDir();
  if (!bin) {
    installPostgres();
    bin = pgBinDir();
    if (!bin) throw new Error("postgresql installed but no initdb under /usr/lib/postgresql/*/bin");
  }
  const isRoot = process.getuid?.() === 0;
  // initdb refuses to run as root: the package's `postgres` user owns the cluster then.
  const user = isRoot ? "postgres" : null;
  const dir = mkdtempSync(path.join(os.tmpdir(), "geor-pg-"));
  if (user) {
    const uid = Number(execFileSync("id", ["-u", user]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", user]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    const full = user ? ["runuser", ["-u", user, "--", cmd, ...args]] : [cmd, args];
    const r = spawnSync(full[0] as string, full[1] as string[], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${path.basename(cmd)} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  };
  const data = path.join(dir, "data");
  const port = await freePort();
  run(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  run(path.join(bin, "pg_ctl"), [
    "-D",
    data,
    "-l",
    path.join(dir, "server.log"),
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    "-w",
    "start",
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run(path.join(bin as string, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
