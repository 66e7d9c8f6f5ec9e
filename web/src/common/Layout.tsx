import { NavLink, Outlet, useNavigate } from "react-router";
import { useLogout } from "src/api/auth";
import { useLiveEvents } from "src/api/events";
import { useMe } from "src/api/users";

const LINKS = [
  { to: "/", label: "Dashboard", end: true },
  { to: "/generate", label: "Generate" },
  { to: "/jobs", label: "Jobs" },
  { to: "/gallery", label: "Gallery" },
  { to: "/accounts", label: "Accounts" },
  { to: "/services", label: "Services" },
];

/** The signed-in frame: navigation, who is signed in, and the live event stream. */
export function Layout() {
  const me = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  const live = useLiveEvents();
  const links =
    me.data?.role === "admin" ? [...LINKS, { to: "/users", label: "Users" }] : LINKS;

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">PixSim7</span>
        <nav aria-label="Main">
          {links.map((link) => (
            <NavLink key={link.to} to={link.to} end={link.end}>
              {link.label}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <span
            className={live ? "live live-on" : "live"}
            title={live ? "Live updates on" : "Reconnecting to live updates…"}
          />
          <NavLink to="/settings">{me.data?.username ?? me.data?.email}</NavLink>
          <button
            type="button"
            className="link"
            onClick={() => logout.mutate(undefined, { onSettled: () => navigate("/login") })}
          >
            Sign out
          </button>
        </div>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
