import { Navigate, Outlet, useLocation } from "react-router";
import { token } from "src/api/client";
import { useMe } from "src/api/users";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Loading } from "src/common/Loading";

/** Signed-in pages only: without a token, off to /login (and back here afterwards). */
export function RequireAuth({ admin = false }: { admin?: boolean }) {
  const location = useLocation();
  const me = useMe();
  if (!token.get()) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  if (me.isPending) return <Loading label="Signing in…" />;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (admin && me.data.role !== "admin") return <ErrorMessage error="Admins only." />;
  return <Outlet />;
}
