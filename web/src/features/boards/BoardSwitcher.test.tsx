import { screen, waitFor } from "@testing-library/react";
import { currentBoard, setBoard } from "src/common/board";
import { BoardSwitcher } from "src/features/boards/BoardSwitcher";
import { board } from "src/test/fixtures";
import { renderPage, stubFetch } from "src/test/render";

afterEach(() => setBoard(null));

describe("the board switcher", () => {
  it("drops a current board that is gone (deleted, or another user's), and keeps an archived one", async () => {
    const calls = stubFetch({
      "GET /api/v1/workspaces": { body: { items: [board(1, "Trailer")], next_cursor: null } },
      // 7: archived; 9: answered 404 by the stub (deleted, or not this user's).
      "GET /api/v1/workspaces/7": { body: board(7, "Old", { archived: true }) },
    });
    setBoard(7);
    renderPage(<BoardSwitcher />);
    await waitFor(() => expect(calls.some((c) => c.path === "/api/v1/workspaces/7")).toBe(true));
    expect(currentBoard()).toBe(7);
    expect(screen.getByLabelText("Board")).toHaveValue("7");

    setBoard(9);
    await waitFor(() => expect(currentBoard()).toBeNull());
    expect(screen.getByLabelText("Board")).toHaveValue("");
    // A board among the open ones is never asked about.
    setBoard(1);
    await waitFor(() => expect(screen.getByLabelText("Board")).toHaveValue("1"));
    expect(calls.filter((c) => c.path === "/api/v1/workspaces/1")).toEqual([]);
  });
});
