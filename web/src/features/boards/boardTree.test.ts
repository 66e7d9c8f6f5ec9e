import { boardTree, descendants } from "src/features/boards/boardTree";
import { board } from "src/test/fixtures";

describe("boards as a tree", () => {
  const boards = [board(1, "Trailer"), board(2, "Shots", { parent_id: 1 }), board(3, "Alpha"), board(4, "Close-ups", { parent_id: 2 }), board(5, "Orphan", { parent_id: 99 })];

  it("lists parents before their children, siblings by name, orphans as roots", () => {
    expect(boardTree(boards).map(({ board: b, depth }) => `${depth}:${b.name}`)).toEqual([
      "0:Alpha",
      "0:Orphan",
      "0:Trailer",
      "1:Shots",
      "2:Close-ups",
    ]);
  });

  it("knows what lies under a board", () => {
    expect([...descendants(boards, 1)].sort()).toEqual([1, 2, 4]);
    expect([...descendants(boards, 3)]).toEqual([3]);
  });
});
