import { Link, useParams, useSearchParams } from "react-router";
import { useAccount } from "src/api/accounts";
import { useProviders } from "src/api/providers";
import { isId, isMissing, NotFoundPage } from "src/app/NotFoundPage";
import { ErrorMessage } from "src/common/ErrorMessage";
import { formatDate, formatRelative } from "src/common/format";
import { Loading } from "src/common/Loading";
import { CreditPools } from "src/features/accounts/CreditPools";
import { LogView } from "src/features/logs/LogView";

const TABS = [
  { id: "overview", label: "Overview" },
  { id: "logs", label: "Logs" },
] as const;

/** One account: where it stands, and (Logs tab) every stored line about it. */
export default function AccountPage() {
  const id = Number(useParams().accountId);
  const account = useAccount(id);
  const providers = useProviders().data ?? [];
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") ?? "overview";
  if (!isId(id)) return <NotFoundPage what="account" />;
  if (account.isPending) return <Loading label="Loading the account…" />;
  if (account.isError) {
    return isMissing(account.error) ? <NotFoundPage what="account" /> : <ErrorMessage error={account.error} />;
  }
  const a = account.data;
  const provider = providers.find((p) => p.id === a.provider_id);
  return (
    <>
      <p>
        <Link to="/accounts">← Accounts</Link>
      </p>
      <h1>
        {a.nickname ?? a.email ?? provider?.name ?? a.provider_id}{" "}
        <small className="muted">
          #{a.id} · {a.provider_id}
        </small>{" "}
        <span className={`badge status-${a.status}`}>{a.status}</span>
      </h1>
      <div className="row tabs" role="tablist" aria-label="Account">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? "primary" : ""}
            onClick={() => setParams({ tab: t.id })}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === "logs" ? (
          <LogView scope={{ account_id: String(a.id) }} />
        ) : (
          <section className="card">
            {a.status_message && <p className="muted">{a.status_message}</p>}
            <dl className="meta">
              <dt>Credits</dt>
              <dd>
                <CreditPools account={a} provider={provider} />
              </dd>
              <dt>In flight</dt>
              <dd>
                {a.in_flight_jobs} of {a.max_concurrent_jobs}
              </dd>
              <dt>Success</dt>
              <dd>{a.success_rate === null ? "—" : `${Math.round(a.success_rate * 100)}%`}</dd>
              <dt>Synced</dt>
              <dd>{formatRelative(a.last_synced_at)}</dd>
              <dt>Added</dt>
              <dd>{formatDate(a.created_at)}</dd>
            </dl>
          </section>
        )}
      </div>
    </>
  );
}
