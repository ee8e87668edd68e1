// One prediction's chains as the prediction page and the explorer show them: its marks, the raw
// answer of an external run, and the chain table (true · stated · the coordinate's or the model's).
import type { PredictionChainsFieldsFragment } from "@/gql/graphql";
import { chainRows } from "@/lib/prediction-chains";
import { AnswerMarks } from "./answer-marks";
import { ChainTable } from "./chain-table";

function consequence(p: PredictionChainsFieldsFragment): string | null {
  if (!p.parsed)
    return "No readable coordinate: a miss at every level, counted as 20,015 km, with no point on the map.";
  if (p.consistent === false)
    return `The coordinate lies outside the stated country (${p.statedChain?.country?.name ?? "?"}).`;
  return null;
}

export function PredictionChains({ prediction: p }: { prediction: PredictionChainsFieldsFragment }) {
  const { rows, stated } = chainRows(p);
  const note = consequence(p);
  return (
    <div data-testid="prediction-chains">
      {note && (
        <p className="muted" data-testid="answer-note">
          <AnswerMarks parsed={p.parsed} consistent={p.consistent} /> {note}
        </p>
      )}
      {p.answer !== null && (
        <>
          <div className="muted" style={{ fontSize: 12 }}>
            Raw answer ({p.answer.length.toLocaleString("en-US")} characters)
          </div>
          <pre className="raw-answer" data-testid="raw-answer">
            {p.answer}
          </pre>
        </>
      )}
      <ChainTable rows={rows} stated={stated} predictedLabel={stated ? "Coordinate's chain" : "Predicted"} />
    </div>
  );
}
