// A minimal GraphQL client for the e2e setup and tests: they talk to the API directly, the way a
// script would, so a schema change the dashboard missed also fails here.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { E2E } from "./env.ts";

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(E2E.apiUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${E2E.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors.map((e) => e.message).join("; ")}`);
  if (!body.data) throw new Error(`GraphQL answered HTTP ${res.status} without data`);
  return body.data;
}

/** What global setup seeded, for the tests. */
export type Seed = { datasetName: string; experimentId: string; predictionId: string; worstCountry: string };

const seedFile = () => path.join(E2E.home, "e2e-seed.json");

export function writeSeed(seed: Seed): void {
  writeFileSync(seedFile(), JSON.stringify(seed));
}

export function readSeed(): Seed {
  return JSON.parse(readFileSync(seedFile(), "utf8")) as Seed;
}
