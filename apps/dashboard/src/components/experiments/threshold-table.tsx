// The standard threshold table (acc@1/25/200/750/2500 km, median, GeoScore), optionally with
// a second column set and the deltas between them.
import { THRESHOLD_NAMES, THRESHOLDS_KM } from "@geor/geo/constants";
import { formatDelta, formatKm, formatKmDelta, formatPercent } from "@/lib/format";

export type ThresholdSummary = {
  n: number;
  medianKm?: number | null;
  meanKm?: number | null;
  geoScore?: number | null;
  thresholds: ReadonlyArray<{ km: number; accuracy: number }>;
};

/** The head of a one- or two-experiment table: the row label, then one value column or A, B and Δ. */
export function ComparisonHead({
  first,
  single,
  labels,
}: {
  first: string;
  /** The value column's name for one experiment. */
  single: string;
  /** A's and B's names when comparing, else null. */
  labels: readonly [string, string] | null;
}) {
  return (
    <thead>
      <tr>
        <th>{first}</th>
        <th className="num">{labels ? labels[0] : single}</th>
        {labels && <th className="num">{labels[1]}</th>}
        {labels && <th className="num">Δ</th>}
      </tr>
    </thead>
  );
}

/** B − A in percentage points, green where B is better (higher, unless lowerIsBetter). */
export function DeltaCell({ delta, lowerIsBetter = false }: { delta: number | null; lowerIsBetter?: boolean }) {
  const better = delta === null || delta === 0 ? null : delta > 0 !== lowerIsBetter;
  return (
    <td className="num" style={{ color: better === null ? undefined : better ? "var(--good)" : "var(--bad)" }}>
      {formatDelta(delta)}
    </td>
  );
}

function acc(s: ThresholdSummary | null | undefined, km: number): number | null {
  return s?.thresholds.find((a) => a.km === km)?.accuracy ?? null;
}

export function ThresholdTable({
  a,
  b,
  labels = ["value", "other"],
}: {
  a: ThresholdSummary | null | undefined;
  b?: ThresholdSummary | null;
  labels?: [string, string];
}) {
  const compare = b !== undefined;
  return (
    <table data-testid="threshold-table" style={{ width: "auto" }}>
      <ComparisonHead first="Threshold" single="accuracy" labels={compare ? labels : null} />
      <tbody>
        {THRESHOLDS_KM.map((km) => {
          const x = acc(a, km);
          const y = compare ? acc(b, km) : null;
          const d = x !== null && y !== null ? y - x : null;
          return (
            <tr key={km}>
              <td>
                {formatKm(km)} <span className="muted">({THRESHOLD_NAMES[km]})</span>
              </td>
              <td className="num">{formatPercent(x)}</td>
              {compare && <td className="num">{formatPercent(y)}</td>}
              {compare && <DeltaCell delta={d} />}
            </tr>
          );
        })}
        <tr>
          <td>median error</td>
          <td className="num">{formatKm(a?.medianKm)}</td>
          {compare && <td className="num">{formatKm(b?.medianKm)}</td>}
          {compare && (
            <td className="num">
              {formatKmDelta(a?.medianKm != null && b?.medianKm != null ? b.medianKm - a.medianKm : null)}
            </td>
          )}
        </tr>
        <tr>
          <td>predictions</td>
          <td className="num">{a?.n ?? "–"}</td>
          {compare && <td className="num">{b?.n ?? "–"}</td>}
          {compare && <td />}
        </tr>
      </tbody>
    </table>
  );
}
