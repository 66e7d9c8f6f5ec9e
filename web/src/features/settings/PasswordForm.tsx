import { type FormEvent, useState } from "react";
import { useUpdateMe } from "src/api/users";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";

export function PasswordForm() {
  const update = useUpdateMe();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent("");
          setNext("");
        },
      },
    );
  }

  return (
    <form className="card" onSubmit={submit}>
      <h2>Password</h2>
      {update.isSuccess && <p className="notice">Password changed. Other sessions were signed out.</p>}
      <ErrorMessage error={update.error} />
      <Field label="Current password" error={fieldError(update.error, "current_password")}>
        <input
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          required
        />
      </Field>
      <Field label="New password" error={fieldError(update.error, "new_password")} help="At least 8 characters">
        <input
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          required
        />
      </Field>
      <button type="submit" disabled={update.isPending}>
        Change password
      </button>
    </form>
  );
}
