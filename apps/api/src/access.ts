/**
 * What each role may do: one table of mutation → rule, checked in one place (a middleware on every
 * root field) before the resolver runs, and every successful mutation written to the audit log
 * after it. A mutation without a row here is refused for everyone (a test checks every mutation of
 * the schema has one), so a new mutation cannot forget its rights.
 *
 * Roles: VIEWER reads (and predicts on an image); EDITOR also creates datasets, experiments and
 * external runs, and cancels, tags, deletes and fills its own; ADMIN may do everything, on anyone's
 * things, and manages people and tokens.
 */
import { GraphQLError } from "graphql";
import type { MiddlewareFn } from "type-graphql";
import type { Caller } from "./auth/caller.ts";
import type { Context, Services } from "./schema/context.ts";
import type { Role } from "./store/index.ts";

type Args = Record<string, unknown>;

/** Who owns the thing a mutation acts on (a user name), or null when it has no owner. */
type OwnerOf = (args: Args, services: Services) => Promise<string | null | undefined>;

export type Rule =
  | { kind: "public" }
  | { kind: "signedIn" }
  | { kind: "role"; role: Role }
  /** The role, and the thing is the caller's own (admins act on anyone's). */
  | { kind: "own"; role: Role; what: string; owner: OwnerOf }
  /** The role, and a further check that returns why not, or null. */
  | { kind: "custom"; role: Role; check: (caller: Caller, args: Args, services: Services) => Promise<string | null> };

const RANK: Record<Role, number> = { VIEWER: 1, EDITOR: 2, ADMIN: 3 };

const experimentOwner =
  (key: string): OwnerOf =>
  async (args, s) =>
    (await s.store.experiments.get(String(args[key])))?.created_by;

/** Rebuilding or re-importing over a dataset is for its creator (or an admin). */
const datasetOverwrite = async (caller: Caller, args: Args, s: Services): Promise<string | null> => {
  const input = args.input as { name?: string; overwrite?: boolean } | undefined;
  if (!input?.overwrite || !input.name || caller.role === "ADMIN") return null;
  const owner = await s.store.datasetOwners.of(input.name);
  return owner !== null && owner !== caller.name
    ? `${caller.name} may overwrite only datasets they created; "${input.name}" is ${owner}'s`
    : null;
};

export const MUTATION_RULES: Record<string, Rule> = {
  signIn: { kind: "public" },
  redeemSignInCode: { kind: "public" },
  signOut: { kind: "signedIn" },
  predict: { kind: "role", role: "VIEWER" },
  buildDataset: { kind: "custom", role: "EDITOR", check: datasetOverwrite },
  importDataset: { kind: "custom", role: "EDITOR", check: datasetOverwrite },
  createExperiment: { kind: "role", role: "EDITOR" },
  startExternalExperiment: { kind: "role", role: "EDITOR" },
  cancelExperiment: { kind: "own", role: "EDITOR", what: "experiments", owner: experimentOwner("id") },
  deleteExperiment: { kind: "own", role: "EDITOR", what: "experiments", owner: experimentOwner("id") },
  tagExperiment: { kind: "own", role: "EDITOR", what: "experiments", owner: experimentOwner("id") },
  logMetrics: { kind: "own", role: "EDITOR", what: "runs", owner: experimentOwner("experimentId") },
  addPredictions: { kind: "own", role: "EDITOR", what: "runs", owner: experimentOwner("experimentId") },
  finishExperiment: { kind: "own", role: "EDITOR", what: "runs", owner: experimentOwner("id") },
  createUser: { kind: "role", role: "ADMIN" },
  setUserRole: { kind: "role", role: "ADMIN" },
  createApiToken: {
    kind: "custom",
    role: "VIEWER",
    check: async (caller, args) => {
      const user = (args.input as { user?: string | null } | undefined)?.user;
      return user != null && user !== caller.name && caller.role !== "ADMIN"
        ? `only admins create tokens for someone else (${user})`
        : null;
    },
  },
  revokeApiToken: {
    kind: "own",
    role: "VIEWER",
    what: "tokens",
    owner: async (args, s) => {
      const token = await s.store.people.tokenById(String(args.id));
      return token ? (await s.store.people.userById(token.user_id))?.name : undefined;
    },
  },
};

/** Queries that are not open to every reader. */
export const QUERY_RULES: Record<string, Rule> = {
  users: { kind: "role", role: "ADMIN" },
  auditLog: { kind: "role", role: "ADMIN" },
  apiTokens: { kind: "signedIn" },
};

function denied(message: string, code: "UNAUTHENTICATED" | "FORBIDDEN"): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** Throws UNAUTHENTICATED or FORBIDDEN when the caller may not run `field` with these args. */
export async function checkAccess(field: string, rule: Rule | undefined, ctx: Context, args: Args): Promise<void> {
  if (rule === undefined) throw denied(`${field} has no access rule, so no one may run it`, "FORBIDDEN");
  if (rule.kind === "public") return;
  const caller = ctx.caller;
  if (caller === null)
    throw denied(
      `${field} needs a signed-in person or an API token: send "Authorization: Bearer <token>" (a personal token, or the bootstrap token GEOR_API_TOKEN / $GEOR_HOME/api-token)`,
      "UNAUTHENTICATED",
    );
  if (rule.kind === "signedIn") return;
  if (RANK[caller.role] < RANK[rule.role])
    throw denied(`${field} needs the ${rule.role} role; ${caller.name} is a ${caller.role}`, "FORBIDDEN");
  if (rule.kind === "own" && caller.role !== "ADMIN") {
    const owner = await rule.owner(args, ctx.services);
    // Not found: the resolver answers NOT_FOUND. Found: it must be the caller's.
    if (owner !== undefined && owner !== caller.name)
      throw denied(
        `${caller.name} may ${field} only on ${rule.what} they created; this one is ${owner === null ? "nobody's (made before people existed)" : `${owner}'s`}`,
        "FORBIDDEN",
      );
  }
  if (rule.kind === "custom") {
    const why = await rule.check(caller, args, ctx.services);
    if (why !== null) throw denied(why, "FORBIDDEN");
  }
}

/** What a mutation acted on, for the audit log. */
function targetOf(args: Args): string | null {
  const input = args.input as { name?: unknown } | undefined;
  const t = args.id ?? args.experimentId ?? input?.name ?? args.name ?? null;
  return t === null ? null : String(t);
}

/** The middleware on every field: root fields are checked; mutations that succeed are audited. */
export const accessControl: MiddlewareFn<Context> = async ({ context, info, args }, next) => {
  const parent = info.parentType.name;
  if (parent !== "Mutation" && parent !== "Query") return next();
  const field = info.fieldName;
  const rules = parent === "Mutation" ? MUTATION_RULES : QUERY_RULES;
  if (parent === "Mutation" || field in rules) await checkAccess(field, rules[field], context, args);
  const result = await next();
  if (parent === "Mutation") {
    // A sign-in has no caller yet: the person it signed in.
    const who = context.caller?.name ?? (result as { user?: { name?: string } } | null)?.user?.name ?? "(anonymous)";
    await context.services.store.audit.record(who, field, targetOf(args));
  }
  return result;
};
