import { useRevokeSession, useSessions } from "src/api/auth";
import { ErrorMessage } from "src/common/ErrorMessage";
import { formatDate, formatRelative } from "src/common/format";
import { Loading } from "src/common/Loading";

export function SessionList() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  if (sessions.isPending) return <Loading label="Loading sessions…" />;
  if (sessions.isError) return <ErrorMessage error={sessions.error} />;
  const rows = sessions.data.pages.flatMap((page) => page.items);

  return (
    <section className="card">
      <h2>Sessions</h2>
      <ErrorMessage error={revoke.error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Device</th>
              <th>Address</th>
              <th>Signed in</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id}>
                <td className="ellipsis" title={s.user_agent ?? ""}>
                  {s.kind === "extension" && <span className="badge">Browser extension</span>}{" "}
                  {s.user_agent ?? "unknown"}
                </td>
                <td>{s.ip_address ?? "—"}</td>
                <td>{formatDate(s.created_at)}</td>
                <td>{formatRelative(s.last_used_at)}</td>
                <td>
                  {s.current ? (
                    <span className="badge">this device</span>
                  ) : (
                    <button type="button" onClick={() => revoke.mutate(s.id)} disabled={revoke.isPending}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sessions.hasNextPage && (
        <button type="button" onClick={() => sessions.fetchNextPage()} disabled={sessions.isFetchingNextPage}>
          More
        </button>
      )}
    </section>
  );
}
