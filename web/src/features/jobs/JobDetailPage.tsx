import { Link, useParams } from "react-router";
import { useJob } from "src/api/jobs";
import { isId, isMissing, NotFoundPage } from "src/app/NotFoundPage";
import { ErrorMessage } from "src/common/ErrorMessage";
import { formatCredits, formatDate } from "src/common/format";
import { Loading } from "src/common/Loading";
import { JobActions } from "src/features/jobs/JobActions";
import { JobHistory } from "src/features/jobs/JobHistory";
import { JobTimeline } from "src/features/logs/JobTimeline";
import { JobStatus } from "src/features/jobs/JobStatus";

/** One job: its outcome, its params, its history attempt by attempt, and each submission
 * to the provider with its error. */
export default function JobDetailPage() {
  const id = Number(useParams().jobId);
  const job = useJob(id);
  if (!isId(id)) return <NotFoundPage what="job" />;
  if (job.isPending) return <Loading label="Loading the job…" />;
  if (job.isError) {
    return isMissing(job.error) ? <NotFoundPage what="job" /> : <ErrorMessage error={job.error} />;
  }
  const j = job.data;
  const submissions = j.submissions ?? [];
  return (
    <>
      <div className="spread">
        <h1>
          Job #{j.id} <small className="muted">{j.provider_id} · {j.operation_type}</small>
        </h1>
        <div className="row">
          <JobActions job={j} />
          <Link className="button-like" to={`/generate?reuse=${j.id}`}>
            Reuse
          </Link>
        </div>
      </div>
      <div className="grid-2">
        <section className="card">
          <JobStatus job={j} />
          {/* The final outcome's error only: earlier attempts' are in the history below. */}
          {j.status === "failed" && j.error_message && <p className="error">{j.error_message}</p>}
          <dl className="meta">
            <dt>Account</dt>
            <dd>{j.account_nickname ?? j.account_id ?? "—"}</dd>
            <dt>Cost</dt>
            <dd>
              estimated {formatCredits(j.estimated_credits)}, actual {formatCredits(j.actual_credits)} {j.credit_type}
            </dd>
            <dt>Priority</dt>
            <dd>{j.priority}</dd>
            <dt>Attempts</dt>
            <dd>{j.attempts}</dd>
            <dt>Created</dt>
            <dd>{formatDate(j.created_at)}</dd>
            <dt>Completed</dt>
            <dd>{formatDate(j.completed_at)}</dd>
            {j.asset_id && (
              <>
                <dt>Result</dt>
                <dd>
                  <Link to={`/gallery/${j.asset_id}`}>asset #{j.asset_id}</Link>
                </dd>
              </>
            )}
          </dl>
        </section>
        <section className="card">
          <h2>Params</h2>
          <pre className="json">{JSON.stringify({ params: j.params, inputs: j.inputs }, null, 2)}</pre>
        </section>
      </div>
      <section className="card">
        <JobTimeline job={j} />
      </section>
      <section className="card">
        <h2>History</h2>
        <JobHistory history={j.history} />
      </section>
      <section className="card">
        <h2>Submissions</h2>
        {submissions.length === 0 ? (
          <p className="muted">Not sent to the provider yet.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Attempt</th>
                  <th>Account</th>
                  <th>Status</th>
                  <th>Provider job</th>
                  <th>Started</th>
                  <th>Error</th>
                </tr>
              </thead>
              <tbody>
                {submissions.map((s) => (
                  <tr key={s.id}>
                    <td>{s.attempt}</td>
                    <td>{s.account_id ?? "—"}</td>
                    <td>
                      <span className="badge">{s.status}</span>
                    </td>
                    <td>{s.provider_job_id ?? "—"}</td>
                    <td>{formatDate(s.started_at)}</td>
                    <td>{s.error_message ? `${s.error_class}: ${s.error_message}` : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
