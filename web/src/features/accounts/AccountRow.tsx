import { type Account, useDeleteAccount, useSetCredits, useSyncAccount, useUpdateAccount } from "src/api/accounts";
import { ErrorMessage } from "src/common/ErrorMessage";
import { formatCredits, formatRelative } from "src/common/format";

export function AccountRow({ account }: { account: Account }) {
  const sync = useSyncAccount();
  const update = useUpdateAccount();
  const remove = useDeleteAccount();
  const setCredits = useSetCredits();
  const a = account;
  const editCredits = (pool: string) => {
    const value = window.prompt(`Credits in the ${pool} pool`, String(a.credits[pool] ?? 0));
    if (value !== null) setCredits.mutate({ id: a.id, credit_type: pool, amount: Number(value) });
  };

  return (
    <tr data-account-id={a.id}>
      <td>
        <strong>{a.nickname ?? a.email ?? `#${a.id}`}</strong>
        <div className="muted">
          {a.provider_id}
          {a.is_shared && " · shared"}
          {a.is_builtin && " · built-in"}
        </div>
      </td>
      <td data-label="Status">
        <span className={`badge status-${a.status}`}>{a.status}</span>
        {a.status === "cooling_down" && <div className="muted">cooling down, ready {formatRelative(a.cooldown_until)}</div>}
        {a.status_message && <div className="muted">{a.status_message}</div>}
      </td>
      <td data-label="Credits">
        {Object.entries(a.credits).map(([pool, amount]) => (
          <div key={pool}>
            {a.can_manage ? (
              <button type="button" className="link" onClick={() => editCredits(pool)} title="Set credits">
                {pool}: <span className="credits">{formatCredits(amount)}</span>
              </button>
            ) : (
              <>
                {pool}: <span className="credits">{formatCredits(amount)}</span>
              </>
            )}
          </div>
        ))}
        {Object.keys(a.credits).length === 0 && <span className="muted">—</span>}
      </td>
      <td data-label="In flight">
        {a.in_flight_jobs} of {a.max_concurrent_jobs}
      </td>
      <td data-label="Success">
        {a.success_rate === null ? "—" : `${Math.round(a.success_rate * 100)}%`}
        <div className="muted">synced {formatRelative(a.last_synced_at)}</div>
      </td>
      <td>
        {a.can_manage && (
          <div className="row">
            <button type="button" disabled={sync.isPending} onClick={() => sync.mutate(a.id)}>
              {sync.isPending ? "Syncing…" : "Sync"}
            </button>
            <button
              type="button"
              onClick={() => update.mutate({ id: a.id, status: a.status === "disabled" ? "active" : "disabled" })}
            >
              {a.status === "disabled" ? "Enable" : "Disable"}
            </button>
            {!a.is_builtin && (
              <button
                type="button"
                className="danger"
                onClick={() => window.confirm("Delete this account?") && remove.mutate(a.id)}
              >
                Delete
              </button>
            )}
          </div>
        )}
        <ErrorMessage error={sync.error ?? update.error ?? remove.error ?? setCredits.error} />
        {sync.data && !sync.data.ok && <small className="field-error">{sync.data.message}</small>}
      </td>
    </tr>
  );
}
