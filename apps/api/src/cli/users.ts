/**
 * People and tokens for operators without the dashboard, on the API's own database (DATABASE_URL,
 * else $GEOR_HOME/geor.db):
 *
 *   npm run users -w @geor/api -- list
 *   npm run users -w @geor/api -- add alice --role editor [--password-stdin]
 *   npm run users -w @geor/api -- role alice viewer
 *   npm run users -w @geor/api -- password alice            (reads the new password from stdin)
 *   npm run users -w @geor/api -- token alice [--name laptop]   (prints the token once)
 *   npm run users -w @geor/api -- revoke <token id>
 *   npm run users -w @geor/api -- link admin --dashboard http://127.0.0.1:3000   (a one-time sign-in link)
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { BOOTSTRAP_USER, type Caller } from "../auth/caller.ts";
import { resolveServerKey } from "../auth/secrets.ts";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/connect.ts";
import { PeopleService } from "../services/people.ts";
import { ROLES, type Role, Store } from "../store/index.ts";

const USAGE = `usage: users <list | add NAME --role ROLE [--password-stdin] | role NAME ROLE | password NAME
             | token NAME [--name LABEL] | revoke TOKEN_ID | link NAME --dashboard URL>`;

class UsageError extends Error {}

function roleOf(value: string | undefined): Role {
  const role = value?.toUpperCase();
  if (!role || !(ROLES as readonly string[]).includes(role))
    throw new UsageError(
      `the role must be one of ${ROLES.map((r) => r.toLowerCase()).join(", ")}, got "${value ?? ""}"`,
    );
  return role as Role;
}

async function readLine(prompt: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(prompt);
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new UsageError("expected a password on stdin");
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: "string" },
      name: { type: "string" },
      dashboard: { type: "string" },
      "password-stdin": { type: "boolean" },
    },
  });
  const [command, arg, arg2] = positionals;
  if (!command) throw new UsageError(USAGE);
  const config = loadConfig();
  const store = new Store(await openDatabase(config));
  const people = new PeopleService(store, resolveServerKey(config));
  try {
    await store.people.ensureUser(BOOTSTRAP_USER, "ADMIN");
    const need = (v: string | undefined, what: string) => {
      if (!v) throw new UsageError(`${command} needs ${what}\n${USAGE}`);
      return v;
    };
    if (command === "list") {
      for (const u of await people.users()) console.log(`${u.name}\t${u.role.toLowerCase()}\t${u.created_at}`);
      const admin = (await store.people.userByName(BOOTSTRAP_USER)) as NonNullable<
        Awaited<ReturnType<typeof store.people.userByName>>
      >;
      const caller: Caller = { userId: admin.id, name: admin.name, role: "ADMIN", tokenId: null, via: "BOOTSTRAP" };
      for (const t of await people.tokens(caller)) {
        const owner = await store.people.userById(t.user_id);
        console.log(
          `token ${t.id}\t${owner?.name}\t${t.name}\t${t.revoked_at ? "revoked" : `last used ${t.last_used_at ?? "never"}`}`,
        );
      }
    } else if (command === "add") {
      const password = values["password-stdin"] ? await readLine("password: ") : null;
      const u = await people.createUser({ name: need(arg, "a NAME"), role: roleOf(values.role), password });
      console.log(`added ${u.name} (${u.role.toLowerCase()})${password ? ", who can sign in to the dashboard" : ""}`);
    } else if (command === "role") {
      const u = await people.setRole(need(arg, "a NAME"), roleOf(arg2));
      console.log(`${u.name} is now ${u.role.toLowerCase()}`);
    } else if (command === "password") {
      const name = need(arg, "a NAME");
      await people.setPassword(name, await readLine(`new password for ${name}: `));
      console.log(`set the password of ${name}`);
    } else if (command === "token") {
      const user = await store.people.userByName(need(arg, "a NAME"));
      if (!user) throw new UsageError(`no user named "${arg}"`);
      const caller: Caller = {
        userId: user.id,
        name: user.name,
        role: user.role as Role,
        tokenId: null,
        via: "BOOTSTRAP",
      };
      const { token, row } = await people.createToken(caller, { name: values.name ?? "command line" });
      console.log(`token ${row.id} for ${user.name} (shown once; store it now):\n${token}`);
    } else if (command === "revoke") {
      const t = await people.revokeToken(need(arg, "a TOKEN_ID"));
      console.log(`revoked token ${t.id} (${t.name})`);
    } else if (command === "link") {
      const dashboard = need(values.dashboard, "--dashboard URL").replace(/\/+$/, "");
      const code = await people.createSignInCode(need(arg, "a NAME"));
      console.log(`${dashboard}/sign-in/link?code=${code}`);
    } else throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  } finally {
    await store.close();
  }
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  // A user's mistake in one line; anything else with its stack (an operator's tool).
  const e = err as Error;
  console.error(e instanceof UsageError || e.name === "GraphQLError" ? e.message : (e.stack ?? String(e)));
  process.exitCode = 1;
}
