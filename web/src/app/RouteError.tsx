import { useEffect } from "react";
import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { reportRenderError } from "src/api/clientLog";
import { NotFoundPage } from "src/app/NotFoundPage";

/** What a route shows when it fails to load or render: the app's own page, with a way on. */
export function RouteError() {
  const error = useRouteError();
  const missing = isRouteErrorResponse(error) && error.status === 404;
  useEffect(() => {
    if (!missing) reportRenderError(error);
  }, [error, missing]);
  if (missing) return <NotFoundPage />;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <section className="card stack" role="alert">
      <h1>Something went wrong</h1>
      <p>This page failed: {message}</p>
      <p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>{" "}
        or <Link to="/">go to the dashboard</Link>.
      </p>
    </section>
  );
}
