import assert from "node:assert/strict";
import { test } from "node:test";
import { sameOrigin } from "../../src/lib/csrf.ts";

const request = (headers: Record<string, string>) =>
  new Request("http://127.0.0.1:3000/api/graphql", { method: "POST", headers });

test("a request from the dashboard's own pages passes", () => {
  assert.equal(sameOrigin(request({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" })), true);
  assert.equal(
    sameOrigin(
      request({ host: "lab.example.org", "x-forwarded-host": "lab.example.org", origin: "https://lab.example.org" }),
    ),
    true,
  );
  assert.equal(sameOrigin(request({ host: "127.0.0.1:3000", "sec-fetch-site": "same-origin" })), true);
});

test("a request from another site is refused, whatever else it says", () => {
  assert.equal(sameOrigin(request({ host: "127.0.0.1:3000", origin: "https://evil.example" })), false);
  assert.equal(sameOrigin(request({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3001" })), false);
  assert.equal(sameOrigin(request({ host: "127.0.0.1:3000", "sec-fetch-site": "cross-site" })), false);
  assert.equal(
    sameOrigin(request({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", "sec-fetch-site": "cross-site" })),
    false,
  );
  assert.equal(sameOrigin(request({ host: "127.0.0.1:3000", origin: "null" })), false);
  assert.equal(sameOrigin(request({ host: "127.0.0.1:3000" })), false, "no origin and no fetch metadata");
});
