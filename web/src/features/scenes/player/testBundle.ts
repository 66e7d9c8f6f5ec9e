/** Small normalized bundles for the player's tests. */
import type { Bundle, Edge, SceneNode } from "src/features/scenes/engine/types";

type Partial<T> = { [K in keyof T]?: T[K] };

export function edge(id: string, from: string, to: string, extra: Partial<Edge> = {}): Edge {
  return { id, from, to, port: null, label: null, conditions: [], effects: [], is_default: false, ...extra };
}

export function video(id: string, assetIds: number[], extra: Record<string, unknown> = {}): SceneNode {
  return {
    id,
    label: null,
    position: null,
    type: "video",
    media: assetIds.map((asset_id) => ({ asset_id, missing: false, start: null, end: null, tags: [] })),
    selection: { mode: "ordered" },
    playback: { mode: "normal" },
    ...extra,
  } as SceneNode;
}

export function node(id: string, type: SceneNode["type"], extra: Record<string, unknown> = {}): SceneNode {
  return { id, label: null, position: null, type, ...extra } as SceneNode;
}

export function bundle(nodes: SceneNode[], edges: Edge[], assetIds: number[] = []): Bundle {
  const assets = Object.fromEntries(
    assetIds.map((id) => [
      String(id),
      {
        media_type: "video",
        mime_type: "video/mp4",
        duration: 4,
        width: 160,
        height: 90,
        src: `media/${id}.mp4`,
        poster: `media/${id}.poster.jpg`,
      },
    ]),
  );
  const scene = { id: 1, title: "Test", description: null, start: nodes[0]!.id, flags: {}, nodes, edges };
  return { format: "pixsim7.scene/1", root: 1, scenes: [scene], assets };
}
