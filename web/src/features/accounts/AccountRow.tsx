import { Link } from "react-router";
import { type Account, useDeleteAccount, useSyncAccount, useUpdateAccount } from "src/api/accounts";
import type { Provider } from "src/api/providers";
import { ErrorMessage } from "src/common/ErrorMessage";
import { formatRelative } from "src/common/format";
import { CreditPools } from "src/features/accounts/CreditPools";

export function AccountRow({ account, provider }: { account: Account; provider?: Provider }) {
  const sync = useSyncAccount();
  const update = useUpdateAccount();
  const remove = useDeleteAccount();
  const a = account;

  return (
    <tr data-account-id={a.id}>
      <td>
        <strong>
          <Link to={`/accounts/${a.id}`}>{a.nickname ?? a.email ?? provider?.name ?? a.provider_id}</Link>
        </strong>
        <div className="muted" title="The account id a credits CSV names it by">
          #{a.id} · {a.provider_id}
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
        <CreditPools account={a} provider={provider} />
      </td>
      <td data-label="In flight">
        {a.in_flight_jobs} of {a.max_concurrent_jobs}
        <div className="muted">{a.max_concurrent_jobs_setting === null ? "as the plan allows" : `your limit ${a.max_concurrent_jobs_setting}`}</div>
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
        <ErrorMessage error={sync.error ?? update.error ?? remove.error} />
        {sync.data && !sync.data.ok && <small className="field-error">{sync.data.message}</small>}
      </td>
    </tr>
  );
}
