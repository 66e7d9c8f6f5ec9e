import { useState } from "react";
import { Link } from "react-router";
import { useAccounts } from "src/api/accounts";
import { type JobFilters, useJobBatch, useJobs } from "src/api/jobs";
import { useProviders } from "src/api/providers";
import { BatchError } from "src/common/BatchError";
import { EmptyState } from "src/common/EmptyState";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Loading } from "src/common/Loading";
import { useBoard } from "src/common/board";
import { SearchBox } from "src/common/SearchBox";
import { allSelected, isSelected, keepListed, matchingAll, NONE, toggle, togglePage } from "src/common/selection";
import { BoardStrip } from "src/features/boards/BoardStrip";
import { JobBulkBar } from "src/features/jobs/JobBulkBar";
import { type JobFilterKey, readJobFilters, withJobFilter, withoutJobFilters } from "src/features/jobs/jobFilters";
import { JobRow } from "src/features/jobs/JobRow";
import { QueueControls } from "src/features/jobs/QueueControls";
import { useUrlParams } from "src/common/useUrlParams";

const STATUSES = ["pending", "submitting", "processing", "completed", "failed", "cancelled"];

/** The queue, live: rows change as job.updated events arrive. Filters live in the URL;
 * many jobs can be selected (shift-click for a range) and acted on at once. */
export default function JobsPage() {
  const [params, setParams] = useUrlParams();
  const board = useBoard();
  const urlFilters = readJobFilters(params);
  // The queue of the board worked in (all boards: every job).
  const filters: JobFilters = board ? { ...urlFilters, workspace_id: board } : urlFilters;
  const filterKey = JSON.stringify(filters);
  const jobs = useJobs(filters);
  const providers = useProviders();
  const accounts = useAccounts();
  const cancelWaiting = useJobBatch();
  const [selection, setSelection] = useState(NONE);
  const [selectionFor, setSelectionFor] = useState(filterKey);
  if (selectionFor !== filterKey) {
    // Another filter, another list: what was selected in the last one is not shown.
    setSelectionFor(filterKey);
    setSelection(NONE);
  }
  const setFilter = (key: JobFilterKey, value: string) => setParams((p) => withJobFilter(p, key, value), { replace: true });
  const rows = jobs.data?.pages.flatMap((p) => p.items) ?? [];
  const order = rows.map((job) => job.id);
  const shown = keepListed(selection, order);
  const names = new Map(accounts.data?.items.map((a) => [a.id, a.nickname ?? `#${a.id}`]) ?? []);
  const provider = providers.data?.find((p) => p.id === filters.provider_id);
  const hasFilters = Object.keys(urlFilters).length > 0;

  return (
    <>
      <div className="spread">
        <h1>Jobs</h1>
        <div className="row">
          <button
            type="button"
            disabled={cancelWaiting.isPending}
            onClick={() => {
              if (window.confirm("Cancel every waiting job that matches the filter?")) {
                cancelWaiting.mutate({ action: "cancel", selection: { filter: { ...filters, status: "pending" } } });
              }
            }}
          >
            Cancel all waiting
          </button>
          <QueueControls />
        </div>
      </div>
      <BatchError error={cancelWaiting.error} />
      <BoardStrip />
      <div className="row filters" role="search" aria-label="Job filters">
        <SearchBox
          aria-label="Search prompts"
          placeholder="Search prompts"
          value={filters.q ?? ""}
          maxLength={200}
          onSearch={(text) => setFilter("q", text)}
        />
        <select aria-label="Status" value={filters.status ?? ""} onChange={(e) => setFilter("status", e.target.value)}>
          <option value="">All statuses</option>
          {STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <select
          aria-label="Provider"
          value={filters.provider_id ?? ""}
          onChange={(e) => setParams((p) => withJobFilter(withJobFilter(p, "operation_type", ""), "provider_id", e.target.value), { replace: true })}
        >
          <option value="">All providers</option>
          {providers.data?.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        {provider && (
          <select aria-label="Operation" value={filters.operation_type ?? ""} onChange={(e) => setFilter("operation_type", e.target.value)}>
            <option value="">All operations</option>
            {provider.operations.map((op) => (
              <option key={op.type} value={op.type}>
                {op.label}
              </option>
            ))}
          </select>
        )}
        {hasFilters && (
          <button type="button" className="link" onClick={() => setParams(withoutJobFilters, { replace: true })}>
            Clear filters
          </button>
        )}
      </div>
      {(shown.matching || shown.ids.size > 0) && (
        <JobBulkBar
          selection={shown}
          filters={filters}
          canSelectMatching={allSelected(shown, order) && (jobs.hasNextPage || hasFilters || board !== null)}
          onSelectMatching={() => setSelection(matchingAll(shown))}
          onDone={() => setSelection(NONE)}
        />
      )}
      {jobs.isPending && <Loading label="Loading jobs…" />}
      <ErrorMessage error={jobs.error} />
      {jobs.isSuccess && rows.length === 0 && (
        <EmptyState title="No jobs here">
          <Link to="/generate">Generate something</Link> and it will show up live.
        </EmptyState>
      )}
      {rows.length > 0 && (
        <div className="table-wrap card">
          <table className="cards jobs-table">
            <thead>
              <tr>
                <th className="select-cell">
                  <input
                    type="checkbox"
                    aria-label="Select all shown"
                    checked={allSelected(shown, order)}
                    onChange={() => setSelection(togglePage(shown, order))}
                  />
                </th>
                <th>Job</th>
                <th>Status</th>
                <th>Priority</th>
                <th>Account</th>
                <th>Cost</th>
                <th>Age</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((job) => (
                <JobRow
                  key={job.id}
                  job={job}
                  selected={isSelected(shown, job.id)}
                  onSelect={(range) => setSelection(toggle(shown, job.id, order, range))}
                  dragged={() => (isSelected(shown, job.id) && !shown.matching ? [...shown.ids] : [job.id])}
                  accountName={job.account_id ? names.get(job.account_id) : undefined}
                />
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
