import { Link, useLocation } from "react-router";
import { ApiError } from "src/api/client";

/** The app's own page for an address it has no page for, or a thing that does not exist. */
export function NotFoundPage({ what = "page" }: { what?: string }) {
  const { pathname } = useLocation();
  return (
    <section className="card stack">
      <h1>{what === "page" ? "Page not found" : `No such ${what}`}</h1>
      <p>
        There is nothing at <code>{pathname}</code>
        {what === "page" ? "." : `: this ${what} does not exist, or is not yours.`}
      </p>
      <p>
        <Link to="/">Go to the dashboard</Link>
      </p>
    </section>
  );
}

/** Whether a detail page's request failed because its id names nothing the user may see. */
export function isMissing(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 422);
}

/** Whether an id from the address can name anything at all ("abc", "1.5" and 0 cannot). */
export function isId(id: number): boolean {
  return Number.isSafeInteger(id) && id > 0;
}
