/** What the canvas shows besides the document, for tests: nothing selected, no problems. */
import { indexProblems, type View } from "src/features/scenes/editor/flow";

export const testView = (extra: Partial<View> = {}): View => ({
  selectedNodes: new Set(),
  selectedEdges: new Set(),
  selectedFrames: new Set(),
  problems: indexProblems([]),
  playing: null,
  fills: new Map(),
  ...extra,
});
