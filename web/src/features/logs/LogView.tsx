import { useState } from "react";
import { Link } from "react-router";
import { LOG_FILTERS, useLogs, useLogTail, type LogFacets, type LogFilters } from "src/api/logs";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Loading } from "src/common/Loading";
import { LogLineRow } from "src/features/logs/LogLineRow";
import { useUrlParams } from "src/common/useUrlParams";

const LEVELS = ["debug", "info", "warning", "error", "critical"];

/** Stored log lines: filters and facets kept in the page's URL, a live tail with pause.
 * `scope` filters every request and is not offered as a filter (an account's own page). */
export function LogView({ scope = {} }: { scope?: LogFilters }) {
  const [params, setParams] = useUrlParams();
  const fixed = (name: string) => scope[name as keyof LogFilters] !== undefined;
  const filters: LogFilters = {
    ...Object.fromEntries(LOG_FILTERS.map((name) => [name, params.get(name) ?? undefined])),
    ...scope,
  };
  const set = (name: string, value: string | undefined) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set(name, value);
      else next.delete(name);
      return next;
    });
  const [live, setLive] = useState(false);
  const tail = useLogTail(filters, live);
  const logs = useLogs(filters);
  const pages = logs.data?.pages ?? [];
  const lines = pages.flatMap((p) => p.items);
  const facets = pages[0]?.facets;
  return (
    <>
      <div className="row log-controls">
        <label>
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live
        </label>
        {live && (
          <button type="button" onClick={tail.paused ? tail.resume : tail.pause}>
            {tail.paused ? "Resume" : "Pause"}
          </button>
        )}
      </div>
      <form
        className="row log-filters"
        onSubmit={(e) => {
          e.preventDefault();
          const text = new FormData(e.currentTarget).get("q");
          set("q", typeof text === "string" ? text : undefined);
        }}
      >
        <select aria-label="Level" value={filters.level ?? ""} onChange={(e) => set("level", e.target.value)}>
          <option value="">any level</option>
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l} and above
            </option>
          ))}
        </select>
        <input name="q" aria-label="Search" placeholder="text in the message" defaultValue={filters.q ?? ""} />
        <button type="submit">Search</button>
        {LOG_FILTERS.filter((f) => f !== "q" && f !== "level" && !fixed(f) && filters[f]).map((f) => (
          <button key={f} type="button" className="chip" onClick={() => set(f, undefined)}>
            {f}: {filters[f]} ✕
          </button>
        ))}
      </form>
      {filters.job_id && !fixed("job_id") && (
        <p>
          <Link to={`/jobs/${encodeURIComponent(filters.job_id)}`}>Job #{filters.job_id}'s page</Link>
        </p>
      )}
      {facets && <Facets facets={facets} onPick={set} />}
      {live && (
        <section className="card">
          <h2>
            Live{" "}
            <small className="muted" role="status">
              {tail.paused ? `paused, ${tail.waiting} waiting` : `${tail.lines.length} new`}
            </small>
          </h2>
          <ul className="log-list" data-testid="log-tail">
            {tail.lines.map((line) => (
              <LogLineRow key={line.id} line={line} />
            ))}
          </ul>
        </section>
      )}
      {logs.isPending ? (
        <Loading />
      ) : logs.isError ? (
        <ErrorMessage error={logs.error} />
      ) : lines.length === 0 ? (
        <p className="muted">No lines match.</p>
      ) : (
        <ul className="log-list" data-testid="log-lines">
          {lines.map((line) => (
            <LogLineRow key={line.id} line={line} />
          ))}
        </ul>
      )}
      {logs.hasNextPage && (
        <button type="button" onClick={() => void logs.fetchNextPage()}>
          Older lines
        </button>
      )}
    </>
  );
}

function Facets({ facets, onPick }: { facets: LogFacets; onPick: (name: string, value: string) => void }) {
  const groups: [string, Record<string, number>][] = [
    ["level", facets.level],
    ["logger", facets.logger],
    ["provider", facets.provider],
    ["error_class", facets.error_class],
  ];
  return (
    <div className="facets">
      {groups.map(([name, counts]) => (
        <div key={name} className="facet">
          <strong>{name}</strong>
          {Object.entries(counts).map(([value, n]) => (
            <button key={value} type="button" className="chip" onClick={() => onPick(name, value)}>
              {value} <small>{n}</small>
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}
