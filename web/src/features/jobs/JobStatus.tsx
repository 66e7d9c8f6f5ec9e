import type { Job } from "src/api/jobs";

type Shown = Pick<Job, "status" | "wait_reason" | "progress" | "cancel_requested_at">;

/** Status badge, with why a pending job waits, how far a running one is, and whether a
 * cancel is waiting for the provider's answer. */
export function JobStatus({ job }: { job: Shown }) {
  return (
    <span className="stack-tight">
      <span className={`badge status-${job.status}`}>{job.status}</span>
      {job.cancel_requested_at && <small className="muted">cancel requested: waiting for the provider</small>}
      {job.status === "pending" && job.wait_reason && <small className="muted">{job.wait_reason}</small>}
      {job.status === "processing" && job.progress !== null && (
        <progress value={job.progress} max={1} aria-label="progress" />
      )}
    </span>
  );
}
