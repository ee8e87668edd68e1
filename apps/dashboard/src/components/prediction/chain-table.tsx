// The true chain beside the predicted chain, level by level, with whether each is right; with an
// answer, the chain it states in a column between them; with a model's probabilities, a p column.
// The rows come from lib/prediction-chains (a stored prediction) or the predict page.
import { formatPercent } from "@/lib/format";
import type { ChainRow, StatedCell } from "@/lib/prediction-chains";

export type { ChainRow };

/** A name with its right / wrong mark (no mark when hit is null or undefined). */
function Marked({ text, hit }: { text: string | null; hit?: boolean | null }) {
  const mark = hit === true ? "hit" : hit === false ? "miss" : undefined;
  return (
    <span className={mark}>
      {text ?? "–"}
      {hit === true ? " ✓" : hit === false ? " ✗" : ""}
    </span>
  );
}

function Stated({ cell }: { cell: StatedCell }) {
  if (cell.kind === "none") return <span className="muted">not stated</span>;
  if (cell.kind === "unresolved")
    return (
      <span className="miss" title="The answer names this, but no Chain-of-Region unit has that name">
        “{cell.name}” <span className="muted">(unresolved)</span> ✗
      </span>
    );
  return (
    <>
      <Marked text={cell.name} hit={cell.hit} />
      {cell.region && (
        <span className="muted" title="A Natural Earth region above admin-1">
          {" "}
          (region)
        </span>
      )}
    </>
  );
}

export function ChainTable({
  rows,
  stated = false,
  predictedLabel = "Predicted",
}: {
  rows: readonly ChainRow[];
  /** Show the Stated column (the prediction has an answer). */
  stated?: boolean;
  predictedLabel?: string;
}) {
  const probabilities = rows.some((r) => r.probability !== undefined);
  return (
    <table data-testid="chain-table" className="chain-table">
      <thead>
        <tr>
          <th>Level</th>
          <th>True</th>
          {stated && <th>Stated</th>}
          <th>{predictedLabel}</th>
          {probabilities && <th className="num">p</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.level}>
            <td className="muted">{r.level}</td>
            <td>{r.truth ?? "–"}</td>
            {stated && <td data-testid="stated-cell">{r.stated ? <Stated cell={r.stated} /> : ""}</td>}
            <td>
              <Marked text={r.predicted} hit={r.hit} />
            </td>
            {probabilities && (
              <td className="num">{r.probability === undefined ? "" : formatPercent(r.probability)}</td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
