import { type FormEvent, useState } from "react";
import { useCreateUser } from "src/api/users";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";

const EMPTY = { email: "", username: "", password: "", role: "user" as "user" | "admin" };

/** An admin's form to add a user with a first password (registration is closed by default). */
export function AddUserForm() {
  const create = useCreateUser();
  const [form, setForm] = useState(EMPTY);
  const [added, setAdded] = useState<string | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    setAdded(null);
    const { email, username, password, role } = form;
    create.mutate(
      { email, password, role, username: username || null },
      {
        onSuccess: (user) => {
          setAdded(user.email);
          setForm(EMPTY);
        },
      },
    );
  }

  return (
    <details className="card">
      <summary>Add a user</summary>
      <form className="stack" onSubmit={submit}>
        <ErrorMessage error={create.error} />
        {added && <p className="notice">Added {added}: give them their password to sign in.</p>}
        <Field label="Email" error={fieldError(create.error, "email")}>
          <input
            type="email"
            autoComplete="off"
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
            required
          />
        </Field>
        <Field label="Username (optional)" error={fieldError(create.error, "username")}>
          <input
            autoComplete="off"
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.target.value })}
          />
        </Field>
        <Field label="First password" error={fieldError(create.error, "password")} help="At least 8 characters">
          <input
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
            required
          />
        </Field>
        <Field label="Role" error={fieldError(create.error, "role")}>
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as "user" | "admin" })}>
            <option value="user">user</option>
            <option value="admin">admin</option>
          </select>
        </Field>
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add user"}
        </button>
      </form>
    </details>
  );
}
