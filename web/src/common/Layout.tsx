import { useState } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";
import { useLogout } from "src/api/auth";
import { useLiveEvents } from "src/api/events";
import { useMe } from "src/api/users";
import { BoardSwitcher } from "src/features/boards/BoardSwitcher";

const LINKS = [
  { to: "/", label: "Dashboard", end: true },
  { to: "/generate", label: "Generate" },
  { to: "/jobs", label: "Jobs" },
  { to: "/gallery", label: "Gallery" },
  { to: "/scenes", label: "Scenes" },
  { to: "/accounts", label: "Accounts" },
  { to: "/automation", label: "Automation" },
  { to: "/services", label: "Services" },
  { to: "/logs", label: "Logs" },
];

/** The signed-in frame: navigation, who is signed in, and the live event stream. */
export function Layout() {
  const me = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  const live = useLiveEvents();
  // On a phone the links fold behind a Menu button; following one folds them again.
  const [menuOpen, setMenuOpen] = useState(false);
  const links =
    me.data?.role === "admin" ? [...LINKS, { to: "/users", label: "Users" }] : LINKS;

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">PixSim7</span>
        <nav aria-label="Main" className={menuOpen ? "nav nav-open" : "nav"}>
          <button
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls="main-links"
            onClick={() => setMenuOpen(!menuOpen)}
          >
            Menu
          </button>
          <div id="main-links" className="nav-links">
            {links.map((link) => (
              <NavLink key={link.to} to={link.to} end={link.end} onClick={() => setMenuOpen(false)}>
                {link.label}
              </NavLink>
            ))}
          </div>
        </nav>
        <BoardSwitcher />
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
