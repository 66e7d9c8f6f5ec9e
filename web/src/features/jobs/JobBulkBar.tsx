import { type BatchAction, type JobFilters, type JobSelection, useJobBatch, useJobsPriority, useMoveJobs } from "src/api/jobs";
import { BatchError } from "src/common/BatchError";
import { plural } from "src/common/format";
import { clearAfter, type Selection, selectedCount } from "src/common/selection";
import { MoveToBoard } from "src/features/boards/MoveToBoard";
import { PRIORITIES } from "src/features/jobs/priority";

interface Props {
  selection: Selection;
  filters: JobFilters;
  /** Whether the whole filter can be selected (every loaded job is). */
  canSelectMatching: boolean;
  onSelectMatching: () => void;
  onDone: () => void;
}

const ACTIONS: { action: BatchAction; label: string; confirm?: string }[] = [
  { action: "cancel", label: "Cancel" },
  { action: "retry", label: "Retry" },
  { action: "delete", label: "Delete", confirm: "Delete the selected jobs? Their results stay in the gallery." },
];

export function toSelection(selection: Selection, filters: JobFilters): JobSelection {
  return selection.matching ? { filter: filters } : { ids: [...selection.ids] };
}

/** What can be done to the selected jobs, each in one request (all or none). */
export function JobBulkBar({ selection, filters, canSelectMatching, onSelectMatching, onDone }: Props) {
  const run = useJobBatch();
  const priority = useJobsPriority();
  const move = useMoveJobs();
  const count = selectedCount(selection);
  const body = toSelection(selection, filters);
  const busy = run.isPending || priority.isPending || move.isPending;
  const what = count === "all" ? "all jobs matching the filter" : plural(count, "job");
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Selected jobs">
      <strong>{count === "all" ? "All matching" : `${count} selected`}</strong>
      {canSelectMatching && !selection.matching && (
        <button type="button" className="link" onClick={onSelectMatching}>
          Select all matching the filter
        </button>
      )}
      {ACTIONS.map(({ action, label, confirm }) => (
        <button
          key={action}
          type="button"
          className={action === "delete" ? "danger" : undefined}
          disabled={busy}
          onClick={() => {
            if (confirm && !window.confirm(confirm)) return;
            clearAfter(run.mutateAsync({ action, selection: body }), onDone);
          }}
        >
          {label}
        </button>
      ))}
      <select
        aria-label="Set priority"
        value=""
        disabled={busy}
        onChange={(e) => {
          if (e.target.value === "") return;
          clearAfter(priority.mutateAsync({ ...body, priority: Number(e.target.value) }), onDone);
        }}
      >
        <option value="">Priority…</option>
        {PRIORITIES.map((p) => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
      </select>
      <MoveToBoard disabled={busy} onMove={(workspaceId) => clearAfter(move.mutateAsync({ ...body, workspace_id: workspaceId }), onDone)} />
      <button type="button" className="link" onClick={onDone}>
        Clear selection
      </button>
      <span className="sr-only" role="status">
        {busy ? `Working on ${what}…` : ""}
      </span>
      <BatchError error={run.error ?? priority.error ?? move.error} />
    </div>
  );
}
