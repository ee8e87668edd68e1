import assert from "node:assert/strict";
import { test } from "node:test";
import { parse, validate } from "graphql";
import { depthLimit } from "../src/limits.ts";
import { geoSchema } from "../src/schema/index.ts";

const deep = `query { dataset(name: "x") { samples { edges { node { chain { country { name } } } } } } }`;

test("depthLimit counts nested selections, through fragments, and reports QUERY_TOO_DEEP", async () => {
  const schema = await geoSchema();
  assert.deepEqual(validate(schema, parse(deep), [depthLimit(7)]), []);
  const errors = validate(schema, parse(deep), [depthLimit(6)]);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].extensions.code, "QUERY_TOO_DEEP");
  assert.match(errors[0].message, /depth 7 exceeds the limit of 6/);
  const viaFragment = `fragment C on Sample { chain { country { name } } } query { dataset(name: "x") { samples { edges { node { ...C } } } } }`;
  assert.equal(validate(schema, parse(viaFragment), [depthLimit(6)]).length, 1);
});
