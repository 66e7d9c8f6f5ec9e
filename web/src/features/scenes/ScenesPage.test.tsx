import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import ScenesPage from "src/features/scenes/ScenesPage";
import { renderPage, stubFetch } from "src/test/render";

const summary = (id: number, title: string, status: string, errors: number | null = 0) => ({
  id,
  title,
  description: null,
  workspace_id: null,
  status,
  version: 1,
  node_count: 6,
  error_count: errors,
  warning_count: errors === null ? null : 1,
  poster_asset_id: id === 3 ? 41 : null,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-02T00:00:00Z",
  published_at: null,
});

const list = [summary(3, "Cave", "published"), summary(2, "Draft", "draft", 2), summary(1, "Old", "draft", null)];

test("lists the scenes with their poster, problems, and exports only for those without errors", async () => {
  stubFetch({ "GET /api/v1/scenes": { body: { items: list } }, "GET /api/v1/workspaces": { body: { items: [] } } });
  renderPage(<ScenesPage />, { path: "/scenes" });
  expect(await screen.findByRole("link", { name: "Play Cave" })).toHaveAttribute("href", "/play/3");
  expect(screen.getByRole("link", { name: "Edit Draft" })).toHaveAttribute("href", "/scenes/2/edit");
  expect(screen.getByRole("link", { name: "Export Cave" })).toHaveAttribute("href", "/api/v1/scenes/3/export.zip");
  expect(screen.queryByRole("link", { name: "Export Draft" })).not.toBeInTheDocument();
  expect(screen.getByText("2 errors, 1 warning")).toBeInTheDocument();
  expect(screen.getByText("—")).toBeInTheDocument(); // not counted yet
  expect(document.querySelector("img.scene-list-poster")).toHaveAttribute("src", "/api/v1/assets/41/thumbnail");
});

test("deletes after a confirmation, and offers to delete a scene others call anyway", async () => {
  let forced = false;
  const calls = stubFetch({
    "GET /api/v1/scenes": { body: { items: list } },
    "GET /api/v1/workspaces": { body: { items: [] } },
    "DELETE /api/v1/scenes/2": (request) => {
      forced = new URL(request.url).searchParams.get("force") === "true";
      return forced
        ? { status: 204 }
        : { status: 409, body: { error: { code: "scene_in_use", message: "called by: Cave", fields: {} } } };
    },
  });
  renderPage(<ScenesPage />, { path: "/scenes" });
  await userEvent.click(await screen.findByRole("button", { name: "Delete Draft" }));
  await userEvent.click(screen.getByRole("button", { name: "Yes, delete" }));
  expect(await screen.findByText("called by: Cave")).toBeInTheDocument();
  await userEvent.click(screen.getByRole("button", { name: "Delete anyway" }));
  await waitFor(() => expect(forced).toBe(true));
  expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual([
    "/api/v1/scenes/2?force=false",
    "/api/v1/scenes/2?force=true",
  ]);
});

test("says so when there is no scene yet", async () => {
  stubFetch({ "GET /api/v1/scenes": { body: { items: [] } }, "GET /api/v1/workspaces": { body: { items: [] } } });
  renderPage(<ScenesPage />, { path: "/scenes" });
  expect(await screen.findByText("No scenes yet")).toBeInTheDocument();
});
