import { Link } from "react-router";
import type { Job } from "src/api/jobs";
import { AssetMini } from "src/common/AssetMini";
import { startDrag } from "src/features/boards/dnd";
import { formatCredits, formatDate, formatRelative } from "src/common/format";
import { JobActions } from "src/features/jobs/JobActions";
import { JobStatus } from "src/features/jobs/JobStatus";
import { priorityLabel } from "src/features/jobs/priority";

interface Props {
  job: Job;
  selected: boolean;
  /** A click on the row's box; `range` when shift was held. */
  onSelect: (range: boolean) => void;
  accountName?: string;
  /** The jobs a drag of this row carries (the selection, when the row is in it). */
  dragged?: () => number[];
}

export function promptOf(job: Job): string | null {
  const prompt = job.prompt ?? job.params?.prompt;
  return typeof prompt === "string" && prompt ? prompt : null;
}

function inputIds(job: Job): number[] {
  return (job.inputs ?? []).map((input) => input.asset_id).filter((id): id is number => typeof id === "number");
}

/** One job at a glance: what it was asked (prompt, inputs), what it made, where it stands. */
export function JobRow({ job, selected, onSelect, accountName, dragged }: Props) {
  const prompt = promptOf(job);
  return (
    <tr
      data-job-id={job.id}
      className={selected ? "selected" : undefined}
      draggable={dragged !== undefined}
      onDragStart={(e) => dragged && startDrag(e, { kind: "jobs", ids: dragged() })}
    >
      <td className="select-cell">
        <input
          type="checkbox"
          aria-label={`Select job ${job.id}`}
          checked={selected}
          onChange={(e) => onSelect((e.nativeEvent as MouseEvent).shiftKey === true)}
        />
      </td>
      <td className="job-main">
        <div className="job-pictures">
          {inputIds(job).map((id) => (
            <AssetMini key={`in-${id}`} id={id} label="Input" />
          ))}
          {inputIds(job).length > 0 && job.asset_id && <span className="muted">→</span>}
          {job.asset_id && <AssetMini id={job.asset_id} label="Output" />}
        </div>
        <div className="job-text">
          {prompt && (
            <div className="prompt" title={prompt}>
              {prompt}
            </div>
          )}
          <div className="muted">
            <Link to={`/jobs/${job.id}`}>#{job.id}</Link> {job.provider_id} · {job.operation_type.replaceAll("_", " ")}
            {job.name && <> · {job.name}</>}
          </div>
          {job.error_message && <div className="field-error">{job.error_message}</div>}
          {job.asset_id && <Link to={`/gallery/${job.asset_id}`}>result</Link>}
        </div>
      </td>
      <td data-label="Status">
        <JobStatus job={job} />
      </td>
      <td data-label="Priority">
        <span className="badge" title={`priority ${job.priority}`}>
          {priorityLabel(job.priority)}
        </span>
      </td>
      <td data-label="Account">{job.account_id ? (accountName ?? `#${job.account_id}`) : "—"}</td>
      <td data-label="Cost">
        {formatCredits(job.actual_credits ?? job.estimated_credits)}
        {job.credit_type && <small className="muted"> {job.credit_type}</small>}
      </td>
      <td data-label="Age" title={formatDate(job.created_at)}>
        {formatRelative(job.created_at)}
      </td>
      <td>
        <span className="row">
          <JobActions job={job} />
          <Link className="button-like" to={`/generate?reuse=${job.id}`} aria-label={`Reuse job ${job.id}`}>
            Reuse
          </Link>
        </span>
      </td>
    </tr>
  );
}
