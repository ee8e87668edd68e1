// The true chain beside the predicted chain, level by level, with each predicted level's
// probability and whether it is right.
import { formatPercent } from "@/lib/format";

export type ChainRow = {
  level: string;
  truth: string | null;
  predicted: string | null;
  probability?: number | null;
  hit?: boolean | null;
};

export function ChainTable({ rows }: { rows: readonly ChainRow[] }) {
  return (
    <table data-testid="chain-table" style={{ width: "auto" }}>
      <thead>
        <tr>
          <th>Level</th>
          <th>True</th>
          <th>Predicted</th>
          <th className="num">p</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.level}>
            <td className="muted">{r.level}</td>
            <td>{r.truth ?? "–"}</td>
            <td className={r.hit === true ? "hit" : r.hit === false ? "miss" : undefined}>
              <span style={{ color: r.hit === true ? "var(--good)" : r.hit === false ? "var(--bad)" : undefined }}>
                {r.predicted ?? "–"}
                {r.hit === true ? " ✓" : r.hit === false ? " ✗" : ""}
              </span>
            </td>
            <td className="num">{r.probability === undefined ? "" : formatPercent(r.probability)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
