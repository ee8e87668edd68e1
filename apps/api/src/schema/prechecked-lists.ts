/**
 * Long list variables of flat input types, checked in one pass instead of coerced by graphql-js.
 *
 * graphql-js coerces a list variable item by item: for each row a new object, a path entry and a
 * scalar call per field (~5 µs a row), and type-graphql then copies each row into an instance of
 * its input class (~1 µs). On addPredictions' 10,000-row calls that was a fifth of the API
 * thread's time, which bounds how fast a run's calls are stored.
 *
 * For the input types named here, a plugin checks such a variable's rows itself just before
 * execution, by the rules graphql-js applies to them (every key a field of the type; String
 * fields strings, Float finite numbers, Int integers in 32 bits, Boolean booleans; non-null
 * fields present and not null). A list that passes is taken out of the request's variables (an
 * empty list stands in for it, which coerces at once) and the resolver takes it back with
 * `takePrechecked`: the rows it gets are the JSON objects the client sent, which hold exactly
 * what coercion would have given. A list with any row the check does not pass is left as it was,
 * so graphql-js coerces it and its errors (which name the variable, the row and the field) are
 * unchanged.
 *
 * The rows are kept by the request's context object and the variable's name. Apollo Server gives
 * each HTTP request a context of its own unless batched requests are allowed (they are not:
 * `allowBatchedHttpRequests` is left off), so no other operation can take them. Operations over
 * WebSocket do not pass the plugin and are coerced as usual.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  GraphQLString,
  getNullableType,
  isNonNullType,
  Kind,
  type TypeNode,
} from "graphql";

type ValueTest = (v: unknown) => boolean;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const SCALAR_TESTS = new Map<unknown, ValueTest>([
  [GraphQLString, (v) => typeof v === "string"],
  [GraphQLFloat, (v) => typeof v === "number" && Number.isFinite(v)],
  [GraphQLInt, (v) => typeof v === "number" && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX],
  [GraphQLBoolean, (v) => typeof v === "boolean"],
]);

/** What a row of one input type must be: its fields' tests, and the fields that must be given. */
interface RowRules {
  fields: Map<string, { test: ValueTest; nonNull: boolean }>;
  required: string[];
}

function rowRules(schema: GraphQLSchema, typeName: string): RowRules {
  const type = schema.getType(typeName);
  if (!(type instanceof GraphQLInputObjectType)) throw new Error(`prechecked lists: ${typeName} is not an input type`);
  const rules: RowRules = { fields: new Map(), required: [] };
  for (const field of Object.values(type.getFields())) {
    const test = SCALAR_TESTS.get(getNullableType(field.type));
    // Coercion would change the row: ID turns numbers into strings, a default fills a field in.
    if (!test || field.defaultValue !== undefined)
      throw new Error(`prechecked lists: ${typeName}.${field.name} is not a built-in scalar without a default`);
    const nonNull = isNonNullType(field.type);
    rules.fields.set(field.name, { test, nonNull });
    if (nonNull) rules.required.push(field.name);
  }
  if (type.isOneOf) throw new Error(`prechecked lists: ${typeName} is @oneOf`);
  return rules;
}

/** Whether graphql-js would coerce the row to itself. */
function fits(row: unknown, rules: RowRules): boolean {
  if (typeof row !== "object" || row === null || Array.isArray(row)) return false;
  const r = row as Record<string, unknown>;
  for (const key in r) {
    if (!Object.hasOwn(r, key)) return false;
    const field = rules.fields.get(key);
    if (!field) return false;
    const v = r[key];
    if (v === null ? field.nonNull : !field.test(v)) return false;
  }
  for (const key of rules.required) if (!Object.hasOwn(r, key)) return false;
  return true;
}

/** The input type's name when the variable's type is a list of it, non-null: `[T!]` or `[T!]!`. */
function listOf(type: TypeNode): string | null {
  const list = type.kind === Kind.NON_NULL_TYPE ? type.type : type;
  if (list.kind !== Kind.LIST_TYPE || list.type.kind !== Kind.NON_NULL_TYPE) return null;
  return list.type.type.kind === Kind.NAMED_TYPE ? list.type.type.name.value : null;
}

/** Rows taken out of a request's variables, by its context and the variable's name. */
const taken = new WeakMap<object, Map<string, unknown[]>>();

/** The plugin that checks list variables of the input types named, and takes those that pass. */
export function precheckedLists<C extends object>(schema: GraphQLSchema, typeNames: string[]): ApolloServerPlugin<C> {
  const rulesOf = new Map(typeNames.map((name) => [name, rowRules(schema, name)]));
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, operation, contextValue }) {
          const variables = request.variables;
          if (!variables) return;
          let left = variables;
          for (const def of operation?.variableDefinitions ?? []) {
            const typeName = listOf(def.type);
            const rules = typeName === null ? undefined : rulesOf.get(typeName);
            const name = def.variable.name.value;
            const rows = variables[name];
            if (!rules || !Array.isArray(rows) || rows.length === 0 || !rows.every((row) => fits(row, rules))) continue;
            const mine = taken.get(contextValue) ?? new Map<string, unknown[]>();
            taken.set(contextValue, mine);
            mine.set(name, rows);
            left = { ...left, [name]: [] };
          }
          request.variables = left;
        },
      };
    },
  };
}

/**
 * The rows of a resolver's list argument: those the plugin took when the argument is a variable
 * whose rows it checked, else the coerced ones it was given.
 */
export function takePrechecked<T>(context: object, info: GraphQLResolveInfo, argument: string, coerced: T[]): T[] {
  const node = info.fieldNodes[0]?.arguments?.find((a) => a.name.value === argument);
  // What the plugin leaves in a list's place is an empty list.
  if (coerced.length > 0 || node?.value.kind !== Kind.VARIABLE) return coerced;
  return (taken.get(context)?.get(node.value.name.value) as T[] | undefined) ?? coerced;
}
