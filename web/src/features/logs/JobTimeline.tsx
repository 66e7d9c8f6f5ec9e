import { Link } from "react-router";
import type { Job } from "src/api/jobs";
import { useJobTimeline } from "src/api/logs";
import { formatDate } from "src/common/format";

/** A job's stages as every process logged them, in order, with their durations. */
export function JobTimeline({ job }: { job: Job }) {
  const jobId = job.id;
  const timeline = useJobTimeline(jobId, job);
  const stages = timeline.data?.stages ?? [];
  return (
    <>
      <div className="spread">
        <h2>Timeline</h2>
        <Link to={`/logs?job_id=${jobId}`}>Logs</Link>
      </div>
      {stages.length === 0 ? (
        <p className="muted">No stages logged yet.</p>
      ) : (
        <ol className="timeline" data-testid="job-timeline">
          {stages.map((s) => (
            <li key={s.id} className={`level-${s.level}`}>
              <strong>{s.stage}</strong> <span className="muted">{formatDate(s.ts)}</span>
              {s.duration_ms !== null && <span> · {Math.round(s.duration_ms)} ms</span>}
              <span className="muted">
                {" "}
                · {s.process} {s.worker_id}
              </span>
              {s.error_class && <span className="error-class"> · {s.error_class}</span>}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
