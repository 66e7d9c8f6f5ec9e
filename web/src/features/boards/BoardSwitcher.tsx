import { useEffect } from "react";
import { Link } from "react-router";
import { ApiError } from "src/api/client";
import { useWorkspace, useWorkspaces } from "src/api/workspaces";
import { setBoard, useBoard } from "src/common/board";
import { boardTree } from "src/features/boards/boardTree";

/** The board the queue, the gallery and Generate are scoped to (in the top bar). */
export function BoardSwitcher() {
  const board = useBoard();
  const boards = useWorkspaces();
  const tree = boardTree(boards.data?.items ?? []);
  const known = tree.some(({ board: b }) => b.id === board);
  // Not among the open boards: archived (kept), or gone: deleted here or elsewhere, or
  // another user's (the choice is the browser's). Work in a gone board would fail (new jobs
  // and uploads refused, lists empty), so the choice is dropped; the switcher is always
  // mounted, so this holds whoever deleted it.
  const unknown = useWorkspace(boards.isSuccess && !known ? board : null);
  const gone = unknown.error instanceof ApiError && unknown.error.status === 404;
  useEffect(() => {
    if (gone) setBoard(null);
  }, [gone]);
  return (
    <span className="row board-switcher">
      <select aria-label="Board" value={board ?? ""} onChange={(e) => setBoard(e.target.value ? Number(e.target.value) : null)}>
        <option value="">All boards</option>
        {board !== null && !known && <option value={board}>Board #{board}</option>}
        {tree.map(({ board: b, depth }) => (
          <option key={b.id} value={b.id}>
            {"\u00a0\u00a0".repeat(depth)}
            {b.name}
          </option>
        ))}
      </select>
      <Link to="/boards" className="muted">
        Boards
      </Link>
    </span>
  );
}
