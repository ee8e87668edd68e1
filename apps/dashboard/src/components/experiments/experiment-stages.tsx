// Where an experiment was trained: a built-in run's stages (SFT, RL, EVAL) with their progress, or,
// for an external run, one line saying it was trained elsewhere and how much its client logged.
import type { ExperimentDetailQuery } from "@/gql/graphql";

type Experiment = NonNullable<ExperimentDetailQuery["experiment"]>;

export function Stages({ stages }: { stages: Experiment["stages"] }) {
  return (
    <>
      <h2>Stages</h2>
      <table style={{ width: "auto" }} data-testid="stages">
        <tbody>
          {stages.map((s) => (
            <tr key={s.name}>
              <td>{s.name}</td>
              <td>
                <span className={`status ${s.status}`}>{s.status.toLowerCase()}</span>
              </td>
              <td className="num">
                {s.step}
                {s.totalSteps ? ` / ${s.totalSteps}` : ""}
              </td>
              <td className="muted">{s.message ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The API thins a series to this many points (metrics' maxPoints default): a longer one was logged with more. */
const SERIES_POINTS_SHOWN = 1000;

export function TrainedElsewhere({ metrics }: { metrics: Experiment["metrics"] }) {
  const points = metrics.reduce((sum, s) => sum + s.points.length, 0);
  const thinned = metrics.some((s) => s.points.length >= SERIES_POINTS_SHOWN);
  return (
    <p className="muted" data-testid="trained-elsewhere">
      Trained elsewhere — {thinned ? "at least " : ""}
      {points.toLocaleString("en-US")} metric point{points === 1 ? "" : "s"} logged
      {metrics.length > 0 ? ` in ${metrics.length} series` : ""}; its client adds predictions through the API.
    </p>
  );
}
