import { LogView } from "src/features/logs/LogView";

/** Stored log lines of every process (those the user may see): filters, facets, live tail. */
export default function LogsPage() {
  return (
    <>
      <h1>Logs</h1>
      <LogView />
    </>
  );
}
