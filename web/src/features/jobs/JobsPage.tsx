import { Link, useSearchParams } from "react-router";
import { type JobFilters, useJobs } from "src/api/jobs";
import { useProviders } from "src/api/providers";
import { EmptyState } from "src/common/EmptyState";
import { ErrorMessage } from "src/common/ErrorMessage";
import { formatCredits, formatRelative } from "src/common/format";
import { Loading } from "src/common/Loading";
import { JobActions } from "src/features/jobs/JobActions";
import { JobStatus } from "src/features/jobs/JobStatus";
import { QueueControls } from "src/features/jobs/QueueControls";

const STATUSES = ["pending", "submitting", "processing", "completed", "failed", "cancelled"];

/** The queue, live: rows change as job.updated events arrive. Filters live in the URL. */
export default function JobsPage() {
  const [params, setParams] = useSearchParams();
  const filters: JobFilters = {
    status: params.get("status") ?? undefined,
    provider_id: params.get("provider_id") ?? undefined,
  };
  const jobs = useJobs(filters);
  const providers = useProviders();
  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const rows = jobs.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <div className="spread">
        <h1>Jobs</h1>
        <QueueControls />
      </div>
      <div className="row filters">
        <select aria-label="Status" value={filters.status ?? ""} onChange={(e) => setFilter("status", e.target.value)}>
          <option value="">All statuses</option>
          {STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <select aria-label="Provider" value={filters.provider_id ?? ""} onChange={(e) => setFilter("provider_id", e.target.value)}>
          <option value="">All providers</option>
          {providers.data?.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      {jobs.isPending && <Loading label="Loading jobs…" />}
      <ErrorMessage error={jobs.error} />
      {jobs.isSuccess && rows.length === 0 && (
        <EmptyState title="No jobs here">
          <Link to="/generate">Generate something</Link> and it will show up live.
        </EmptyState>
      )}
      {rows.length > 0 && (
        <div className="table-wrap card">
          <table className="cards">
            <thead>
              <tr>
                <th>Job</th>
                <th>Status</th>
                <th>Account</th>
                <th>Cost</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((job) => (
                <tr key={job.id} data-job-id={job.id}>
                  <td>
                    <Link to={`/jobs/${job.id}`}>#{job.id}</Link> {job.provider_id} · {job.operation_type}
                    {job.name && <div className="muted">{job.name}</div>}
                    {job.error_message && <div className="field-error">{job.error_message}</div>}
                    {job.asset_id && <Link to={`/gallery/${job.asset_id}`}> result</Link>}
                  </td>
                  <td data-label="Status">
                    <JobStatus job={job} />
                  </td>
                  <td data-label="Account">{job.account_id ?? "—"}</td>
                  <td data-label="Cost">
                    {formatCredits(job.actual_credits ?? job.estimated_credits)}
                    {job.credit_type && <small className="muted"> {job.credit_type}</small>}
                  </td>
                  <td data-label="Created">{formatRelative(job.created_at)}</td>
                  <td>
                    <JobActions job={job} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {jobs.hasNextPage && (
        <button type="button" onClick={() => jobs.fetchNextPage()} disabled={jobs.isFetchingNextPage}>
          {jobs.isFetchingNextPage ? "Loading…" : "More"}
        </button>
      )}
    </>
  );
}
