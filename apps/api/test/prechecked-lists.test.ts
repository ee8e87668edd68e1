import assert from "node:assert/strict";
import { test } from "node:test";
import { ApolloServer } from "@apollo/server";
import {
  buildSchema,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  getVariableValues,
  type OperationDefinitionNode,
  parse,
} from "graphql";
import { geoSchema } from "../src/schema/index.ts";
import { precheckedLists, takePrechecked } from "../src/schema/prechecked-lists.ts";

const typeDefs = `
  input Row { id: String!, x: Float, n: Int, on: Boolean, note: String }
  type Got { count: Int!, taken: Boolean!, first: String }
  type Query { ok: Boolean }
  type Mutation { put(rows: [Row!], other: [Row!]): Got! }
`;

/** What the resolver saw: how many rows, and whether they are the very rows the client sent. */
function server(sent: { rows?: unknown[] }) {
  const schema = buildSchema(typeDefs);
  (schema.getMutationType() as GraphQLObjectType).getFields().put.resolve = (
    _: unknown,
    args: { rows?: unknown[] | null },
    ctx: object,
    info: GraphQLResolveInfo,
  ) => {
    const rows = args.rows ? takePrechecked(ctx, info, "rows", args.rows) : [];
    return { count: rows.length, taken: rows === sent.rows, first: JSON.stringify(rows[0] ?? null) };
  };
  return { schema, apollo: new ApolloServer({ schema, plugins: [precheckedLists(schema, ["Row"])] }) };
}

async function put(rows: unknown, query = "mutation($r: [Row!]) { put(rows: $r) { count taken first } }") {
  const sent = { rows: rows as unknown[] };
  const { apollo } = server(sent);
  const res = await apollo.executeOperation({ query, variables: { r: rows } }, { contextValue: {} });
  assert.equal(res.body.kind, "single");
  // As a client reads it (graphql-js builds the data with null prototypes).
  const json = JSON.parse(JSON.stringify((res.body as { singleResult: unknown }).singleResult));
  return json as { data?: { put: Got }; errors?: Array<{ message: string }> };
}

interface Got {
  count: number;
  taken: boolean;
  first: string;
}

function gotOf(result: { data?: { put: Got } }): Got {
  assert.ok(result.data, JSON.stringify(result));
  return result.data.put;
}

// Each row: whether graphql-js coerces it, unchanged, as a Row.
const ROWS: unknown[] = [
  { id: "a" },
  { id: "a", x: 1.5, n: 3, on: true, note: "é" },
  { id: "a", x: null, n: null, on: null, note: null },
  { id: "a", x: 7 },
  { id: "a", x: -0 },
  { id: "" },
  { id: "a", n: 2147483647 },
  { id: "a", n: -2147483648 },
  { id: "a", n: 2147483648 },
  { id: "a", n: 1.5 },
  { id: "a", x: "1.5" },
  { id: "a", on: 1 },
  { id: "a", note: 3 },
  { id: 3 },
  { id: null },
  { x: 1 },
  {},
  { id: "a", extra: 1 },
  { id: "a", __proto__: { x: 1 } },
  JSON.parse('{"id": "a", "__proto__": 1}'),
  null,
  "a",
  ["a"],
  { id: "a", x: [1] },
  { id: "a", x: { v: 1 } },
];

test("prechecked lists: a list is taken exactly when graphql-js would coerce every row to itself", async () => {
  const { schema } = server({});
  const doc = parse("mutation($r: [Row!]) { put(rows: $r) { count } }");
  const defs = (doc.definitions[0] as OperationDefinitionNode).variableDefinitions ?? [];
  let taken = 0;
  for (const [i, row] of ROWS.entries()) {
    const list = [{ id: "first" }, row];
    const coerced = getVariableValues(schema, defs, { r: list });
    const graphqlTakes =
      coerced.coerced !== undefined && JSON.stringify((coerced.coerced.r as unknown[])[1]) === JSON.stringify(row);
    const got = await put(list);
    if (graphqlTakes) {
      assert.deepEqual(got.errors, undefined, `row ${i}`);
      assert.equal(gotOf(got).count, 2, `row ${i}`);
      // Rows graphql-js keeps as they are are taken as sent; an object with an inherited key is not.
      const own = row !== null && typeof row === "object" && Object.getPrototypeOf(row) === Object.prototype;
      assert.equal(gotOf(got).taken, own, `row ${i}: ${JSON.stringify(row)}`);
      if (own) taken++;
    } else {
      assert.equal(got.data?.put.taken ?? false, false, `row ${i}`);
      if (coerced.errors !== undefined) {
        // Refused: the error is graphql-js's own, naming the variable and the row.
        assert.ok(got.errors?.length, `row ${i} should be refused`);
        assert.equal(got.errors?.[0].message, coerced.errors[0].message, `row ${i}`);
        assert.match(got.errors?.[0].message ?? "", /\$r/);
      }
    }
  }
  // The check is not trivially false: most well-formed rows take the fast way.
  assert.ok(taken >= 6, `taken ${taken}`);
});

test("prechecked lists: two variables, a non-null list, an inline list and an empty one", async () => {
  const rows = [{ id: "a", x: 1 }, { id: "b" }];
  const both = "mutation($r: [Row!]!, $o: [Row!]) { put(rows: $r, other: $o) { count taken first } }";
  const got = await put(rows, both);
  assert.deepEqual(got.data?.put, { count: 2, taken: true, first: '{"id":"a","x":1}' });
  const inline = await put(rows, 'mutation { put(rows: [{id: "z", x: 2}]) { count taken first } }');
  assert.deepEqual(inline.data?.put, { count: 1, taken: false, first: '{"id":"z","x":2}' });
  const empty = await put([]);
  assert.deepEqual(empty.data?.put, { count: 0, taken: false, first: "null" });
  // A list variable of another type, or a single row coerced to a list of one, is left alone.
  const single = await put({ id: "s" });
  assert.deepEqual(single.data?.put, { count: 1, taken: false, first: '{"id":"s"}' });
});

test("prechecked lists: refuses input types it cannot check without changing the rows", async () => {
  const schema = buildSchema(
    `input D { a: String = "x" } input I { a: ID } input N { a: [String] } type Query { ok: Boolean }`,
  );
  for (const t of ["D", "I", "N", "Query", "Nope"])
    assert.throws(() => precheckedLists(schema, [t]), /prechecked lists/);
  // The API's own type passes.
  precheckedLists(await geoSchema(), ["PredictionInput"]);
});
