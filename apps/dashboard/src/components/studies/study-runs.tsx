// A study's runs as a grid, seeds down and arms across: each cell links to its experiment and
// shows its status (and why it failed).
import Link from "next/link";
import type { StudyDetailQuery } from "@/gql/graphql";

type Run = NonNullable<StudyDetailQuery["study"]>["runs"][number];

export function StudyRuns({
  arms,
  seeds,
  runs,
}: {
  arms: readonly string[];
  seeds: readonly number[];
  runs: readonly Run[];
}) {
  return (
    <table data-testid="study-runs">
      <thead>
        <tr>
          <th className="num">Seed</th>
          {arms.map((a) => (
            <th key={a}>{a}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {seeds.map((seed) => (
          <tr key={seed}>
            <td className="num">{seed}</td>
            {arms.map((arm) => {
              const run = runs.find((r) => r.arm === arm && r.seed === seed);
              if (!run)
                return (
                  <td key={arm} className="muted">
                    –
                  </td>
                );
              const e = run.experiment;
              return (
                <td key={arm} title={e.error ?? undefined}>
                  <span className={`status ${e.status}`}>{e.status.toLowerCase()}</span>{" "}
                  <Link href={`/experiments/${e.id}`} data-testid="study-run-link">
                    {e.name}
                  </Link>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
