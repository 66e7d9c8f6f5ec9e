import { type FormEvent, useState } from "react";
import { useCreateAccount } from "src/api/accounts";
import { useProviders } from "src/api/providers";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";

/** Add an account by API key or by a web session token. */
export function AddAccountForm() {
  const providers = useProviders();
  const create = useCreateAccount();
  const [form, setForm] = useState({ provider_id: "", nickname: "", kind: "api_key", secret: "" });
  const remote = providers.data?.filter((p) => !p.is_local) ?? [];
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { provider_id: form.provider_id, nickname: form.nickname || null, [form.kind]: form.secret },
      { onSuccess: () => setForm({ ...form, nickname: "", secret: "" }) },
    );
  }

  return (
    <form className="card stack" onSubmit={submit}>
      <h2>Add an account</h2>
      <ErrorMessage error={create.error} />
      <div className="grid-2">
        <Field label="Provider" error={fieldError(create.error, "provider_id")}>
          <select value={form.provider_id} onChange={set("provider_id")} required>
            <option value="">Choose…</option>
            {remote.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Nickname" error={fieldError(create.error, "nickname")}>
          <input value={form.nickname} onChange={set("nickname")} />
        </Field>
        <Field label="Credential">
          <select value={form.kind} onChange={set("kind")}>
            <option value="api_key">API key</option>
            <option value="jwt_token">Session token</option>
          </select>
        </Field>
        <Field label={form.kind === "api_key" ? "API key" : "Session token"} error={fieldError(create.error, form.kind)}>
          <input type="password" autoComplete="off" value={form.secret} onChange={set("secret")} required />
        </Field>
      </div>
      <button type="submit" className="primary" disabled={create.isPending}>
        {create.isPending ? "Checking with the provider…" : "Add account"}
      </button>
    </form>
  );
}
