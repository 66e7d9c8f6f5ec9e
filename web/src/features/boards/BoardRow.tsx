import { useState } from "react";
import { useDeleteWorkspace, useUpdateWorkspace, type Workspace } from "src/api/workspaces";
import { setBoard, useBoard } from "src/common/board";
import { ErrorMessage } from "src/common/ErrorMessage";
import { ColourPicker } from "src/features/boards/ColourPicker";
import { swatch } from "src/features/boards/BoardStrip";

interface Props {
  board: Workspace;
  depth: number;
  /** Boards this one may be nested in (not itself nor what lies under it). */
  parents: Workspace[];
}

/** One board on the Boards page: rename, colour, nest, archive, delete, work in it. */
export function BoardRow({ board, depth, parents }: Props) {
  const update = useUpdateWorkspace();
  const remove = useDeleteWorkspace();
  const current = useBoard();
  const [name, setName] = useState<string | null>(null);
  const save = (changes: Omit<Parameters<typeof update.mutate>[0], "id">) => update.mutate({ id: board.id, ...changes });
  return (
    <li className={`board-row depth-${Math.min(depth, 4)}${board.archived ? " archived" : ""}`} aria-label={`Board ${board.name}`}>
      <span className={`board-dot swatch-${swatch(board.color)}`} aria-hidden />
      {name === null ? (
        <strong>{board.name}</strong>
      ) : (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            save({ name: name.trim() });
            setName(null);
          }}
        >
          <input aria-label={`New name for ${board.name}`} value={name} maxLength={128} required onChange={(e) => setName(e.target.value)} autoFocus />
          <button type="submit">Save</button>
        </form>
      )}
      {board.archived && <span className="badge">archived</span>}
      {current === board.id && <span className="badge ok">current</span>}
      <span className="row board-actions">
        {!board.archived && current !== board.id && (
          <button type="button" onClick={() => setBoard(board.id)}>
            Work here
          </button>
        )}
        {name === null && (
          <button type="button" onClick={() => setName(board.name)}>
            Rename
          </button>
        )}
        <ColourPicker label={`Colour of ${board.name}`} value={board.color} onChange={(color) => save({ color })} />
        <select aria-label={`Parent of ${board.name}`} value={board.parent_id ?? ""} onChange={(e) => save({ parent_id: e.target.value ? Number(e.target.value) : null })}>
          <option value="">Top level</option>
          {parents.map((p) => (
            <option key={p.id} value={p.id}>
              inside {p.name}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => save({ archived: !board.archived })}>
          {board.archived ? "Unarchive" : "Archive"}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            if (window.confirm(`Delete the board ${board.name}? Its assets and jobs stay, in no board; boards inside it move up.`)) {
              remove.mutate(board.id); // (the switcher drops it if it was the current board)
            }
          }}
        >
          Delete
        </button>
      </span>
      <ErrorMessage error={update.error ?? remove.error} />
    </li>
  );
}
