import { useAccounts } from "src/api/accounts";
import { useProviders } from "src/api/providers";
import { EmptyState } from "src/common/EmptyState";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Loading } from "src/common/Loading";
import { AccountRow } from "src/features/accounts/AccountRow";
import { AddAccountForm } from "src/features/accounts/AddAccountForm";
import { BulkCreditsUpload } from "src/features/accounts/BulkCreditsUpload";

export default function AccountsPage() {
  const accounts = useAccounts();
  const providers = useProviders().data ?? [];
  const rows = accounts.data?.items ?? [];
  return (
    <>
      <div className="spread">
        <h1>Accounts</h1>
        <BulkCreditsUpload />
      </div>
      {accounts.isPending && <Loading label="Loading accounts…" />}
      <ErrorMessage error={accounts.error} />
      {accounts.isSuccess && rows.length === 0 && <EmptyState title="No accounts yet">Add one below.</EmptyState>}
      {rows.length > 0 && (
        <div className="table-wrap card">
          <table className="cards">
            <thead>
              <tr>
                <th>Account</th>
                <th>Status</th>
                <th>Credits</th>
                <th>In flight</th>
                <th>Success</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((account) => (
                <AccountRow key={account.id} account={account} provider={providers.find((p) => p.id === account.provider_id)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <AddAccountForm />
    </>
  );
}
