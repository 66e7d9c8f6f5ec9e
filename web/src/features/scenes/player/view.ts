/** What the player shows of a state, besides the picture: the node, its prompt, the labels. */
import type { Loaded } from "src/features/scenes/engine/engine";
import type { Options, SceneNode, State, Step } from "src/features/scenes/engine/types";

export function currentNode(loaded: Loaded, state: State): SceneNode | null {
  if (state.node === null) return null;
  return loaded.scenes.get(state.scene)?.nodes.get(state.node) ?? null;
}

/** The question over a choice: a choice node's prompt, or a looping video's label. */
export function promptOf(node: SceneNode | null): string | null {
  if (node?.type === "choice") return node.prompt;
  return node?.label ?? null;
}

/** Each option's words: its edge's label, else its target's label, else "Option n". */
export function optionLabels(loaded: Loaded, state: State, offered: Options): string[] {
  const scene = loaded.scenes.get(state.scene);
  return offered.options.map(
    (o, i) => o.label || scene?.nodes.get(o.to)?.label || `Option ${i + 1}`,
  );
}

/** A progression video's steps and the one playing, or null. */
export function stepsOf(node: SceneNode | null, state: State): { steps: Step[]; current: number } | null {
  if (node?.type !== "video" || node.playback.mode !== "progression" || !state.video) return null;
  return { steps: node.playback.steps, current: state.video.step ?? 0 };
}
