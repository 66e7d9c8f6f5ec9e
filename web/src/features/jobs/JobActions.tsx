import { type Job, useCancelJob, useRetryJob, useSetPriority } from "src/api/jobs";
import { ErrorMessage } from "src/common/ErrorMessage";

const ACTIVE = ["pending", "submitting", "processing"];

export function JobActions({ job }: { job: Job }) {
  const cancel = useCancelJob();
  const retry = useRetryJob();
  const priority = useSetPriority();
  const busy = cancel.isPending || retry.isPending || priority.isPending;
  return (
    <span className="row">
      {ACTIVE.includes(job.status) && !job.cancel_requested_at && (
        <button type="button" disabled={busy} onClick={() => cancel.mutate(job.id)}>
          Cancel
        </button>
      )}
      {(job.status === "failed" || job.status === "cancelled") && (
        <button type="button" disabled={busy} onClick={() => retry.mutate(job.id)}>
          Retry
        </button>
      )}
      {job.status === "pending" && (
        <input
          type="number"
          className="narrow"
          aria-label={`Priority of job ${job.id}`}
          defaultValue={job.priority}
          onBlur={(e) => {
            const value = Number(e.target.value);
            if (value !== job.priority) priority.mutate({ id: job.id, priority: value });
          }}
        />
      )}
      <ErrorMessage error={cancel.error ?? retry.error ?? priority.error} />
    </span>
  );
}
