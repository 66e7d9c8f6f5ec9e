import { type FormEvent, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useRegister, useRegistration } from "src/api/auth";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";
import { Loading } from "src/common/Loading";

export function RegisterPage() {
  const registration = useRegistration();
  if (registration.isPending) return <Loading label="Loading…" />;
  if (registration.data?.open === false) {
    return (
      <section className="auth card">
        <h1>Registration is closed</h1>
        <p>Accounts here are created by the admin: ask them for one.</p>
        <p>
          Have an account? <Link to="/login">Sign in</Link>
        </p>
      </section>
    );
  }
  return <RegisterForm />;
}

/** Creating an account signs in to it: on to the dashboard. */
function RegisterForm() {
  const navigate = useNavigate();
  const register = useRegister();
  const [form, setForm] = useState({ email: "", username: "", password: "" });
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [key]: e.target.value });

  function submit(event: FormEvent) {
    event.preventDefault();
    register.mutate(
      { email: form.email, password: form.password, username: form.username || null },
      { onSuccess: () => navigate("/") },
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
