import { ApiError } from "src/api/client";

/** The message of a failed request; field errors are shown by their fields instead. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const hasFields = error instanceof ApiError && Object.keys(error.fields).length > 0;
  return (
    <p className="error" role="alert">
      {message}
      {hasFields && " — see the marked fields."}
    </p>
  );
}

/** The API's error for one field ("params.seed", "email"...), if any. */
export function fieldError(error: unknown, name: string): string | undefined {
  return error instanceof ApiError ? error.fields[name] : undefined;
}
