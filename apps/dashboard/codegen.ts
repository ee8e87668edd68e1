// GraphQL Code Generator: typed documents for every `graphql(...)` call in src/, generated from
// the API's checked-in schema. Run `npm run codegen -w @geor/dashboard` after a schema change;
// a test fails when src/gql is stale.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../api/schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    // GEOR_CODEGEN_OUT: the staleness test generates into a temporary directory and compares.
    [process.env.GEOR_CODEGEN_OUT ?? "src/gql/"]: {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: {
          DateTimeISO: "string",
          DateTime: "string",
          JSON: "unknown",
          JSONObject: "Record<string, unknown>",
          Upload: "File",
        },
      },
    },
  },
};

export default config;
