// A study's status badge with "n / total runs" ended and a bar.
import { type RunCounts, studyProgress } from "@/lib/study";

export function StudyProgress({ status, counts }: { status: string; counts: RunCounts }) {
  const { done, total, fraction } = studyProgress(counts);
  const detail = [
    counts.running > 0 ? `${counts.running} running` : null,
    counts.failed > 0 ? `${counts.failed} failed` : null,
    counts.cancelled > 0 ? `${counts.cancelled} cancelled` : null,
  ].filter(Boolean);
  return (
    <span className="row" style={{ gap: 8 }} data-testid="study-status">
      <span className={`status ${status}`}>{status.toLowerCase()}</span>
      <span className="muted" style={{ fontSize: 12 }} data-testid="study-progress">
        {done} / {total} runs
        {detail.length > 0 ? ` · ${detail.join(", ")}` : ""}
      </span>
      <span className="progress" title={`${Math.round(fraction * 100)}%`}>
        <span style={{ width: `${fraction * 100}%` }} />
      </span>
    </span>
  );
}
