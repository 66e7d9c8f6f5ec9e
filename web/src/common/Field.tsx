import type { ReactNode } from "react";

interface Props {
  label: string;
  error?: string;
  help?: string;
  children: ReactNode;
}

/** A labelled form control with its help text and the API's error for it. */
export function Field({ label, error, help, children }: Props) {
  return (
    <label className={error ? "field field-invalid" : "field"}>
      <span className="field-label">{label}</span>
      {children}
      {help && !error && <small className="field-help">{help}</small>}
      {error && (
        <small className="field-error" role="alert">
          {error}
        </small>
      )}
    </label>
  );
}
