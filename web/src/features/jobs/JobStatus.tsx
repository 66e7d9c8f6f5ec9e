import type { Job } from "src/api/jobs";

/** Status badge, with why a pending job waits and how far a running one is. */
export function JobStatus({ job }: { job: Pick<Job, "status" | "wait_reason" | "progress"> }) {
  return (
    <span className="stack-tight">
      <span className={`badge status-${job.status}`}>{job.status}</span>
      {job.status === "pending" && job.wait_reason && <small className="muted">{job.wait_reason}</small>}
      {job.status === "processing" && job.progress !== null && (
        <progress value={job.progress} max={1} aria-label="progress" />
      )}
    </span>
  );
}
