import { type DragEvent, useState } from "react";
import { useAssetBatch } from "src/api/assets";
import { useMoveJobs } from "src/api/jobs";
import { useWorkspaces, type Workspace } from "src/api/workspaces";
import { BatchError } from "src/common/BatchError";
import { setBoard, useBoard } from "src/common/board";
import { boardTree } from "src/features/boards/boardTree";
import { carriesItems, dropped } from "src/features/boards/dnd";

/** The boards as chips above the queue and the gallery: a click works in that board, and
 * assets or jobs dragged onto one move there. */
export function BoardStrip() {
  const boards = useWorkspaces();
  const current = useBoard();
  const moveAssets = useAssetBatch();
  const moveJobs = useMoveJobs();
  const [over, setOver] = useState<number | "none" | null>(null);
  const [moved, setMoved] = useState<string>();
  const tree = boardTree(boards.data?.items ?? []);
  if (tree.length === 0) return null;

  const drop = (event: DragEvent, board: Workspace | null) => {
    event.preventDefault();
    setOver(null);
    const items = dropped(event);
    if (!items) return;
    const workspace_id = board?.id ?? null;
    const done = () => setMoved(`Moved ${items.ids.length} ${items.kind === "jobs" ? "job" : "asset"}${items.ids.length === 1 ? "" : "s"} to ${board?.name ?? "no board"}`);
    if (items.kind === "assets") moveAssets.mutate({ action: "move", selection: { ids: items.ids }, workspace_id }, { onSuccess: done });
    else moveJobs.mutate({ ids: items.ids, workspace_id }, { onSuccess: done });
  };
  const target = (key: number | "none", board: Workspace | null) => ({
    onDragOver: (event: DragEvent) => {
      if (!carriesItems(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      setOver(key);
    },
    onDragLeave: () => setOver(null),
    onDrop: (event: DragEvent) => drop(event, board),
  });

  return (
    <div className="board-strip" role="list" aria-label="Boards">
      <button
        type="button"
        role="listitem"
        className={["board-chip", current === null && "current", over === "none" && "over"].filter(Boolean).join(" ")}
        onClick={() => setBoard(null)}
        {...target("none", null)}
      >
        All boards
      </button>
      {tree.map(({ board, depth }) => (
        <button
          key={board.id}
          type="button"
          role="listitem"
          aria-label={`Board ${board.name}`}
          aria-current={current === board.id ? "true" : undefined}
          className={["board-chip", current === board.id && "current", over === board.id && "over", `swatch-${swatch(board.color)}`].filter(Boolean).join(" ")}
          onClick={() => setBoard(board.id)}
          {...target(board.id, board)}
        >
          <span className="board-dot" aria-hidden />
          {depth > 0 && <span className="muted">{"›".repeat(depth)} </span>}
          {board.name}
        </button>
      ))}
      {moved && (
        <span className="notice" role="status">
          {moved}
        </span>
      )}
      <BatchError error={moveAssets.error ?? moveJobs.error} />
    </div>
  );
}

/** Colours are classes (the CSP forbids inline styles): the nearest of a fixed palette. */
export const PALETTE = ["#6c8cff", "#3ecf8e", "#f5b14c", "#ff6b6b", "#c77dff", "#4cc9f0", "#9aa1b2"];

export function swatch(color: string | null): number {
  if (!color) return PALETTE.length - 1;
  const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const [r, g, b] = rgb(color);
  let best = 0;
  let bestDistance = Infinity;
  PALETTE.forEach((entry, i) => {
    const [pr, pg, pb] = rgb(entry);
    const distance = (r! - pr!) ** 2 + (g! - pg!) ** 2 + (b! - pb!) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [i, distance];
  });
  return best;
}
