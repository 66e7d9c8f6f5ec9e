import { type FormEvent, useState } from "react";
import { type AccountSaved, useCreateAccount } from "src/api/accounts";
import { useProviders } from "src/api/providers";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";
import { formatCredits } from "src/common/format";

/** What the provider said of the account just added. */
function CheckOutcome({ saved, provider }: { saved: AccountSaved; provider: string }) {
  const check = saved.check;
  if (!check) return null;
  if (!check.ok) {
    return (
      <p className="error" role="status">
        Added, but {provider} did not accept it ({saved.status}): {check.message}
      </p>
    );
  }
  const credits = Object.entries(check.credits ?? {}).map(([pool, amount]) => `${formatCredits(amount)} ${pool}`);
  return (
    <p className="notice" role="status">
      Added and checked with {provider}
      {credits.length > 0 ? `: ${credits.join(", ")} credits` : ""}
      {check.max_concurrency ? `, ${check.max_concurrency} jobs at once` : ""}.
    </p>
  );
}

/** Add an account by API key or by a web session token; the provider checks it at once. */
export function AddAccountForm() {
  const providers = useProviders();
  const create = useCreateAccount();
  const [form, setForm] = useState({
    provider_id: "",
    nickname: "",
    kind: "api_key",
    secret: "",
    email: "",
    password: "",
  });
  const remote = providers.data?.filter((p) => !p.is_local) ?? [];
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      {
        provider_id: form.provider_id,
        nickname: form.nickname || null,
        [form.kind]: form.secret,
        email: form.email || null,
        password: form.password || null,
      },
      { onSuccess: () => setForm({ ...form, nickname: "", secret: "", email: "", password: "" }) },
    );
  }

  return (
    <form className="card stack" onSubmit={submit}>
      <h2>Add an account</h2>
      <ErrorMessage error={create.error} />
      {create.data && (
        <CheckOutcome saved={create.data} provider={remote.find((p) => p.id === create.data.provider_id)?.name ?? create.data.provider_id} />
      )}
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
        <Field label="Email (optional)" error={fieldError(create.error, "email")}>
          <input type="email" autoComplete="off" value={form.email} onChange={set("email")} />
        </Field>
        <Field
          label="App password (optional)"
          help="Typed on a phone by automation presets ({password}); stored encrypted, never shown again."
          error={fieldError(create.error, "password")}
        >
          <input type="password" autoComplete="new-password" value={form.password} onChange={set("password")} />
        </Field>
      </div>
      <button type="submit" className="primary" disabled={create.isPending}>
        {create.isPending ? "Checking with the provider…" : "Add account"}
      </button>
    </form>
  );
}
