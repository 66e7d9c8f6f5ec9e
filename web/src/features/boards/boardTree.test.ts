import type { Workspace } from "src/api/workspaces";
import { boardTree, descendants } from "src/features/boards/boardTree";

const board = (id: number, name: string, parent_id: number | null = null): Workspace => ({
  id,
  name,
  parent_id,
  description: null,
  color: null,
  icon: null,
  archived: false,
  created_at: "",
  updated_at: "",
});

describe("boards as a tree", () => {
  const boards = [board(1, "Trailer"), board(2, "Shots", 1), board(3, "Alpha"), board(4, "Close-ups", 2), board(5, "Orphan", 99)];

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
