import { type FormEvent, useState } from "react";
import type { Schemas } from "src/api/client";
import { useResetPassword } from "src/api/users";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";

/** An admin sets a new password for a user who lost theirs, folded away until opened. */
export function PasswordReset({ user }: { user: Schemas["UserRead"] }) {
  const reset = useResetPassword();
  const [password, setPassword] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    reset.mutate({ id: user.id, new_password: password }, { onSuccess: () => setPassword("") });
  }

  return (
    <details>
      <summary>Password</summary>
      <form className="stack" onSubmit={submit}>
        <ErrorMessage error={reset.error} />
        {reset.isSuccess && <p className="notice">Password set; their sessions were signed out.</p>}
        <Field label={`New password for ${user.email}`} error={fieldError(reset.error, "new_password")}>
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </Field>
        <button type="submit" disabled={reset.isPending}>
          Set password
        </button>
      </form>
    </details>
  );
}
