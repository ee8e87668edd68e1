// The selected prediction in full, below the map: its marks, an external run's raw answer, and the
// true chain beside the stated chain and the chain of its coordinates (or a model's chain).
import Link from "next/link";
import type { PredictionChainsFieldsFragment } from "@/gql/graphql";
import { formatKm } from "@/lib/format";
import { PredictionChains } from "../prediction/prediction-chains";

export type SelectionDetail = PredictionChainsFieldsFragment & { id: string; sampleId: string };

export function ExplorerSelection({ detail }: { detail: SelectionDetail | undefined }) {
  if (!detail) return null;
  return (
    <div className="panel" data-testid="selection-panel" style={{ marginTop: 12 }}>
      <div className="row" style={{ justifyContent: "space-between", marginBottom: 6 }}>
        <strong>
          Prediction {detail.id}{" "}
          <span className="muted" style={{ fontWeight: 400 }}>
            · sample <code>{detail.sampleId}</code> · error {formatKm(detail.errorKm)}
          </span>
        </strong>
        <Link href={`/predictions/${encodeURIComponent(detail.id)}`}>open prediction</Link>
      </div>
      <PredictionChains prediction={detail} />
    </div>
  );
}
