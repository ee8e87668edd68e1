// The mark of a run trained elsewhere (an external run): nothing for a built-in one, which is the
// usual case and needs no mark.
import type { ExperimentKind } from "@/gql/graphql";

export function KindBadge({ kind }: { kind: ExperimentKind }) {
  if (kind !== "EXTERNAL") return null;
  return (
    <span
      className="kind-badge"
      data-testid="kind-badge"
      title="Trained elsewhere: its client logged metrics and predictions through the API"
    >
      external
    </span>
  );
}
