/** How inspectors change the document: one call per change, keystrokes of one field merged. */
import { createContext, useContext } from "react";
import type { SceneDoc } from "src/features/scenes/editor/doc";

export interface Editing {
  /** `key`: edits with the same key in a row are one undo step (one field's keystrokes). */
  edit(change: (doc: SceneDoc) => SceneDoc, key?: string): void;
  /** A field was left: the next edit is a step of its own. */
  seal(): void;
  /** Flag names used in the scene, suggested by flag fields. */
  flags: string[];
}

export const EditingContext = createContext<Editing>({ edit: () => {}, seal: () => {}, flags: [] });

export const useEditing = () => useContext(EditingContext);

export const FLAG_LIST_ID = "scene-flag-names";
