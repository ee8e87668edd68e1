import assert from "node:assert/strict";
import { test } from "node:test";
import { graphqlEndpoint, studyPage, submitStudy } from "./submit-study.ts";

test("--submit takes the API's base URL or its GraphQL endpoint", () => {
  assert.equal(graphqlEndpoint("http://127.0.0.1:4000"), "http://127.0.0.1:4000/graphql");
  assert.equal(graphqlEndpoint("http://127.0.0.1:4000/"), "http://127.0.0.1:4000/graphql");
  assert.equal(graphqlEndpoint("https://lab.example/api"), "https://lab.example/api/graphql");
  assert.equal(graphqlEndpoint("http://127.0.0.1:4000/graphql"), "http://127.0.0.1:4000/graphql");
  assert.throws(() => graphqlEndpoint("127.0.0.1:4000"), /--submit "127.0.0.1:4000" is not a URL/);
  assert.throws(() => graphqlEndpoint("not a url"), /--submit "not a url" is not a URL/);
  assert.throws(() => graphqlEndpoint("ftp://host/"), /an http\(s\) URL of the API/);
});

test("the study's dashboard page", () => {
  assert.equal(studyPage("http://127.0.0.1:3000/", "a b"), "http://127.0.0.1:3000/studies/a%20b");
});

test("no token: refused before anything is sent", async () => {
  const study = { name: "s", dataset: "d", arms: [], seeds: [0], control: "chain", budget: { sftSteps: 1 }, tags: [] };
  await assert.rejects(submitStudy(study, "http://127.0.0.1:9", undefined), /--submit needs GEOR_API_TOKEN/);
  await assert.rejects(submitStudy(study, "http://127.0.0.1:9", ""), /--submit needs GEOR_API_TOKEN/);
});
