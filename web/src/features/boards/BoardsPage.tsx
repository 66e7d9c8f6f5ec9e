import { useState } from "react";
import { useCreateWorkspace, useWorkspaces } from "src/api/workspaces";
import { setBoard } from "src/common/board";
import { EmptyState } from "src/common/EmptyState";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Loading } from "src/common/Loading";
import { BoardRow } from "src/features/boards/BoardRow";
import { boardTree, descendants } from "src/features/boards/boardTree";
import { ColourPicker } from "src/features/boards/ColourPicker";
import { PALETTE } from "src/features/boards/BoardStrip";

/** Boards (workspaces): create, rename, colour, nest, archive, delete; pick the one to work in. */
export default function BoardsPage() {
  const [archived, setArchived] = useState(false);
  const boards = useWorkspaces(archived);
  const create = useCreateWorkspace();
  const [name, setName] = useState("");
  const [color, setColor] = useState<string>(PALETTE[0]!);
  const [parent, setParent] = useState("");
  const all = boards.data?.items ?? [];
  const tree = boardTree(all);
  return (
    <>
      <h1>Boards</h1>
      <p className="muted">
        A board groups jobs and assets. The board chosen at the top scopes the queue, the gallery and Generate; what
        you generate or upload lands in it. Drag assets or jobs onto a board above the gallery or the queue to move them.
      </p>
      <form
        className="row card"
        aria-label="New board"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { name: name.trim(), color, parent_id: parent ? Number(parent) : null },
            {
              onSuccess: (made) => {
                setName("");
                if (!parent) setBoard(made.id);
              },
            },
          );
        }}
      >
        <input aria-label="Board name" placeholder="New board" value={name} maxLength={128} required onChange={(e) => setName(e.target.value)} />
        <ColourPicker label="Colour" value={color} onChange={setColor} />
        <select aria-label="Inside" value={parent} onChange={(e) => setParent(e.target.value)}>
          <option value="">Top level</option>
          {tree
            .filter(({ board }) => !board.archived)
            .map(({ board, depth }) => (
              <option key={board.id} value={board.id}>
                {"\u00a0\u00a0".repeat(depth)}inside {board.name}
              </option>
            ))}
        </select>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create board
        </button>
        {fieldError(create.error, "name") && <small className="field-error">{fieldError(create.error, "name")}</small>}
      </form>
      <ErrorMessage error={create.error} />
      <label className="inline-field">
        <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} /> Show archived boards
      </label>
      {boards.isPending && <Loading label="Loading boards…" />}
      <ErrorMessage error={boards.error} />
      {boards.isSuccess && tree.length === 0 && <EmptyState title="No boards yet">Create one above.</EmptyState>}
      <ul className="board-list">
        {tree.map(({ board, depth }) => {
          const under = descendants(all, board.id);
          return <BoardRow key={board.id} board={board} depth={depth} parents={all.filter((b) => !under.has(b.id) && !b.archived)} />;
        })}
      </ul>
    </>
  );
}
