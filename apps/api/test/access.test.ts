/**
 * Team access on both databases: every mutation against every kind of caller (a table: anonymous,
 * viewer, the editor who owns the thing, another editor, an admin), ownership, revocation taking
 * effect on the next request, secrets stored only as hashes, the sign-in throttle and the audit
 * log. Every response of the suite is checked for stack traces by the gql helper.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { MUTATION_RULES } from "../src/access.ts";
import { geoSchema } from "../src/schema/index.ts";
import { DATASET, TINY_DATASET_INPUT } from "./api-fixtures.ts";
import { DIALECTS, gql, ok, startApi, type TestApi, TINY_CONFIG, TOKEN } from "./helpers.ts";

type Who = "anonymous" | "viewer" | "owner" | "editor" | "admin";
const WHO: Who[] = ["anonymous", "viewer", "owner", "editor", "admin"];
const PASSWORD = "a long enough password";

/** What each caller gets from a mutation: allowed (any answer but a refusal) or the refusal's code. */
type Expect = Record<Who, "ok" | "UNAUTHENTICATED" | "FORBIDDEN">;
const OPEN: Expect = { anonymous: "ok", viewer: "ok", owner: "ok", editor: "ok", admin: "ok" };
const SIGNED_IN: Expect = { ...OPEN, anonymous: "UNAUTHENTICATED" };
const EDITORS: Expect = { ...SIGNED_IN, viewer: "FORBIDDEN" };
const OWNERS: Expect = { ...EDITORS, editor: "FORBIDDEN" };
const ADMINS: Expect = { ...OWNERS, owner: "FORBIDDEN" };

for (const dialect of DIALECTS) {
  describe(`team access on ${dialect}`, () => {
    let api: TestApi;
    const tokens = {} as Record<Exclude<Who, "anonymous">, string>;
    let n = 0;
    const unique = (s: string) => `${s}-${++n}`;
    const as = (who: Who, query: string, variables: Record<string, unknown> = {}) =>
      gql(api, query, variables, who === "anonymous" ? null : tokens[who]);
    const asAdmin = <T>(query: string, variables: Record<string, unknown> = {}) => ok<T>(api, query, variables);
    /** An external run the owner created: a fresh one per call, so a test may end or delete it. */
    const ownersRun = async () =>
      (
        await as(
          "owner",
          `mutation($n: String!) { startExternalExperiment(input: { name: $n, dataset: "${DATASET}" }) { id } }`,
          { n: unique("run") },
        )
      ).data?.startExternalExperiment as { id: string };

    before(async () => {
      api = await startApi(dialect, {}, { pgWorker: false });
      tokens.admin = TOKEN;
      for (const [who, role] of [
        ["viewer", "VIEWER"],
        ["owner", "EDITOR"],
        ["editor", "EDITOR"],
      ] as const) {
        await asAdmin(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
          i: { name: who, role, password: PASSWORD },
        });
        const t = await asAdmin<{ createApiToken: { token: string } }>(
          `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`,
          { i: { name: "tests", user: who } },
        );
        tokens[who] = t.createApiToken.token;
      }
      const built = await as("owner", "mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }", {
        i: TINY_DATASET_INPUT,
      });
      assert.equal(built.errors, undefined, JSON.stringify(built.errors));
    });
    after(async () => {
      await api?.stop();
    });

    /** Each mutation: how each caller fares, and a call (fresh arguments per caller). */
    const TABLE: Record<
      string,
      { expect: Expect; call: (who: Who) => Promise<{ errors?: Array<{ extensions?: Record<string, unknown> }> }> }
    > = {
      signIn: {
        expect: OPEN,
        call: (w) => as(w, `mutation { signIn(name: "viewer", password: "${PASSWORD}") { token } }`),
      },
      redeemSignInCode: {
        expect: OPEN,
        call: (w) => as(w, `mutation { redeemSignInCode(code: "${"x".repeat(43)}") { token } }`),
      },
      signOut: { expect: SIGNED_IN, call: (w) => as(w, "mutation { signOut }") },
      predict: {
        expect: SIGNED_IN,
        call: async (w) =>
          as(w, `mutation($id: ID!) { predict(experimentId: $id, imageBase64: "AAAA") { imageType } }`, {
            id: (await ownersRun()).id,
          }),
      },
      buildDataset: {
        expect: EDITORS,
        call: (w) =>
          as(w, "mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }", {
            i: { name: unique("ds"), limit: 10, seed: 1, options: { minPerCell: 2, maxPerCell: 10 } },
          }),
      },
      importDataset: {
        expect: EDITORS,
        call: (w) =>
          as(
            w,
            `mutation { importDataset(input: { name: "${unique("imp")}", format: "folder", images: "no-such-dir" }) { imported } }`,
          ),
      },
      createExperiment: {
        expect: EDITORS,
        call: async (w) => {
          const r = await as(
            w,
            `mutation($c: JSON) { createExperiment(input: { name: "x", dataset: "${DATASET}", config: $c }) { id } }`,
            {
              c: { ...TINY_CONFIG, train: { ...TINY_CONFIG.train, epochs: 500 } },
            },
          );
          const id = (r.data?.createExperiment as { id: string } | undefined)?.id;
          if (id) await asAdmin(`mutation($id: ID!) { cancelExperiment(id: $id) { id } }`, { id });
          return r;
        },
      },
      startExternalExperiment: {
        expect: EDITORS,
        call: (w) => as(w, `mutation { startExternalExperiment(input: { name: "x", dataset: "${DATASET}" }) { id } }`),
      },
      cancelExperiment: {
        expect: OWNERS,
        call: async (w) =>
          as(w, `mutation($id: ID!) { cancelExperiment(id: $id) { status } }`, { id: (await ownersRun()).id }),
      },
      deleteExperiment: {
        expect: OWNERS,
        call: async (w) => {
          const { id } = await ownersRun();
          await asAdmin(`mutation($id: ID!) { finishExperiment(id: $id) { id } }`, { id });
          return as(w, `mutation($id: ID!) { deleteExperiment(id: $id) }`, { id });
        },
      },
      tagExperiment: {
        expect: OWNERS,
        call: async (w) =>
          as(w, `mutation($id: ID!) { tagExperiment(id: $id, add: ["t"]) { id } }`, { id: (await ownersRun()).id }),
      },
      logMetrics: {
        expect: OWNERS,
        call: async (w) =>
          as(w, `mutation($id: ID!) { logMetrics(experimentId: $id, points: [{ name: "loss", step: 1, value: 1 }]) }`, {
            id: (await ownersRun()).id,
          }),
      },
      addPredictions: {
        expect: OWNERS,
        call: async (w) =>
          as(
            w,
            `mutation($id: ID!) { addPredictions(experimentId: $id, predictions: [{ sampleId: "nope", lat: 1, lon: 1 }]) { added } }`,
            {
              id: (await ownersRun()).id,
            },
          ),
      },
      finishExperiment: {
        expect: OWNERS,
        call: async (w) =>
          as(w, `mutation($id: ID!) { finishExperiment(id: $id) { status } }`, { id: (await ownersRun()).id }),
      },
      createUser: {
        expect: ADMINS,
        call: (w) =>
          as(w, `mutation($n: String!) { createUser(input: { name: $n, role: VIEWER }) { id } }`, { n: unique("u") }),
      },
      setUserRole: {
        expect: ADMINS,
        call: (w) => as(w, `mutation { setUserRole(name: "viewer", role: VIEWER) { id } }`),
      },
      createApiToken: {
        expect: SIGNED_IN,
        call: (w) => as(w, `mutation { createApiToken(input: { name: "mine" }) { apiToken { id } } }`),
      },
      revokeApiToken: {
        expect: OWNERS,
        call: async (w) => {
          const t = await asAdmin<{ createApiToken: { apiToken: { id: string } } }>(
            `mutation { createApiToken(input: { name: "to revoke", user: "owner" }) { apiToken { id } } }`,
          );
          return as(w, `mutation($id: ID!) { revokeApiToken(id: $id) { revoked } }`, {
            id: t.createApiToken.apiToken.id,
          });
        },
      },
    };

    test("every mutation of the schema has an access rule and a row in this table", async () => {
      const mutations = Object.keys((await geoSchema()).getMutationType()?.getFields() ?? {}).sort();
      assert.deepEqual(Object.keys(MUTATION_RULES).sort(), mutations);
      assert.deepEqual(Object.keys(TABLE).sort(), mutations);
    });

    test("every mutation against every caller", async () => {
      const seen: string[] = [];
      for (const [mutation, { expect, call }] of Object.entries(TABLE)) {
        for (const who of WHO) {
          const r = await call(who);
          const code = r.errors?.[0]?.extensions?.code;
          const got = code === "UNAUTHENTICATED" || code === "FORBIDDEN" ? code : "ok";
          // signIn / redeemSignInCode answer UNAUTHENTICATED for a wrong code whoever asks: not a refusal of the caller.
          const want = mutation === "redeemSignInCode" ? "UNAUTHENTICATED" : expect[who];
          if (got !== want) seen.push(`${mutation} as ${who}: ${got} (${code ?? "no error"}), want ${want}`);
        }
      }
      assert.deepEqual(seen, []);
    });

    test("an editor changes only their own things; an admin changes anyone's", async () => {
      const { id } = await ownersRun();
      const tag = `mutation($id: ID!) { tagExperiment(id: $id, add: ["x"]) { tags } }`;
      const other = await as("editor", tag, { id });
      assert.equal(other.errors?.[0]?.extensions?.code, "FORBIDDEN");
      assert.match(
        other.errors?.[0]?.message ?? "",
        /^editor may tagExperiment only on experiments they created; this one is owner's/,
      );
      const d = await ok<{ experiment: { tags: string[]; createdBy: string } }>(
        api,
        `query($id: ID!) { experiment(id: $id) { tags createdBy } }`,
        { id },
      );
      assert.deepEqual(d.experiment, { tags: [], createdBy: "owner" }, "the refused mutation changed nothing");
      assert.equal((await as("admin", tag, { id })).errors, undefined);
      const ds = await ok<{ dataset: { createdBy: string } }>(api, `{ dataset(name: "${DATASET}") { createdBy } }`);
      assert.equal(ds.dataset.createdBy, "owner");
      const overwrite = await as("editor", "mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }", {
        i: { ...TINY_DATASET_INPUT, overwrite: true },
      });
      assert.equal(overwrite.errors?.[0]?.extensions?.code, "FORBIDDEN");
    });

    test("a revoked token is refused from the next request on; the user's other tokens still work", async () => {
      const made = await as(
        "viewer",
        `mutation { createApiToken(input: { name: "short-lived" }) { token apiToken { id } } }`,
      );
      const { token, apiToken } = (made.data as { createApiToken: { token: string; apiToken: { id: string } } })
        .createApiToken;
      const me = await gql(api, "{ me { name role } }", {}, token);
      assert.deepEqual(me.data, { me: { name: "viewer", role: "VIEWER" } });
      await as("viewer", `mutation($id: ID!) { revokeApiToken(id: $id) { revoked } }`, { id: apiToken.id });
      const after = await gql(api, "{ me { name } }", {}, token);
      assert.equal(after.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
      assert.match(after.errors?.[0]?.message ?? "", /^the token was revoked/);
      assert.equal((await as("viewer", "{ me { name } }")).errors, undefined);
      // A role change also counts from the next request.
      await asAdmin(`mutation { setUserRole(name: "viewer", role: EDITOR) { id } }`);
      const role = await as("viewer", "{ me { role } }");
      assert.deepEqual(role.data, { me: { role: "EDITOR" } });
      await asAdmin(`mutation { setUserRole(name: "viewer", role: VIEWER) { id } }`);
    });

    test("signing in gives a session that signing out ends; forged tokens get nothing", async () => {
      const s = await gql<{ signIn: { token: string; user: { name: string } } }>(
        api,
        `mutation { signIn(name: "owner", password: "${PASSWORD}") { token user { name } } }`,
      );
      const session = s.data?.signIn.token as string;
      assert.equal(s.data?.signIn.user.name, "owner");
      assert.deepEqual((await gql(api, "{ me { name } }", {}, session)).data, { me: { name: "owner" } });
      assert.equal((await gql(api, "mutation { signOut }", {}, session)).data?.signOut, true);
      assert.equal((await gql(api, "{ me { name } }", {}, session)).errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
      const [, id, secret] = (tokens.owner as string).split("_");
      for (const forged of [
        `geor_${id}_${"A".repeat(43)}`,
        `geor_${"B".repeat(12)}_${secret}`,
        (tokens.owner as string).slice(0, -1),
        `${TOKEN}x`,
        "Bearer",
      ]) {
        const r = await gql(api, "{ me { name } }", {}, forged);
        assert.equal(r.errors?.[0]?.extensions?.code, "UNAUTHENTICATED", forged);
      }
    });

    test("ten failed sign-ins in 15 minutes lock the name, even against the right password", async () => {
      await asAdmin(`mutation { createUser(input: { name: "locked", role: VIEWER, password: "${PASSWORD}" }) { id } }`);
      for (let i = 0; i < 10; i++) {
        const r = await gql(api, `mutation { signIn(name: "locked", password: "wrong password ${i}") { token } }`);
        assert.equal(r.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
        assert.equal(r.errors?.[0]?.message, "wrong name or password");
      }
      const right = await gql(api, `mutation { signIn(name: "locked", password: "${PASSWORD}") { token } }`);
      assert.equal(right.errors?.[0]?.extensions?.code, "RATE_LIMITED");
      assert.match(
        right.errors?.[0]?.message ?? "",
        /too many failed sign-ins for "locked" .* try again in 1[45] minute/,
      );
      const unknown = await gql(api, `mutation { signIn(name: "nobody", password: "x") { token } }`);
      assert.equal(unknown.errors?.[0]?.message, "wrong name or password", "an unknown name gets the same answer");
    });

    test("the audit log records who did what on what; only admins read it", async () => {
      const log = await asAdmin<{ auditLog: Array<{ user: string; action: string; target: string | null }> }>(
        "{ auditLog(first: 1000) { user action target } }",
      );
      const has = (user: string, action: string, target?: string) =>
        log.auditLog.some(
          (e) => e.user === user && e.action === action && (target === undefined || e.target === target),
        );
      assert.ok(has("admin", "createUser", "viewer"));
      assert.ok(has("owner", "buildDataset", DATASET));
      assert.ok(has("owner", "signIn", "owner"));
      assert.ok(
        !log.auditLog.some((e) => e.action === "tagExperiment" && e.user === "editor"),
        "refused mutations are not audited",
      );
      assert.equal((await as("editor", "{ auditLog { action } }")).errors?.[0]?.extensions?.code, "FORBIDDEN");
      assert.equal((await as("editor", "{ users { name } }")).errors?.[0]?.extensions?.code, "FORBIDDEN");
    });

    if (dialect === "sqlite")
      test("the database holds no token or password, only their hashes", async () => {
        const secrets = [...Object.values(tokens).filter((t) => t !== TOKEN), PASSWORD];
        const dir = path.dirname(path.join(api.config.home, "geor.db"));
        const files = readdirSync(dir).filter((f) => f.startsWith("geor.db"));
        assert.ok(files.length > 0, "found the database files");
        for (const f of files) {
          const bytes = readFileSync(path.join(dir, f));
          for (const s of secrets) {
            assert.equal(bytes.includes(s), false, `${f} holds a secret`);
            // The secret part of a token alone, too (after "geor_<12-character id>_"; the secret is
            // base64url and may itself hold "_", so splitting on "_" could test a fragment of it).
            const part = s.startsWith("geor_") ? s.slice("geor_".length + 13) : s;
            assert.equal(bytes.includes(part), false, `${f} holds a token's secret part`);
          }
        }
      });
  });
}
