import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useLogin, useRegistration } from "src/api/auth";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const login = useLogin();
  const registration = useRegistration();
  const [email, setEmail] = useState(params.get("email") ?? "");
  const [password, setPassword] = useState("");
  const next = params.get("next");

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate(
      { email, password },
      // Only same-site paths: `next` comes from the URL.
      { onSuccess: () => navigate(next?.startsWith("/") && !next.startsWith("//") ? next : "/") },
    );
  }

  return (
    <form className="auth card" onSubmit={submit}>
      <h1>Sign in to PixSim7</h1>
      <ErrorMessage error={login.error} />
      <Field label="Email or username" error={fieldError(login.error, "email")}>
        <input
          name="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
          autoFocus
        />
      </Field>
      <Field label="Password" error={fieldError(login.error, "password")}>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </Field>
      <button type="submit" className="primary" disabled={login.isPending}>
        {login.isPending ? "Signing in…" : "Sign in"}
      </button>
      {registration.data?.open && (
        <p>
          New here? <Link to="/register">Create an account</Link>
        </p>
      )}
    </form>
  );
}
