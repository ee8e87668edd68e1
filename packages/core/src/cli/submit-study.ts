/**
 * `geor ablate … --submit URL`: sends the ablation's design to a Geo-R API as a study
 * (`createStudy` over GraphQL) instead of training it here. Every failure is one line saying
 * what went wrong and where: no token, the API unreachable, the token or the design refused.
 */
import type { StudySubmission } from "../eval/ablation-study.ts";

export interface SubmittedStudy {
  id: string;
  name: string;
  arms: string[];
  seeds: number[];
  runs: number;
}

export class SubmitError extends Error {
  override name = "SubmitError";
}

const CREATE_STUDY = `mutation($input: CreateStudyInput!) {
  createStudy(input: $input) { id name arms seeds runCounts { total } }
}`;

/** The GraphQL endpoint of an API given as its base (`http://host:4000`) or its endpoint. */
export function graphqlEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SubmitError(`--submit ${JSON.stringify(url)} is not a URL (e.g. http://127.0.0.1:4000)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new SubmitError(`--submit ${url}: an http(s) URL of the API, e.g. http://127.0.0.1:4000`);
  return /\/graphql\/?$/.test(parsed.pathname)
    ? parsed.href
    : new URL("graphql", `${parsed.href.replace(/\/?$/, "/")}`).href;
}

/** The page of a study on the dashboard at `dashboardUrl`. */
export function studyPage(dashboardUrl: string, id: string): string {
  return `${dashboardUrl.replace(/\/+$/, "")}/studies/${encodeURIComponent(id)}`;
}

interface GraphQLReply {
  data?: { createStudy?: { id: string; name: string; arms: string[]; seeds: number[]; runCounts: { total: number } } };
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Creates the study on the API at `url` with `token`; throws SubmitError on any refusal. */
export async function submitStudy(
  study: StudySubmission,
  url: string,
  token: string | undefined,
): Promise<SubmittedStudy> {
  const endpoint = graphqlEndpoint(url);
  if (!token)
    throw new SubmitError("--submit needs GEOR_API_TOKEN: a personal token of an editor or admin (docs/team.md)");
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: CREATE_STUDY, variables: { input: study } }),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new SubmitError(
      `cannot reach the API at ${endpoint}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
    );
  }
  let reply: GraphQLReply;
  try {
    reply = (await res.json()) as GraphQLReply;
  } catch {
    throw new SubmitError(`the API at ${endpoint} answered HTTP ${res.status} without a GraphQL reply`);
  }
  const error = reply.errors?.[0];
  if (error) {
    const code = error.extensions?.code;
    const what =
      code === "UNAUTHENTICATED" || code === "FORBIDDEN"
        ? "refused GEOR_API_TOKEN"
        : code === "BAD_USER_INPUT" || code === "CONFLICT" || code === "NOT_FOUND"
          ? "refused the study"
          : "failed";
    throw new SubmitError(`the API at ${endpoint} ${what}: ${error.message}`);
  }
  const created = reply.data?.createStudy;
  if (!created) throw new SubmitError(`the API at ${endpoint} answered HTTP ${res.status} without the study`);
  return {
    id: created.id,
    name: created.name,
    arms: created.arms,
    seeds: created.seeds,
    runs: created.runCounts.total,
  };
}
