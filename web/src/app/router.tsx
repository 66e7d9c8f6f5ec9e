import type { QueryClient } from "@tanstack/react-query";
import { createBrowserRouter } from "react-router";
import { setUnauthorizedHandler } from "src/api/client";
import { RequireAuth } from "src/app/RequireAuth";
import { Layout } from "src/common/Layout";
import { LoginPage } from "src/features/auth/LoginPage";
import { RegisterPage } from "src/features/auth/RegisterPage";

// Pages beyond sign-in load on first visit: the login screen stays small.
const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({
  Component: (await load()).default,
});

export function createRouter(queryClient: QueryClient) {
  const router = createBrowserRouter([
    { path: "/login", Component: LoginPage },
    { path: "/register", Component: RegisterPage },
    {
      Component: RequireAuth,
      children: [
        {
          Component: Layout,
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
            { path: "accounts", lazy: page(() => import("src/features/accounts/AccountsPage")) },
            { path: "services", lazy: page(() => import("src/features/services/ServicesPage")) },
            { path: "settings", lazy: page(() => import("src/features/settings/SettingsPage")) },
            {
              Component: () => <RequireAuth admin />,
              children: [
                { path: "users", lazy: page(() => import("src/features/users/UsersPage")) },
              ],
            },
          ],
        },
      ],
    },
  ]);
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
