import { useJobStats, usePauseQueue } from "src/api/jobs";

/** Queue depth at a glance, and the pause/resume switch for the user's queue. */
export function QueueControls() {
  const stats = useJobStats();
  const pause = usePauseQueue();
  if (!stats.data) return null;
  const { by_status: counts, paused } = stats.data;
  return (
    <div className="row">
      <span className="muted">
        {counts.pending ?? 0} waiting · {(counts.submitting ?? 0) + (counts.processing ?? 0)} running
      </span>
      <button type="button" disabled={pause.isPending} onClick={() => pause.mutate(!paused)}>
        {paused ? "Resume queue" : "Pause queue"}
      </button>
      {paused && <span className="badge warn">paused</span>}
    </div>
  );
}
