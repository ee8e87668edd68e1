import assert from "node:assert/strict";
import { test } from "node:test";
import { apiHealthUrl, apiUrl, apiWsUrl, DEFAULT_API_URL } from "../../src/lib/api-endpoint.ts";

test("the API URL defaults to the local API and derives the websocket and health URLs", () => {
  assert.equal(apiUrl({}), DEFAULT_API_URL);
  assert.equal(apiWsUrl({}), "ws://127.0.0.1:4000/graphql");
  assert.equal(apiHealthUrl({}), "http://127.0.0.1:4000/healthz");
  const env = { GEOR_API_URL: "https://geo.example.org/api/graphql" };
  assert.equal(apiWsUrl(env), "wss://geo.example.org/api/graphql");
  assert.equal(apiHealthUrl(env), "https://geo.example.org/healthz");
  assert.equal(apiWsUrl({ ...env, GEOR_API_WS_URL: "ws://other:9/ws" }), "ws://other:9/ws");
});

test("a malformed GEOR_API_URL is reported with its value", () => {
  assert.throws(() => apiUrl({ GEOR_API_URL: "not a url" }), /GEOR_API_URL is not a URL: "not a url"/);
  assert.throws(() => apiUrl({ GEOR_API_URL: "ftp://x/graphql" }), /must be http\(s\)/);
});
