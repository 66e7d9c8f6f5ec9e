import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { currentBoard } from "src/common/board";
import BoardsPage from "src/features/boards/BoardsPage";
import { board } from "src/test/fixtures";
import { renderPage, stubFetch } from "src/test/render";

describe("the Boards page", () => {
  it("creates a board and works in it; renames, nests and archives another", async () => {
    const calls = stubFetch({
      "GET /api/v1/workspaces": { body: { items: [board(1, "Trailer"), board(2, "Shots", { parent_id: 1 })], next_cursor: null } },
      "POST /api/v1/workspaces": { status: 201, body: board(3, "Teaser") },
      "PATCH /api/v1/workspaces/2": { body: board(2, "Shots") },
    });
    renderPage(<BoardsPage />, { path: "/boards" });
    const user = userEvent.setup();
    const shots = await screen.findByRole("listitem", { name: "Board Shots" });
    expect(shots).toHaveClass("depth-1");
    await user.type(screen.getByLabelText("Board name"), "Teaser");
    await user.selectOptions(screen.getByLabelText("Colour"), "Amber");
    await user.click(screen.getByRole("button", { name: "Create board" }));
    await waitFor(() => expect(currentBoard()).toBe(3));
    const made = calls.find((c) => c.method === "POST" && c.path === "/api/v1/workspaces")!;
    expect(JSON.parse(made.body)).toEqual({ name: "Teaser", color: "#f5b14c", parent_id: null });

    await user.click(within(shots).getByRole("button", { name: "Rename" }));
    const box = within(shots).getByLabelText("New name for Shots");
    await user.clear(box);
    await user.type(box, "Close-ups{Enter}");
    await user.selectOptions(within(shots).getByLabelText("Parent of Shots"), "");
    await user.click(within(shots).getByRole("button", { name: "Archive" }));
    const patches = calls.filter((c) => c.method === "PATCH").map((c) => JSON.parse(c.body));
    expect(patches).toEqual([{ name: "Close-ups" }, { parent_id: null }, { archived: true }]);
    // A board may not go inside itself or what lies under it.
    const trailer = screen.getByRole("listitem", { name: "Board Trailer" });
    expect(within(within(trailer).getByLabelText("Parent of Trailer")).queryByText("inside Shots")).toBeNull();
  });
});
