// The marks of an answer the scorer could not use as given: unreadable (no coordinate, a miss at
// every level) and inconsistent (its coordinate lies outside the country it states).

export function AnswerMarks({ parsed, consistent }: { parsed: boolean; consistent: boolean | null }) {
  return (
    <>
      {!parsed && (
        <span
          className="answer-mark unreadable"
          data-testid="mark-unreadable"
          title="No readable coordinate in the answer: a miss at every level, counted as 20,015 km, no point on the map"
        >
          unreadable
        </span>
      )}
      {consistent === false && (
        <span
          className="answer-mark inconsistent"
          data-testid="mark-inconsistent"
          title="The coordinate lies outside the country the answer states"
        >
          inconsistent
        </span>
      )}
    </>
  );
}
