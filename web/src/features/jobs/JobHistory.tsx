import { describeEntry, type HistoryEntry } from "src/features/jobs/history";

/** What happened to the job, attempt by attempt, oldest first. */
export function JobHistory({ history }: { history: HistoryEntry[] }) {
  if (history.length === 0) return <p className="muted">Nothing yet.</p>;
  return (
    <ol className="history">
      {history.map((entry, i) => (
        <li key={i}>
          <time className="muted">{typeof entry.at === "string" ? new Date(entry.at).toLocaleString() : ""}</time>{" "}
          {describeEntry(entry)}
        </li>
      ))}
    </ol>
  );
}
