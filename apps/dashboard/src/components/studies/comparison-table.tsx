// A study's paired comparison: for each arm against the control, one row per metric with the
// mean difference ± its std, t, p and the seeds in which the arm is ahead — and, above an arm's
// rows, which pairs were left out and why (as the API words it).
import type { StudyDetailQuery } from "@/gql/graphql";
import { formatMeanStd, formatP, formatT } from "@/lib/study";

export type Comparison = NonNullable<StudyDetailQuery["study"]>["comparisons"][number];

/** Whether the mean difference favours the arm, the control, or neither. */
function direction(c: Comparison): "better" | "worse" | "even" {
  if (c.meanDelta === 0) return "even";
  return c.meanDelta > 0 === c.higherIsBetter ? "better" : "worse";
}

export function ComparisonTable({
  arms,
  control,
  comparisons,
  selectedMetric,
  onSelectMetric,
}: {
  arms: readonly string[];
  control: string;
  comparisons: readonly Comparison[];
  selectedMetric: string;
  onSelectMetric: (metric: string) => void;
}) {
  const compared = arms.filter((a) => a !== control);
  return (
    <table data-testid="comparison-table">
      <thead>
        <tr>
          <th>Arm − {control} (control)</th>
          <th>Metric</th>
          <th className="num">Mean ± std of the differences</th>
          <th className="num">t</th>
          <th className="num">p</th>
          <th className="num">Ahead</th>
        </tr>
      </thead>
      {compared.map((arm) => {
        const rows = comparisons.filter((c) => c.arm === arm);
        const note = rows[0]?.note;
        return (
          <tbody key={arm} data-testid="comparison-arm">
            <tr>
              <th colSpan={6} style={{ textAlign: "left" }}>
                {arm}
                {rows.length > 0 && (
                  <span className="muted" style={{ fontWeight: "normal" }}>
                    {" "}
                    · {rows[0]!.n} paired seed{rows[0]!.n === 1 ? "" : "s"}
                  </span>
                )}
                {note && (
                  <div className="comparison-note" data-testid="comparison-note">
                    {note}
                  </div>
                )}
              </th>
            </tr>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  No pair yet: a seed is compared once both its {arm} and {control} runs have succeeded.
                </td>
              </tr>
            ) : (
              rows.map((c) => (
                <tr
                  key={c.metric}
                  data-testid="comparison-row"
                  className={c.metric === selectedMetric ? "selected-row" : undefined}
                >
                  <td />
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => onSelectMetric(c.metric)}
                      title="Plot this metric seed by seed"
                    >
                      {c.label}
                    </button>
                    <span className="muted" style={{ fontSize: 11 }}>
                      {" "}
                      {c.higherIsBetter ? "↑" : "↓"}
                    </span>
                  </td>
                  <td className={`num delta-${direction(c)}`}>
                    {formatMeanStd(c.meanDelta, c.stdDelta ?? null, c.unit)}
                  </td>
                  <td className="num">{formatT(c.t)}</td>
                  <td className="num">{formatP(c.p)}</td>
                  <td className="num">
                    {c.ahead} of {c.n}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        );
      })}
    </table>
  );
}
