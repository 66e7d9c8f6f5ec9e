import { type FormEvent, useState } from "react";
import { type Account, useClearCredits, useSetCredits } from "src/api/accounts";
import type { Provider } from "src/api/providers";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { formatCredits } from "src/common/format";

/** The pools an account shows: the one its jobs spend from first, then any other known. */
export function poolsOf(account: Account): string[] {
  const pools = account.credit_pool ? [account.credit_pool] : [];
  return [...pools, ...Object.keys(account.credits).filter((p) => !pools.includes(p))];
}

/** What an unknown balance means: not read yet, or a provider that shows none. */
function unknownLabel(provider: Provider | undefined): string {
  return provider && !provider.reports_balance ? "no budget (not checked)" : "unknown";
}

/** An account's credits per pool, each settable by whoever manages it. */
export function CreditPools({ account, provider }: { account: Account; provider?: Provider }) {
  const pools = poolsOf(account);
  if (pools.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {pools.map((pool) => (
        <Pool key={pool} account={account} pool={pool} unknown={unknownLabel(provider)} />
      ))}
    </>
  );
}

function Pool({ account, pool, unknown }: { account: Account; pool: string; unknown: string }) {
  const set = useSetCredits();
  const clear = useClearCredits();
  const amount = account.credits[pool];
  const [editing, setEditing] = useState<string | null>(null);

  function save(event: FormEvent) {
    event.preventDefault();
    set.mutate({ id: account.id, credit_type: pool, amount: Number(editing) }, { onSuccess: () => setEditing(null) });
  }

  if (editing !== null) {
    return (
      <form className="row" onSubmit={save}>
        <label>
          {pool}{" "}
          <input
            type="number"
            min={0}
            step="any"
            required
            aria-label={`Credits in the ${pool} pool`}
            value={editing}
            onChange={(e) => setEditing(e.target.value)}
            autoFocus
          />
        </label>
        <button type="submit" disabled={set.isPending}>
          Save
        </button>
        <button type="button" onClick={() => setEditing(null)}>
          Cancel
        </button>
        {fieldError(set.error, "amount") ? <small className="field-error">{fieldError(set.error, "amount")}</small> : <ErrorMessage error={set.error} />}
      </form>
    );
  }
  return (
    <div data-pool={pool}>
      {pool}: {amount === undefined ? <span className="muted">{unknown}</span> : <span className="credits">{formatCredits(amount)}</span>}
      {account.can_manage && (
        <>
          {" "}
          <button type="button" className="link" onClick={() => setEditing(String(amount ?? ""))} aria-label={`Set credits in the ${pool} pool`}>
            set
          </button>
          {amount !== undefined && (
            <>
              {" · "}
              <button
                type="button"
                className="link"
                aria-label={`Forget the ${pool} balance`}
                title="Unknown until the provider reports it: jobs are not held back by it"
                onClick={() => clear.mutate({ id: account.id, credit_type: pool })}
              >
                forget
              </button>
            </>
          )}
        </>
      )}
      <ErrorMessage error={clear.error} />
    </div>
  );
}
