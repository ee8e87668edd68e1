/**
 * Query depth and cost limits, checked before execution. Depth: a small validation rule over
 * the operation (fragments followed). Cost: graphql-query-complexity with each field's
 * complexity from the schema (list fields multiply by `first`), default 1.
 */
import { createRequire } from "node:module";
import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";

// graphql-query-complexity's ESM build imports graphql's .mjs files while everything else here
// loads graphql's CommonJS build, and graphql refuses types from "another realm": take its
// CommonJS build so there is one graphql.
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  "graphql-query-complexity",
) as typeof import("graphql-query-complexity");

export function depthLimit(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const depthOf = (set: SelectionSetNode, depth: number, seen: Set<string>): number => {
      let max = depth;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith("__")) continue;
          if (sel.selectionSet) max = Math.max(max, depthOf(sel.selectionSet, depth + 1, seen));
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          max = Math.max(max, depthOf(sel.selectionSet, depth, seen));
        } else {
          const f = fragments.get(sel.name.value);
          if (f && !seen.has(f.name.value))
            max = Math.max(max, depthOf(f.selectionSet, depth, new Set([...seen, f.name.value])));
        }
      }
      return max;
    };
    return {
      OperationDefinition(op: OperationDefinitionNode) {
        const depth = depthOf(op.selectionSet, 1, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`query depth ${depth} exceeds the limit of ${maxDepth}`, {
              nodes: [op],
              extensions: { code: "QUERY_TOO_DEEP" },
            }),
          );
        }
      },
    };
  };
}

/**
 * The variables as the cost estimators need them: a list variable cut to its first item. Costs
 * read scalar arguments only (`first`), never a list's length, and getComplexity coerces every
 * variable before it estimates: for addPredictions' 5,000 rows that coercion was ~5 µs a row on
 * top of the execution's own. The execution still coerces the whole list, so a bad item is
 * refused as before (BAD_USER_INPUT naming the variable and the item), only there.
 */
function costVariables(variables: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const [name, value] of Object.entries(variables)) {
    if (Array.isArray(value) && value.length > 1) {
      out ??= { ...variables };
      out[name] = value.slice(0, 1);
    }
  }
  return out ?? variables;
}

/** Throws a GraphQLError when the operation's estimated cost exceeds maxCost. */
export function checkCost(
  schema: GraphQLSchema,
  document: Parameters<typeof getComplexity>[0]["query"],
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined | null,
  maxCost: number,
): void {
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables: variables && costVariables(variables),
      operationName: operationName ?? undefined,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (err) {
    // getComplexity coerces the variables first and throws a plain Error when they do not fit
    // their types: the client's mistake, not the server's (it surfaced as a 500).
    throw new GraphQLError((err as Error).message, { extensions: { code: "BAD_USER_INPUT", http: { status: 400 } } });
  }
  if (cost > maxCost) {
    throw new GraphQLError(
      `query cost ${cost} exceeds the limit of ${maxCost}; ask for smaller pages or fewer fields`,
      {
        extensions: { code: "QUERY_TOO_COSTLY", cost, maxCost, http: { status: 400 } },
      },
    );
  }
}
