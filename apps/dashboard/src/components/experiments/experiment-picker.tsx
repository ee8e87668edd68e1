"use client";
// A select of experiments, used by the map, compare, explorer and predict pages. External runs are
// marked in their option; predict lists only built-in runs, the only ones with a model here.
import { useQuery } from "urql";
import { graphql } from "@/gql";

const ExperimentChoicesQuery = graphql(`
  query ExperimentChoices {
    experiments(first: 100) {
      edges {
        node {
          id
          name
          status
          dataset
          kind
        }
      }
    }
  }
`);

export function ExperimentPicker({
  value,
  onChange,
  label = "Experiment",
  onlyFinished = false,
  onlyBuiltin = false,
  testId,
}: {
  value: string | null;
  onChange: (id: string | null) => void;
  label?: string;
  onlyFinished?: boolean;
  /** Leave out external runs (trained elsewhere: no model to run). */
  onlyBuiltin?: boolean;
  testId?: string;
}) {
  const [{ data, fetching, error }] = useQuery({ query: ExperimentChoicesQuery });
  const experiments = (data?.experiments.edges ?? [])
    .map((e) => e.node)
    .filter((e) => (!onlyFinished || e.status === "SUCCEEDED") && (!onlyBuiltin || e.kind === "BUILTIN"));
  return (
    <label>
      {label}
      <select
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value || null)}
        data-testid={testId ?? "experiment-picker"}
        disabled={fetching && !data}
      >
        <option value="">{error ? "(API unavailable)" : fetching && !data ? "loading…" : "— choose —"}</option>
        {experiments.map((e) => (
          <option key={e.id} value={e.id}>
            {e.name} · {e.dataset} · {e.status.toLowerCase()}
            {e.kind === "EXTERNAL" ? " · external" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
