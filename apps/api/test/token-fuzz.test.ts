/**
 * Fault drill: forged bearer tokens. Real tokens mutated one character at a time, their id kept
 * with a random secret and the reverse, truncated and extended ones, the bootstrap token altered,
 * random strings of token shape and junk headers — each sent as a read (`me`) and as a mutation
 * (`createApiToken`). Every one must be refused (UNAUTHENTICATED) and none may be taken for a
 * person: 0 accepted forgeries. SQLite: the check is the token lookup, not the database.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { recordFaultDrill } from "../../../scripts/fault-drills.ts";
import { gql, ok, startApi, type TestApi, TOKEN } from "./helpers.ts";

const SEED_TOKENS = 3;

function mutations(token: string, rand: () => number): string[] {
  const out: string[] = [];
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  for (let i = 5; i < token.length; i++) {
    // Every position but the prefix, changed to another character.
    const c = token[i] as string;
    let d = c;
    while (d === c) d = alphabet[Math.floor(rand() * alphabet.length)] as string;
    out.push(token.slice(0, i) + d + token.slice(i + 1));
  }
  const [, id, secret] = token.split("_");
  out.push(`geor_${id}_${randomBytes(32).toString("base64url")}`);
  out.push(`geor_${randomBytes(9).toString("base64url").replace(/[-_]/g, "a").slice(0, 12)}_${secret}`);
  out.push(token.slice(0, -1), `${token}A`, token.toUpperCase(), `${token} x`, token.replace("geor_", "GEOR_"));
  return out;
}

describe("fault drill: forged tokens", () => {
  let api: TestApi;
  const real: string[] = [];
  before(async () => {
    api = await startApi("sqlite", {}, { pgWorker: false });
    await ok(api, `mutation { createUser(input: { name: "target", role: ADMIN }) { id } }`);
    for (let i = 0; i < SEED_TOKENS; i++) {
      const t = await ok<{ createApiToken: { token: string } }>(
        api,
        `mutation { createApiToken(input: { name: "real ${i}", user: "target" }) { token } }`,
      );
      real.push(t.createApiToken.token);
    }
  });
  after(async () => {
    await api?.stop();
  });

  test("no forged token is taken for a person, on reads or on mutations", async () => {
    let seed = 0x5eed;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const forged = [
      ...real.flatMap((t) => mutations(t, rand)),
      ...mutations(TOKEN.padEnd(20, "x"), rand).slice(0, 20),
      `${TOKEN}x`,
      TOKEN.slice(1),
      ...Array.from(
        { length: 50 },
        () => `geor_${randomBytes(9).toString("hex").slice(0, 12)}_${randomBytes(32).toString("base64url")}`,
      ),
      ...Array.from({ length: 20 }, () => randomBytes(1 + Math.floor(rand() * 200)).toString("base64")),
      "geor__",
      "null",
      "undefined",
      // Header values a client can send (fetch refuses control characters and non-Latin-1 ones).
      "%00",
      "\u00e9".repeat(100),
      "x".repeat(100_000),
    ];
    let accepted = 0;
    const leaks: string[] = [];
    for (const token of forged) {
      for (const query of ["{ me { name } }", `mutation { createApiToken(input: { name: "forged" }) { token } }`]) {
        const res = await fetch(api.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ query }),
        });
        const text = await res.text();
        // Refused: UNAUTHENTICATED, or the HTTP server turning the request away (431: a header too large).
        const body = text
          ? (JSON.parse(text) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> })
          : null;
        const refused =
          body?.errors?.[0]?.extensions?.code === "UNAUTHENTICATED" || (res.status >= 400 && body?.data == null);
        if (!refused) {
          accepted++;
          leaks.push(`${token.slice(0, 60)} → ${res.status} ${text.slice(0, 200)}`);
        }
      }
    }
    // The real ones still work: the drill did not lock anyone out.
    for (const t of real) assert.deepEqual((await gql(api, "{ me { name } }", {}, t)).data, { me: { name: "target" } });
    const tokens = await ok<{ apiTokens: Array<{ name: string }> }>(api, "{ apiTokens { name } }");
    assert.equal(tokens.apiTokens.filter((t) => t.name === "forged").length, 0, "no forged call created a token");
    recordFaultDrill("token-forgery", {
      title: "Forged bearer tokens against a read and a mutation",
      method: `${forged.length} forgeries — every character of ${SEED_TOKENS} real tokens changed in turn, real ids with random secrets and the reverse, truncated, extended and re-cased tokens, the bootstrap token altered, random token-shaped and random strings, junk — each sent as \`{ me }\` and as \`createApiToken\`; a forgery counts as accepted unless refused UNAUTHENTICATED (or as a malformed request)`,
      command: "npm test -w @geor/api -- test/token-fuzz.test.ts",
      figures: { forgeries: forged.length, requests: forged.length * 2, accepted },
    });
    assert.deepEqual(leaks, []);
    assert.equal(accepted, 0);
  });
});
