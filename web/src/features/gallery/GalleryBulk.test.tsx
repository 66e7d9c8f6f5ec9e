import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { downloadUrl } from "src/api/assets";
import GalleryPage from "src/features/gallery/GalleryPage";
import { asset } from "src/test/fixtures";
import { renderPage, stubFetch } from "src/test/render";

const page = (ids: number[], extra = {}, total = ids.length) => ({ body: { items: ids.map((id) => asset(id, extra)), next_cursor: null, total } });

describe("gallery multi-select", () => {
  it("tags a shift-clicked range in one request, and downloads it as a zip", async () => {
    const calls = stubFetch({
      "GET /api/v1/assets": page([6, 5, 4, 3]),
      "GET /api/v1/providers": { body: { items: [], next_cursor: null } },
      "GET /api/v1/workspaces": { body: { items: [{ id: 7, name: "Trailers" }], next_cursor: null } },
      "POST /api/v1/assets/batch/tags": { body: { ids: [5, 4, 3] } },
    });
    renderPage(<GalleryPage />, { path: "/gallery" });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("checkbox", { name: "Select asset 5" }));
    await user.keyboard("{Shift>}");
    await user.click(screen.getByRole("checkbox", { name: "Select asset 3" }));
    await user.keyboard("{/Shift}");
    const bar = screen.getByRole("toolbar", { name: "Selected assets" });
    expect(within(bar).getByText("3 selected")).toBeInTheDocument();
    expect(within(bar).getByRole("link", { name: "Download zip" })).toHaveAttribute("href", "/api/v1/assets/download?ids=5&ids=4&ids=3");
    await user.type(within(bar).getByLabelText("Tag for the selection"), "sea");
    await user.click(within(bar).getByRole("button", { name: "Add tag" }));
    await waitFor(() => expect(screen.queryByRole("toolbar", { name: "Selected assets" })).toBeNull());
    const sent = calls.find((c) => c.path === "/api/v1/assets/batch/tags")!;
    expect(JSON.parse(sent.body)).toEqual({ ids: [5, 4, 3], add: ["sea"], remove: [] });
  });

  it("selects all matching, by the filter, and the trash offers restore and delete forever", async () => {
    const calls = stubFetch({
      "GET /api/v1/assets": page([2, 1], { trashed_at: "2026-03-02T10:00:00Z" }, 40),
      "GET /api/v1/providers": { body: { items: [], next_cursor: null } },
      "GET /api/v1/workspaces": { body: { items: [], next_cursor: null } },
      "POST /api/v1/assets/batch/restore": { body: { ids: [1, 2] } },
    });
    renderPage(<GalleryPage />, { path: "/gallery", url: "/gallery?trashed=true&tag=x" });
    const user = userEvent.setup();
    expect(await screen.findByRole("heading", { name: /Trash/ })).toBeInTheDocument();
    await user.click(await screen.findByRole("checkbox", { name: "Select all shown" }));
    const bar = screen.getByRole("toolbar", { name: "Selected assets" });
    await user.click(within(bar).getByRole("button", { name: "Select all 40 matching" }));
    expect(within(bar).getByText("40 selected")).toBeInTheDocument();
    expect(within(bar).queryByRole("button", { name: "Favourite" })).toBeNull();
    await user.click(within(bar).getByRole("button", { name: "Restore" }));
    await waitFor(() => expect(calls.some((c) => c.path === "/api/v1/assets/batch/restore")).toBe(true));
    const sent = calls.find((c) => c.path === "/api/v1/assets/batch/restore")!;
    expect(JSON.parse(sent.body)).toEqual({ filter: { tag: "x", trashed: true } });
  });

  it("puts a filter selection's download in the URL", () => {
    expect(downloadUrl({ filter: { tag: "sea", favorite: true, q: undefined } })).toBe("/api/v1/assets/download?tag=sea&favorite=true");
  });
});
