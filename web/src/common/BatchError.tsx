import { ApiError } from "src/api/client";

/** A refused batch: what the server said, and which items it was about (all or none, so
 * nothing was changed). */
export function BatchError({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const detail = error instanceof ApiError ? Object.values(error.fields).join("; ") : "";
  return (
    <p className="error" role="alert">
      {message}
      {detail && <>: {detail}</>}
    </p>
  );
}
