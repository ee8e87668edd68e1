"use client";
// Experiments: a filterable, sortable table with live status, and the new-experiment form. Built-in
// and external runs (trained elsewhere, logged through the API) share the table: a badge marks the
// external ones and the model column reads each kind's config its own way (lib/experiment-model).
import Link from "next/link";
import { useMemo, useState } from "react";
import { useQuery } from "urql";
import { graphql } from "@/gql";
import type { ExperimentsTableQuery } from "@/gql/graphql";
import { modelLabel } from "@/lib/experiment-model";
import { formatDate, formatKm, formatPercent } from "@/lib/format";
import { useUrlParams } from "@/lib/use-url-params";
import { canCreate, useViewer } from "../session/viewer";
import { Empty, ErrorState, Loading } from "../states";
import { KindBadge } from "./kind-badge";
import { LiveStatus } from "./live-status";
import { NewExperimentForm } from "./new-experiment-form";
import { type RowSummary, useSummaries } from "./use-summaries";

const ExperimentsTable = graphql(`
  query ExperimentsTable {
    experiments(first: 100) {
      edges {
        node {
          id
          name
          dataset
          kind
          config
          status
          tags
          createdAt
        }
      }
    }
  }
`);

type Row = ExperimentsTableQuery["experiments"]["edges"][number]["node"] & { model: string };
type SortKey = "name" | "dataset" | "model" | "status" | "medianKm" | "acc25" | "acc200" | "acc750" | "createdAt";
const KINDS = ["BUILTIN", "EXTERNAL"] as const;

function accAt(summary: RowSummary | undefined, km: number): number | null {
  return summary?.thresholds.find((a) => a.km === km)?.accuracy ?? null;
}

function sortValue(row: Row, summary: RowSummary | undefined, key: SortKey): string | number {
  switch (key) {
    case "medianKm":
      return summary?.medianKm ?? Number.POSITIVE_INFINITY;
    case "acc25":
      return accAt(summary, 25) ?? -1;
    case "acc200":
      return accAt(summary, 200) ?? -1;
    case "acc750":
      return accAt(summary, 750) ?? -1;
    default:
      return row[key] ?? "";
  }
}

export function ExperimentsView() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: ExperimentsTable });
  const [params, setParams] = useUrlParams();
  const [showForm, setShowForm] = useState(false);
  const viewer = useViewer();
  const filter = params.get("q") ?? "";
  const tag = params.get("tag");
  const kind = KINDS.find((k) => k === params.get("kind")) ?? null;
  const sort = (params.get("sort") as SortKey | null) ?? "createdAt";
  const desc = params.get("dir") !== "asc";

  const finishedIds = useMemo(
    () => (data?.experiments.edges ?? []).filter((e) => e.node.status === "SUCCEEDED").map((e) => e.node.id),
    [data],
  );
  const summaries = useSummaries(finishedIds);
  const rows = useMemo(() => {
    const all = (data?.experiments.edges ?? []).map((e) => ({
      ...e.node,
      model: modelLabel(e.node.kind, e.node.config),
    }));
    const q = filter.toLowerCase();
    const kept = all.filter(
      (r) =>
        (!q || [r.name, r.dataset, r.model].some((text) => text.toLowerCase().includes(q))) &&
        (!tag || r.tags.includes(tag)) &&
        (!kind || r.kind === kind),
    );
    return kept.sort((a, b) => {
      const x = sortValue(a, summaries.get(a.id), sort);
      const y = sortValue(b, summaries.get(b.id), sort);
      // Text ignoring case ("Qwen2.5-VL-7B" beside "chain · cnn"), numbers as numbers.
      const c =
        typeof x === "string" && typeof y === "string"
          ? x.localeCompare(y, "en", { sensitivity: "base", numeric: true })
          : x < y
            ? -1
            : x > y
              ? 1
              : 0;
      return desc ? -c : c;
    });
  }, [data, summaries, filter, tag, kind, sort, desc]);
  const allTags = useMemo(
    () => [...new Set((data?.experiments.edges ?? []).flatMap((e) => e.node.tags))].sort(),
    [data],
  );

  const header = (key: SortKey, label: string, numeric = false) => (
    <th className={numeric ? "num" : undefined} aria-sort={sort === key ? (desc ? "descending" : "ascending") : "none"}>
      <button
        type="button"
        className="sort-button"
        onClick={() => setParams({ sort: key, dir: sort === key && desc ? "asc" : null })}
      >
        {label}
        {sort === key ? (desc ? " ▾" : " ▴") : ""}
      </button>
    </th>
  );

  return (
    <div>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h1>Experiments</h1>
        {canCreate(viewer) ? (
          <button type="button" className="primary" onClick={() => setShowForm((s) => !s)} data-testid="new-experiment">
            {showForm ? "Close form" : "New experiment"}
          </button>
        ) : null}
      </div>
      {showForm && canCreate(viewer) && (
        <NewExperimentForm
          onCreated={() => {
            setShowForm(false);
            refetch({ requestPolicy: "network-only" });
          }}
        />
      )}
      <div className="toolbar">
        <label>
          Filter
          <input
            value={filter}
            placeholder="name, dataset or model"
            onChange={(e) => setParams({ q: e.target.value })}
            data-testid="experiment-filter"
          />
        </label>
        <label>
          Tag
          <select value={tag ?? ""} onChange={(e) => setParams({ tag: e.target.value })}>
            <option value="">all</option>
            {allTags.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select value={kind ?? ""} onChange={(e) => setParams({ kind: e.target.value })} data-testid="kind-filter">
            <option value="">all</option>
            <option value="BUILTIN">built-in</option>
            <option value="EXTERNAL">external</option>
          </select>
        </label>
      </div>
      {error && !data ? (
        <ErrorState error={error} what="experiments" />
      ) : fetching && !data ? (
        <Loading what="experiments" />
      ) : rows.length === 0 ? (
        <Empty>
          {filter || tag || kind
            ? "No experiment matches the filter."
            : "No experiments yet: start one with “New experiment”."}
        </Empty>
      ) : (
        <table data-testid="experiments-table">
          <thead>
            <tr>
              {header("name", "Name")}
              {header("dataset", "Dataset")}
              {header("model", "Model")}
              {header("status", "Status")}
              {header("medianKm", "Median", true)}
              {header("acc25", "acc@25 km", true)}
              {header("acc200", "acc@200 km", true)}
              {header("acc750", "acc@750 km", true)}
              <th>Tags</th>
              {header("createdAt", "Created")}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="experiment-row">
                <td>
                  <Link href={`/experiments/${r.id}`}>{r.name}</Link>
                  <KindBadge kind={r.kind} />
                </td>
                <td>{r.dataset}</td>
                <td className="muted" title={r.kind === "EXTERNAL" ? "config.model" : "head · backbone"}>
                  {r.model}
                </td>
                <td>
                  <LiveStatus
                    id={r.id}
                    status={r.status}
                    onSettled={() => refetch({ requestPolicy: "network-only" })}
                  />
                </td>
                <td className="num">{formatKm(summaries.get(r.id)?.medianKm)}</td>
                <td className="num">{formatPercent(accAt(summaries.get(r.id), 25))}</td>
                <td className="num">{formatPercent(accAt(summaries.get(r.id), 200))}</td>
                <td className="num">{formatPercent(accAt(summaries.get(r.id), 750))}</td>
                <td>
                  {r.tags.map((t) => (
                    <span className="tag" key={t}>
                      {t}
                    </span>
                  ))}
                </td>
                <td>{formatDate(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
