import type { QueryClient } from "@tanstack/react-query";
import { createBrowserRouter, type RouteObject } from "react-router";
import { setUnauthorizedHandler } from "src/api/client";
import { NotFoundPage } from "src/app/NotFoundPage";
import { RequireAuth } from "src/app/RequireAuth";
import { RouteError } from "src/app/RouteError";
import { Layout } from "src/common/Layout";
import { LoginPage } from "src/features/auth/LoginPage";
import { RegisterPage } from "src/features/auth/RegisterPage";

// Pages beyond sign-in load on first visit: the login screen stays small.
const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({
  Component: (await load()).default,
});

/** Every page; an address none of them has is the app's "not found" page (signed in). */
export const routes: RouteObject[] = [
  {
    ErrorBoundary: RouteError,
    children: [
      { path: "/login", Component: LoginPage },
      { path: "/register", Component: RegisterPage },
      {
        Component: RequireAuth,
        children: [
          // The player takes the whole window: no navigation bar above the picture.
          { path: "play/:sceneId", lazy: page(() => import("src/features/scenes/PlayPage")) },
          // The editor too: the canvas takes the whole window.
          { path: "scenes/:sceneId/edit", lazy: page(() => import("src/features/scenes/editor/EditorPage")) },
          {
            Component: Layout,
            children: [
              {
                // Inside the frame: a page that fails keeps the navigation.
                ErrorBoundary: RouteError,
                children: [
                  { index: true, lazy: page(() => import("src/features/dashboard/DashboardPage")) },
                  { path: "generate", lazy: page(() => import("src/features/generate/GeneratePage")) },
                  { path: "jobs", lazy: page(() => import("src/features/jobs/JobsPage")) },
                  { path: "jobs/:jobId", lazy: page(() => import("src/features/jobs/JobDetailPage")) },
                  { path: "gallery", lazy: page(() => import("src/features/gallery/GalleryPage")) },
                  {
                    path: "gallery/:assetId",
                    lazy: page(() => import("src/features/gallery/AssetDetailPage")),
                  },
                  { path: "compare", lazy: page(() => import("src/features/gallery/ComparePage")) },
                  { path: "boards", lazy: page(() => import("src/features/boards/BoardsPage")) },
                  { path: "scenes", lazy: page(() => import("src/features/scenes/ScenesPage")) },
                  { path: "accounts", lazy: page(() => import("src/features/accounts/AccountsPage")) },
                  {
                    path: "accounts/:accountId",
                    lazy: page(() => import("src/features/accounts/AccountPage")),
                  },
                  { path: "logs", lazy: page(() => import("src/features/logs/LogsPage")) },
                  { path: "services", lazy: page(() => import("src/features/services/ServicesPage")) },
                  {
                    path: "automation",
                    lazy: page(() => import("src/features/automation/AutomationPage")),
                  },
                  { path: "settings", lazy: page(() => import("src/features/settings/SettingsPage")) },
                  {
                    Component: () => <RequireAuth admin />,
                    children: [
                      { path: "users", lazy: page(() => import("src/features/users/UsersPage")) },
                    ],
                  },
                  { path: "*", Component: NotFoundPage },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
];

export function createRouter(queryClient: QueryClient) {
  const router = createBrowserRouter(routes);
  setUnauthorizedHandler(() => {
    queryClient.clear();
    const { pathname, search } = router.state.location;
    if (pathname !== "/login") {
      void router.navigate(`/login?next=${encodeURIComponent(pathname + search)}`, {
        replace: true,
      });
    }
  });
  return router;
}
