/**
 * The preview's plays: kept in memory only (a preview is not a saved play), from the scene's
 * start or from any node, with chosen starting flags. Every state the player reaches is
 * reported, so the canvas can mark the node being played.
 */
import { load, start } from "src/features/scenes/engine/engine";
import type { Bundle, Flags, State } from "src/features/scenes/engine/types";
import type { OpenPlay, PlaySlot, PlayStore } from "src/features/scenes/player/store";

export interface PreviewStart {
  /** The node to start from; null: the scene's start. */
  node: string | null;
  /** Starting values over the scene's declared flags. */
  flags: Flags;
}

/** The bundle with its root scene starting at `from.node` with `from.flags`. */
export function previewBundle(bundle: Bundle, from: PreviewStart): Bundle {
  return {
    ...bundle,
    scenes: bundle.scenes.map((s) =>
      s.id === bundle.root ? { ...s, start: from.node ?? s.start, flags: { ...s.flags, ...from.flags } } : s,
    ),
  };
}

/** The node of the root scene the play is at: in a called scene, the call it is inside. */
export function playingNode(state: State): string | null {
  if (state.scene === state.root) return state.node;
  return state.stack[0]?.node ?? null;
}

export class PreviewStore implements PlayStore {
  private runs = 0;

  constructor(
    private readonly bundle: Bundle,
    private readonly onState: (state: State) => void,
    private readonly seed: () => number = () => crypto.getRandomValues(new Uint32Array(1))[0]!,
  ) {}

  async slots(): Promise<PlaySlot[]> {
    return [];
  }

  async begin(): Promise<OpenPlay> {
    const state = start(load(this.bundle), this.seed());
    this.onState(state);
    return { id: `preview-${++this.runs}`, bundle: this.bundle, state };
  }

  open(): Promise<OpenPlay> {
    return this.begin();
  }

  async record(_id: string, _inputs: unknown[], state: State): Promise<void> {
    this.onState(state);
  }
}
