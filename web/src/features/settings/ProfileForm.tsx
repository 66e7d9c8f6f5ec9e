import { type FormEvent, useState } from "react";
import { useMe, useUpdateMe } from "src/api/users";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";
import { formatBytes } from "src/common/format";

export function ProfileForm() {
  const me = useMe();
  const update = useUpdateMe();
  const [displayName, setDisplayName] = useState(me.data?.display_name ?? "");
  if (!me.data) return null;
  const { usage } = me.data;

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate({ display_name: displayName || null });
  }

  return (
    <form className="card" onSubmit={submit}>
      <h2>Profile</h2>
      <p className="muted">
        {me.data.email} · {me.data.role} · today {usage.jobs_created} of {me.data.max_jobs_per_day}{" "}
        jobs · {formatBytes(usage.storage_bytes)} of {formatBytes(me.data.max_storage_bytes)} stored
      </p>
      <ErrorMessage error={update.error} />
      <Field label="Display name" error={fieldError(update.error, "display_name")}>
        <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </Field>
      <button type="submit" disabled={update.isPending}>
        {update.isSuccess ? "Saved" : "Save"}
      </button>
    </form>
  );
}
