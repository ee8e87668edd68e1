"use client";
// One study: status and progress, its design (arms, control, seeds, budget), the comparison table,
// the per-seed dot plot, a link to every run; cancel and "add seeds" for its creator or an admin.
// Polled while it runs: each ended run changes the counts, the grid and the comparison.
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "@/gql";
import { formatDate } from "@/lib/format";
import { parseSeeds } from "@/lib/study";
import { useHydrated } from "@/lib/use-hydrated";
import { canChange, useViewer } from "../session/viewer";
import { describeError, ErrorState, Loading } from "../states";
import { ComparisonTable } from "./comparison-table";
import { SeedDotPlot } from "./seed-dot-plot";
import { StudyProgress } from "./study-progress";
import { StudyRuns } from "./study-runs";
import { usePollWhile } from "./use-poll-while";

const StudyDetailQuery = graphql(`
  query StudyDetail($id: ID!) {
    study(id: $id) {
      id
      name
      dataset
      status
      control
      arms
      seeds
      tags
      createdBy
      createdAt
      cancelledAt
      armConfigs {
        name
        head
        sftSteps
      }
      budget {
        sftSteps
        stepCost
      }
      runCounts {
        queued
        running
        succeeded
        failed
        cancelled
        total
      }
      runs {
        arm
        seed
        experiment {
          id
          name
          status
          error
        }
      }
      comparisons {
        arm
        control
        metric
        label
        unit
        higherIsBetter
        n
        meanDelta
        stdDelta
        t
        p
        ahead
        seeds
        missingSeeds
        note
      }
    }
  }
`);

// The runs' EVAL reports, for the dot plot: fetched again only when another run has succeeded, not
// with every poll (a report holds per-country rows; a study up to 200 runs).
const StudySeedMetricsQuery = graphql(`
  query StudySeedMetrics($id: ID!) {
    study(id: $id) {
      id
      runs {
        arm
        seed
        experiment {
          id
          finalMetrics
        }
      }
    }
  }
`);

const CancelStudyMutation = graphql(`
  mutation CancelStudy($id: ID!) {
    cancelStudy(id: $id) {
      id
      status
    }
  }
`);

const ExtendStudyMutation = graphql(`
  mutation ExtendStudy($id: ID!, $seeds: [Int!]!) {
    extendStudy(id: $id, seeds: $seeds) {
      id
      status
      seeds
    }
  }
`);

function AddSeeds({ id, seeds, onAdded }: { id: string; seeds: readonly number[]; onAdded: () => void }) {
  const hydrated = useHydrated();
  const next = seeds.length > 0 ? Math.max(...seeds) + 1 : 0;
  const [text, setText] = useState(`${next}`);
  const [formError, setFormError] = useState<string | null>(null);
  const [{ fetching, error }, extend] = useMutation(ExtendStudyMutation);
  const shown = formError ?? (error ? describeError(error) : null);
  return (
    <form
      className="row"
      style={{ gap: 6 }}
      data-testid="add-seeds"
      onSubmit={async (e) => {
        e.preventDefault();
        setFormError(null);
        let parsed: number[];
        try {
          parsed = parseSeeds(text);
        } catch (err) {
          setFormError((err as Error).message);
          return;
        }
        const r = await extend({ id, seeds: parsed });
        if (r.data) onAdded();
      }}
    >
      <input
        value={text}
        onChange={(e) => setText(e.target.value)}
        name="seeds"
        aria-label="seeds to add"
        title="Seeds to add: 5, or 5-7"
        size={8}
      />
      <button type="submit" disabled={!hydrated || fetching}>
        {fetching ? "Adding…" : "Add seeds"}
      </button>
      {shown && (
        <span className="error-text" role="alert">
          {shown}
        </span>
      )}
    </form>
  );
}

export function StudyDetail({ id }: { id: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: StudyDetailQuery, variables: { id } });
  const [cancelState, cancel] = useMutation(CancelStudyMutation);
  const [metric, setMetric] = useState("medianKm");
  const viewer = useViewer();
  const refresh = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  usePollWhile(data?.study?.status === "RUNNING", refresh);
  const [{ data: seedMetrics }, refetchSeedMetrics] = useQuery({ query: StudySeedMetricsQuery, variables: { id } });
  const succeeded = data?.study?.runCounts.succeeded;
  const seenSucceeded = useRef(succeeded);
  useEffect(() => {
    if (succeeded === undefined || succeeded === seenSucceeded.current) return;
    const first = seenSucceeded.current === undefined;
    seenSucceeded.current = succeeded;
    // The first count came with the page, as did the reports.
    if (!first) refetchSeedMetrics({ requestPolicy: "network-only" });
  }, [succeeded, refetchSeedMetrics]);
  if (error && !data) return <ErrorState error={error} what={`study ${id}`} />;
  if (fetching && !data) return <Loading what="study" />;
  const s = data?.study;
  if (!s) return <ErrorState error={`study "${id}" does not exist`} what="study" />;
  const mayChange = canChange(viewer, s.createdBy);
  const metrics = [...new Map(s.comparisons.map((c) => [c.metric, c.label])).entries()];
  const seedRuns = (seedMetrics?.study?.runs ?? []).map((r) => ({
    arm: r.arm,
    seed: r.seed,
    finalMetrics: r.experiment.finalMetrics,
  }));
  return (
    <div>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h1>
          {s.name} <span className="muted">· {s.dataset}</span>
        </h1>
        <div className="row">
          <StudyProgress status={s.status} counts={s.runCounts} />
          {s.status === "RUNNING" && mayChange && (
            <button
              type="button"
              className="danger"
              data-testid="cancel-study"
              disabled={cancelState.fetching}
              onClick={async () => {
                await cancel({ id: s.id });
                refresh();
              }}
            >
              Cancel study
            </button>
          )}
        </div>
      </div>
      {cancelState.error && <div className="error-text">{describeError(cancelState.error)}</div>}
      <div className="row muted" style={{ fontSize: 13 }}>
        <span>
          created {formatDate(s.createdAt)}
          {s.createdBy ? ` by ${s.createdBy}` : ""}
          {s.cancelledAt ? ` · cancelled ${formatDate(s.cancelledAt)}` : ""} · control {s.control} · {s.seeds.length}{" "}
          seed{s.seeds.length === 1 ? "" : "s"} · SFT steps{" "}
          {s.budget ? `(budget: chain ${s.budget.sftSteps})` : "(each arm's own)"}:{" "}
          {s.armConfigs.map((a) => `${a.name} ${a.sftSteps}`).join(", ")}
        </span>
        {s.tags.map((t) => (
          <span className="tag" key={t}>
            {t}
          </span>
        ))}
      </div>
      <div className="row" style={{ margin: "10px 0", justifyContent: "space-between" }}>
        <Link href={`/experiments?tag=${encodeURIComponent(`study:${s.name}`)}`}>Its runs among the experiments</Link>
        {mayChange && !s.cancelledAt && (
          <AddSeeds key={s.seeds.join(",")} id={s.id} seeds={s.seeds} onAdded={refresh} />
        )}
      </div>

      <h2>Comparison</h2>
      <p className="muted" style={{ marginTop: 0, fontSize: 13 }}>
        Differences arm − control over the seeds where both runs succeeded (accuracies in percentage points); t and p of
        the paired t-test; ahead: the seeds in which the arm is better.
      </p>
      <ComparisonTable
        arms={s.arms}
        control={s.control}
        comparisons={s.comparisons}
        selectedMetric={metric}
        onSelectMetric={setMetric}
      />

      <div className="row" style={{ justifyContent: "space-between", marginTop: 16 }}>
        <h2 style={{ margin: 0 }}>Per seed</h2>
        {metrics.length > 0 && (
          <label style={{ flexDirection: "row", alignItems: "center", gap: 6 }}>
            Metric
            <select value={metric} onChange={(e) => setMetric(e.target.value)} data-testid="dot-plot-metric">
              {metrics.map(([name, label]) => (
                <option key={name} value={name}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <SeedDotPlot arms={s.arms} control={s.control} metric={metric} comparisons={s.comparisons} runs={seedRuns} />

      <h2>Runs</h2>
      <StudyRuns arms={s.arms} seeds={s.seeds} runs={s.runs} />
    </div>
  );
}
