import { type FormEvent, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useRegister } from "src/api/auth";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";

export function RegisterPage() {
  const navigate = useNavigate();
  const register = useRegister();
  const [form, setForm] = useState({ email: "", username: "", password: "" });
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [key]: e.target.value });

  function submit(event: FormEvent) {
    event.preventDefault();
    register.mutate(
      { email: form.email, password: form.password, username: form.username || null },
      {
        onSuccess: () =>
          navigate(`/login?registered=1&email=${encodeURIComponent(form.email)}`),
      },
    );
  }

  return (
    <form className="auth card" onSubmit={submit}>
      <h1>Create an account</h1>
      <ErrorMessage error={register.error} />
      <Field label="Email" error={fieldError(register.error, "email")}>
        <input name="email" type="email" autoComplete="email" value={form.email} onChange={set("email")} required />
      </Field>
      <Field
        label="Username (optional)"
        error={fieldError(register.error, "username")}
        help="Letters, digits, . _ -"
      >
        <input name="username" autoComplete="username" value={form.username} onChange={set("username")} />
      </Field>
      <Field label="Password" error={fieldError(register.error, "password")} help="At least 8 characters">
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={set("password")}
          required
        />
      </Field>
      <button type="submit" className="primary" disabled={register.isPending}>
        {register.isPending ? "Creating…" : "Create account"}
      </button>
      <p>
        Already registered? <Link to="/login">Sign in</Link>
      </p>
    </form>
  );
}
