import { type FormEvent, useState } from "react";
import type { Schemas } from "src/api/client";
import { useAdminUpdateUser } from "src/api/users";
import { fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";

const QUOTAS = [
  ["max_jobs_per_day", "Jobs per day"],
  ["max_concurrent_jobs", "Concurrent jobs"],
  ["max_storage_bytes", "Storage (bytes)"],
  ["max_provider_accounts", "Provider accounts"],
] as const;

type Quota = (typeof QUOTAS)[number][0];

/** An admin's editor for one user's quotas, folded away until opened. */
export function QuotaEditor({ user }: { user: Schemas["UserRead"] }) {
  const update = useAdminUpdateUser();
  const [values, setValues] = useState<Record<Quota, number>>(() => ({
    max_jobs_per_day: user.max_jobs_per_day,
    max_concurrent_jobs: user.max_concurrent_jobs,
    max_storage_bytes: user.max_storage_bytes,
    max_provider_accounts: user.max_provider_accounts,
  }));

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate({ id: user.id, ...values });
  }

  return (
    <details>
      <summary>Quotas</summary>
      <form className="stack" onSubmit={submit}>
        {QUOTAS.map(([key, label]) => (
          <Field key={key} label={label} error={fieldError(update.error, key)}>
            <input
              type="number"
              min={0}
              value={values[key]}
              onChange={(e) => setValues({ ...values, [key]: Number(e.target.value) })}
            />
          </Field>
        ))}
        <button type="submit" disabled={update.isPending}>
          Save quotas
        </button>
      </form>
    </details>
  );
}
