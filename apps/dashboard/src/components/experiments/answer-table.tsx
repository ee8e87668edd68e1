// How an external run's answers read, beside the threshold table: answers with no readable
// coordinate (scored as misses at 20,015 km), the share whose stated chain is the truth's at each
// level (not stated counts as wrong), and the consistency of the coordinate with the stated country.
// With a second summary, B beside A and the difference. Nothing for runs without answers.
import { formatPercent } from "@/lib/format";
import { ComparisonHead, DeltaCell } from "./threshold-table";

export type AnswerSummary = {
  n: number;
  unparsed: number;
  statedLevels?: { country: number; admin1: number; city: number } | null;
  consistency?: number | null;
};

type Row = {
  label: string;
  title: string;
  value: (s: AnswerSummary) => number | null;
  /** What the cell shows; the share by default. */
  show?: (s: AnswerSummary) => string;
  lowerIsBetter?: boolean;
};

const share = (count: number, n: number) => (n > 0 ? count / n : null);

const UNREADABLE: Row = {
  label: "unreadable answers",
  title: "No readable coordinate: a miss everywhere, counted as 20,015 km",
  value: (s) => share(s.unparsed, s.n),
  show: (s) => `${s.unparsed.toLocaleString("en-US")} (${formatPercent(share(s.unparsed, s.n))})`,
  lowerIsBetter: true,
};
const STATED: Row[] = (["country", "admin1", "city"] as const).map((level) => ({
  label: `stated ${level === "admin1" ? "admin-1" : level}`,
  title: `Share of all predictions whose stated ${level === "admin1" ? "admin-1" : level} is the truth's (not stated: wrong)`,
  value: (s) => s.statedLevels?.[level] ?? null,
}));
const CONSISTENCY: Row = {
  label: "consistency",
  title: "Of the answers stating a country and giving a coordinate, the share whose coordinate lies in that country",
  value: (s) => s.consistency ?? null,
};

function hasAnswers(s: AnswerSummary | null | undefined): boolean {
  return Boolean(s && (s.unparsed > 0 || s.statedLevels || s.consistency != null));
}

export function AnswerTable({
  a,
  b,
  labels = ["value", "other"],
}: {
  a: AnswerSummary | null | undefined;
  b?: AnswerSummary | null;
  labels?: [string, string];
}) {
  const compare = b !== undefined;
  const both = [a, b].filter((s): s is AnswerSummary => Boolean(s));
  if (!both.some(hasAnswers)) return null;
  const rows = [
    UNREADABLE,
    ...(both.some((s) => s.statedLevels) ? STATED : []),
    ...(both.some((s) => s.consistency != null) ? [CONSISTENCY] : []),
  ];
  const cell = (row: Row, s: AnswerSummary | null | undefined) =>
    s ? (row.show ?? ((x: AnswerSummary) => formatPercent(row.value(x))))(s) : "–";
  return (
    <table data-testid="answer-table" style={{ width: "auto" }}>
      <ComparisonHead first="Answers" single="share" labels={compare ? labels : null} />
      <tbody>
        {rows.map((row) => {
          const x = a ? row.value(a) : null;
          const y = b ? row.value(b) : null;
          return (
            <tr key={row.label} title={row.title}>
              <td>{row.label}</td>
              <td className="num">{cell(row, a)}</td>
              {compare && <td className="num">{cell(row, b)}</td>}
              {compare && (
                <DeltaCell delta={x !== null && y !== null ? y - x : null} lowerIsBetter={row.lowerIsBetter} />
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
