/** Writes apps/api/schema.graphql from the type-graphql classes (`npm run schema -w @geor/api`). */
import { writeFileSync } from "node:fs";
import { printSchemaFile, schemaFile } from "../src/schema/print.ts";

writeFileSync(schemaFile, await printSchemaFile());
console.log(`wrote ${schemaFile}`);
