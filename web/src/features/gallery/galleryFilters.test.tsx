import { fireEvent, screen, waitFor } from "@testing-library/react";
import GalleryPage from "src/features/gallery/GalleryPage";
import { readFilters, toAssetQuery, withFilter } from "src/features/gallery/galleryFilters";
import { renderPage, stubFetch } from "src/test/render";

const emptyPage = { body: { items: [], next_cursor: null, total: 0 } };
const providers = { body: { items: [{ id: "local", name: "Local renderer", operations: [], is_local: true }], next_cursor: null } };
const workspaces = { body: { items: [{ id: 7, name: "Trailers" }], next_cursor: null } };

describe("gallery filters in the URL", () => {
  it("reads only what the API would accept", () => {
    const params = new URLSearchParams("media_type=sound&workspace_id=x&after=2026-02-30x&sort=newest&tag=cat&page=2");
    expect(readFilters(params)).toEqual({ tag: "cat" });
  });

  it("keeps the default sort and empty values out of the URL, and other params in", () => {
    let params = new URLSearchParams("page=2&tag=cat");
    params = withFilter(params, "sort", "oldest");
    params = withFilter(params, "tag", "");
    expect(params.toString()).toBe("page=2&sort=oldest");
    expect(withFilter(params, "sort", "newest").toString()).toBe("page=2");
  });

  it("turns days into instants: from the start of one day to the end of the other", () => {
    const query = toAssetQuery({ after: "2026-03-01", before: "2026-03-02", workspace_id: "7", sort: "oldest" });
    expect(query).toEqual({
      created_after: new Date(2026, 2, 1).toISOString(),
      created_before: new Date(2026, 2, 3).toISOString(),
      workspace_id: 7,
      sort: "oldest",
    });
  });

  it("asks the API with the URL's filters, and writes a changed control back to the URL", async () => {
    const calls = stubFetch({
      "GET /api/v1/assets": emptyPage,
      "GET /api/v1/providers": providers,
      "GET /api/v1/workspaces": workspaces,
    });
    const { router } = renderPage(<GalleryPage />, {
      path: "/gallery",
      url: "/gallery?provider_id=local&sort=oldest&after=2026-03-01",
    });

    expect(await screen.findByText("No assets match these filters")).toBeInTheDocument();
    const listed = calls.find((c) => c.path.startsWith("/api/v1/assets?"));
    const query = new URL(listed!.path, "http://x").searchParams;
    expect(query.get("provider_id")).toBe("local");
    expect(query.get("sort")).toBe("oldest");
    expect(query.get("created_after")).toBe(new Date(2026, 2, 1).toISOString());

    expect(await screen.findByRole("option", { name: "Local renderer" })).toBeInTheDocument();
    expect(screen.getByLabelText("Sort")).toHaveValue("oldest");
    expect(screen.getByLabelText("Created from")).toHaveValue("2026-03-01");
    fireEvent.change(await screen.findByLabelText("Media type"), { target: { value: "video" } });
    await waitFor(() => expect(router.state.location.search).toContain("media_type=video"));
    expect(router.state.location.search).toContain("provider_id=local");

    fireEvent.click(screen.getAllByRole("button", { name: "Clear filters" })[0]!);
    await waitFor(() => expect(router.state.location.search).toBe(""));
    expect(await screen.findByText("Nothing here yet")).toBeInTheDocument();
  });

  it("shows a total counted only up to the API's cap as a lower bound", async () => {
    stubFetch({
      "GET /api/v1/assets": { body: { items: [], next_cursor: null, total: 10000, total_exact: false } },
      "GET /api/v1/providers": providers,
      "GET /api/v1/workspaces": workspaces,
    });
    renderPage(<GalleryPage />, { path: "/gallery", url: "/gallery?q=fox" });
    expect(await screen.findByText("10,000+ assets")).toBeInTheDocument();
  });
});
