/** Boards nest (a parent_id each): listed as a tree, each with its depth, parents first. */
import type { Workspace } from "src/api/workspaces";

export interface Placed {
  board: Workspace;
  depth: number;
}

/** Depth-first, siblings by name; a board whose parent is not listed (archived, gone) is a root. */
export function boardTree(boards: readonly Workspace[]): Placed[] {
  const ids = new Set(boards.map((b) => b.id));
  const children = new Map<number | null, Workspace[]>();
  for (const board of boards) {
    const parent = board.parent_id !== null && ids.has(board.parent_id) ? board.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), board]);
  }
  const out: Placed[] = [];
  const seen = new Set<number>();
  const walk = (parent: number | null, depth: number) => {
    const kids = [...(children.get(parent) ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    for (const board of kids) {
      if (seen.has(board.id)) continue; // a cycle cannot be saved, but never loop on one
      seen.add(board.id);
      out.push({ board, depth });
      walk(board.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** A board and everything under it (what it may not be nested into). */
export function descendants(boards: readonly Workspace[], id: number): Set<number> {
  const found = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const board of boards) {
      if (board.parent_id !== null && found.has(board.parent_id) && !found.has(board.id)) {
        found.add(board.id);
        grew = true;
      }
    }
  }
  return found;
}
