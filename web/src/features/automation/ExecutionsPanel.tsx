import {
  type Execution,
  useCancelExecution,
  useDeleteExecution,
  useExecution,
  useExecutionPages,
} from "src/api/automation";
import { ErrorMessage } from "src/common/ErrorMessage";
import { formatRelative } from "src/common/format";
import { Loading } from "src/common/Loading";

const ACTIVE = new Set(["queued", "running"]);

/** An action's place as the builder numbers it: the API's "1.0" (from zero) is "2.1". */
export const place = (path: string) =>
  path
    .split(".")
    .map((n) => (/^\d+$/.test(n) ? String(Number(n) + 1) : n))
    .join(".");

/** Executions, newest first; the chosen one with its live log and screenshots. */
export function ExecutionsPanel({ selected, onSelect }: { selected: number | null; onSelect: (id: number | null) => void }) {
  const executions = useExecutionPages();
  if (executions.isPending) return <Loading label="Loading executions…" />;
  if (executions.isError) return <ErrorMessage error={executions.error} />;
  const items = executions.data.pages.flatMap((page) => page.items);
  return (
    <>
      <h2>Executions</h2>
      {selected !== null && <ExecutionDetail id={selected} onClose={() => onSelect(null)} />}
      {items.length === 0 ? (
        <p className="empty">No executions yet: run a preset.</p>
      ) : (
        <div className="table-wrap">
          <table className="cards">
            <thead>
              <tr>
                <th>#</th>
                <th>Preset</th>
                <th>Status</th>
                <th>Account</th>
                <th>Device</th>
                <th>Queued</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td data-label="#">
                    <button type="button" className="link" onClick={() => onSelect(e.id)}>
                      #{e.id}
                    </button>
                  </td>
                  <td data-label="Preset">{e.preset_name}</td>
                  <td data-label="Status">
                    <span className={`badge status-${e.status}`}>{e.status}</span>
                  </td>
                  <td data-label="Account">{e.account_id ?? "—"}</td>
                  <td data-label="Device">{e.device_id ?? "—"}</td>
                  <td data-label="Queued">{formatRelative(e.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {executions.hasNextPage && (
        <button type="button" onClick={() => void executions.fetchNextPage()} disabled={executions.isFetchingNextPage}>
          {executions.isFetchingNextPage ? "Loading…" : "More"}
        </button>
      )}
    </>
  );
}

function ExecutionDetail({ id, onClose }: { id: number; onClose: () => void }) {
  const execution = useExecution(id);
  const cancel = useCancelExecution();
  const remove = useDeleteExecution();
  if (execution.isPending) return <Loading label="Loading the execution…" />;
  if (execution.isError) return <ErrorMessage error={execution.error} />;
  const e: Execution = execution.data;
  return (
    <section className="card" aria-label={`Execution ${e.id}`}>
      <div className="spread">
        <h3>
          #{e.id} {e.preset_name} <span className={`badge status-${e.status}`}>{e.status}</span>
          {e.credits_synced && <span className="badge ok">credits synced</span>}
        </h3>
        <span className="row">
          {ACTIVE.has(e.status) && !e.cancel_requested && (
            <button type="button" className="danger" onClick={() => cancel.mutate(e.id)}>
              Cancel
            </button>
          )}
          {!ACTIVE.has(e.status) && (
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate(e.id, { onSuccess: onClose })}
            >
              Delete
            </button>
          )}
          <button type="button" onClick={onClose}>
            Close
          </button>
        </span>
      </div>
      {e.error_message && (
        <p className="error" role="alert">
          {e.error_action_path !== null && `Action ${place(e.error_action_path)} (${e.error_action_type}) failed: `}
          {e.error_message}
        </p>
      )}
      {e.error_params && <pre className="json">{JSON.stringify(e.error_params, null, 2)}</pre>}
      <ErrorMessage error={cancel.error ?? remove.error} />
      <ol className="log" aria-label="Log">
        {e.logs.map((line, i) => (
          <li key={i} className={line.ok ? "" : "error"}>
            <code>{place(String(line.path))}</code> {String(line.type)}: {String(line.message)}{" "}
            <span className="muted">{String(line.duration_ms ?? 0)} ms</span>
          </li>
        ))}
      </ol>
      {e.screenshots.length > 0 && (
        <div className="thumb-grid">
          {e.screenshots.map((s) => (
            <figure key={s.id} className="screenshot">
              <a href={s.url} target="_blank" rel="noreferrer">
                <img src={s.url} alt={`Screenshot: ${s.label}`} loading="lazy" />
              </a>
              <figcaption className="muted">{s.label}</figcaption>
            </figure>
          ))}
        </div>
      )}
    </section>
  );
}
