import { useState } from "react";
import { Link } from "react-router";
import type { LogLine } from "src/api/logs";
import { formatDate } from "src/common/format";

/** One line: time, level (coloured), logger, message; click for every field. */
export function LogLineRow({ line }: { line: LogLine }) {
  const [open, setOpen] = useState(false);
  const fields = Object.entries(line).filter(
    ([k, v]) => v !== null && !["extra", "exception", "event", "id"].includes(k),
  );
  return (
    <li className={`log-line level-${line.level}`} data-testid="log-line">
      <button type="button" className="log-summary" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className="log-ts">{formatDate(line.ts)}</span>
        <span className="log-level">{line.level}</span>
        <span className="log-logger">{line.logger}</span>
        <span className="log-event">{line.event}</span>
      </button>
      {(line.job_id || line.request_id || line.account_id) && (
        <span className="log-links">
          {line.job_id && <Link to={`/logs?job_id=${line.job_id}`}>job #{line.job_id}</Link>}{" "}
          {line.account_id && <Link to={`/accounts/${line.account_id}?tab=logs`}>account #{line.account_id}</Link>}{" "}
          {line.request_id && (
            <Link to={`/logs?request_id=${encodeURIComponent(line.request_id)}`}>request</Link>
          )}
        </span>
      )}
      {open && (
        <div className="log-detail">
          <dl className="meta">
            {fields.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{String(v)}</dd>
              </div>
            ))}
          </dl>
          {Object.keys(line.extra).length > 0 && <pre className="json">{JSON.stringify(line.extra, null, 2)}</pre>}
          {line.exception && <pre className="json log-trace">{line.exception}</pre>}
        </div>
      )}
    </li>
  );
}
