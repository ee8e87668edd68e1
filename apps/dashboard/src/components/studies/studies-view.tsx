"use client";
// Studies: every study newest first with its status and how many of its runs have ended, polled
// while one is running, and the new-study form for those who may create.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { useQuery } from "urql";
import { graphql } from "@/gql";
import { formatDate } from "@/lib/format";
import { canCreate, useViewer } from "../session/viewer";
import { Empty, ErrorState, Loading } from "../states";
import { NewStudyForm } from "./new-study-form";
import { StudyProgress } from "./study-progress";
import { usePollWhile } from "./use-poll-while";

const StudiesTable = graphql(`
  query StudiesTable {
    studies(first: 100) {
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
      runCounts {
        queued
        running
        succeeded
        failed
        cancelled
        total
      }
    }
  }
`);

export function StudiesView() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: StudiesTable });
  const [showForm, setShowForm] = useState(false);
  const viewer = useViewer();
  const router = useRouter();
  const refresh = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const studies = data?.studies ?? [];
  usePollWhile(
    studies.some((s) => s.status === "RUNNING"),
    refresh,
  );

  return (
    <div>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h1>Studies</h1>
        {canCreate(viewer) ? (
          <button type="button" className="primary" onClick={() => setShowForm((s) => !s)} data-testid="new-study">
            {showForm ? "Close form" : "New study"}
          </button>
        ) : null}
      </div>
      <p className="muted" style={{ marginTop: 0 }}>
        Arms × seeds run as ordinary experiments; each arm is compared with the control seed by seed.
      </p>
      {showForm && canCreate(viewer) && <NewStudyForm onCreated={(id) => router.push(`/studies/${id}`)} />}
      {error && !data ? (
        <ErrorState error={error} what="studies" />
      ) : fetching && !data ? (
        <Loading what="studies" />
      ) : studies.length === 0 ? (
        <Empty>
          No studies yet
          {canCreate(viewer) ? ": start one with “New study”." : "."}
        </Empty>
      ) : (
        <table data-testid="studies-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Dataset</th>
              <th>Status</th>
              <th>Arms (control first)</th>
              <th className="num">Seeds</th>
              <th>Tags</th>
              <th>Created by</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {studies.map((s) => (
              <tr key={s.id} data-testid="study-row">
                <td>
                  <Link href={`/studies/${s.id}`}>{s.name}</Link>
                </td>
                <td>{s.dataset}</td>
                <td>
                  <StudyProgress status={s.status} counts={s.runCounts} />
                </td>
                <td>
                  <strong>{s.control}</strong>
                  {s.arms
                    .filter((a) => a !== s.control)
                    .map((a) => (
                      <span key={a}> · {a}</span>
                    ))}
                </td>
                <td className="num">{s.seeds.length}</td>
                <td>
                  {s.tags.map((t) => (
                    <span className="tag" key={t}>
                      {t}
                    </span>
                  ))}
                </td>
                <td>{s.createdBy ?? <span className="muted">–</span>}</td>
                <td>{formatDate(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
