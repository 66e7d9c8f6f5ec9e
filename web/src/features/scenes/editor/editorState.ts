/**
 * The editor's state: the document with its undo history, and what is selected. A pure
 * reducer: the canvas, the inspector and the keyboard all dispatch to it.
 */
import type { SceneDoc } from "src/features/scenes/editor/doc";
import { type History, historyOf, record, redo, replace, seal, undo } from "src/features/scenes/editor/history";

export interface Selection {
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
  frames: ReadonlySet<string>;
}

export interface EditorState {
  history: History<SceneDoc>;
  selection: Selection;
}

export type Action =
  /** An edit: `change` makes the new document from the current one (and may say what to
   * select in it: what it made). Edits sharing a `key` in a row are one undo step.
   * `select` replaces the selection afterwards. */
  | { type: "edit"; change: (doc: SceneDoc) => SceneDoc | Made; key?: string; select?: Partial<SelectionIds> }
  | { type: "select"; nodes: Iterable<string>; edges: Iterable<string>; frames?: Iterable<string> }
  | { type: "undo" }
  | { type: "redo" }
  /** The end of a gesture (a drag, leaving a field): the next edit is a step of its own. */
  | { type: "seal" }
  /** A document from outside: the server's after a reload, or a merge with another save. */
  | { type: "replace"; doc: SceneDoc };

interface SelectionIds {
  nodes: Iterable<string>;
  edges: Iterable<string>;
  frames: Iterable<string>;
}

/** A document with what an edit made in it, to select. */
export interface Made {
  doc: SceneDoc;
  select: Partial<SelectionIds>;
}

export const NOTHING: Selection = { nodes: new Set(), edges: new Set(), frames: new Set() };

export const initialState = (doc: SceneDoc): EditorState => ({ history: historyOf(doc), selection: NOTHING });

/** The selection without what the document no longer has. */
function prune(selection: Selection, doc: SceneDoc): Selection {
  if (selection.nodes.size === 0 && selection.edges.size === 0 && selection.frames.size === 0) return selection;
  const kept = (chosen: ReadonlySet<string>, items: { id: string }[]) => {
    const ids = new Set(items.map((i) => i.id));
    return [...chosen].filter((id) => ids.has(id));
  };
  const [nodes, edges, frames] = [kept(selection.nodes, doc.nodes), kept(selection.edges, doc.edges), kept(selection.frames, doc.frames)];
  if (nodes.length === selection.nodes.size && edges.length === selection.edges.size && frames.length === selection.frames.size) return selection;
  return { nodes: new Set(nodes), edges: new Set(edges), frames: new Set(frames) };
}

function withHistory(state: EditorState, history: History<SceneDoc>): EditorState {
  if (history === state.history) return state;
  return { history, selection: prune(state.selection, history.present) };
}

export function reducer(state: EditorState, action: Action): EditorState {
  switch (action.type) {
    case "edit": {
      const result = action.change(state.history.present);
      const [next, select] = "select" in result ? [result.doc, result.select] : [result, action.select];
      const edited = withHistory(state, record(state.history, next, action.key ?? null));
      if (!select) return edited;
      const selection = {
        nodes: new Set(select.nodes ?? []),
        edges: new Set(select.edges ?? []),
        frames: new Set(select.frames ?? []),
      };
      return { ...edited, selection: prune(selection, edited.history.present) };
    }
    case "select": {
      const selection = { nodes: new Set(action.nodes), edges: new Set(action.edges), frames: new Set(action.frames ?? []) };
      const was = state.selection;
      if (sameSet(selection.nodes, was.nodes) && sameSet(selection.edges, was.edges) && sameSet(selection.frames, was.frames)) return state;
      return { ...state, selection };
    }
    case "undo":
      return withHistory(state, undo(state.history));
    case "redo":
      return withHistory(state, redo(state.history));
    case "seal":
      return withHistory(state, seal(state.history));
    case "replace":
      return withHistory(state, replace(state.history, action.doc));
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
