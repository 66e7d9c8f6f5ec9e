import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import GalleryPage from "src/features/gallery/GalleryPage";
import { Lightbox } from "src/features/gallery/Lightbox";
import { asset } from "src/test/fixtures";
import { renderPage, stubFetch } from "src/test/render";

describe("the lightbox", () => {
  it("opens from a tile, moves with the arrows, preloads the neighbours and closes on Escape", async () => {
    const items = [asset(3, { prompt: "third" }), asset(2, { media_type: "video", file_url: "/v2.mp4", prompt: "second" }), asset(1, { prompt: "first" })];
    stubFetch({
      "GET /api/v1/assets": { body: { items, next_cursor: null, total: 3 } },
      "GET /api/v1/providers": { body: { items: [], next_cursor: null } },
      "GET /api/v1/workspaces": { body: { items: [], next_cursor: null } },
    });
    const { router } = renderPage(<GalleryPage />, { path: "/gallery" });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("link", { name: "Asset 3" }));
    let box = screen.getByRole("dialog", { name: "Asset 3" });
    expect(router.state.location.search).toBe("?open=3");
    expect(within(box).getByText("1 / 3")).toBeInTheDocument();
    // The next one (a video) is loading already; there is no previous.
    expect(box.querySelector("video[data-preload='2']")).toHaveAttribute("src", "/v2.mp4");
    expect(within(box).getByRole("button", { name: "Previous" })).toBeDisabled();

    await user.keyboard("{ArrowRight}");
    box = await screen.findByRole("dialog", { name: "Asset 2" });
    expect(within(box).getByLabelText("Player")).toHaveAttribute("src", "/v2.mp4");
    expect(box.querySelector("[data-preload='3']")).toBeInTheDocument();
    expect(box.querySelector("[data-preload='1']")).toBeInTheDocument();
    await user.keyboard("{ArrowRight}");
    expect(await screen.findByRole("dialog", { name: "Asset 1" })).toBeInTheDocument();
    await user.keyboard("{ArrowRight}"); // the last: stays
    await user.keyboard("{ArrowLeft}");
    expect(await screen.findByRole("dialog", { name: "Asset 2" })).toBeInTheDocument();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(router.state.location.search).toBe("");
  });

  it("takes one step per key press when presses come quicker than a render", () => {
    const items = [asset(4), asset(3), asset(2), asset(1)];
    const onOpen = vi.fn();
    stubFetch({});
    renderPage(<Lightbox asset={items[3]!} items={items} onOpen={onOpen} onClose={() => {}} />, { path: "/gallery" });
    // Both presses land before the parent shows the asset the first one opened.
    fireEvent.keyDown(window, { key: "ArrowLeft" });
    fireEvent.keyDown(window, { key: "ArrowLeft" });
    expect(onOpen.mock.calls).toEqual([[2], [3]]);
  });
});
