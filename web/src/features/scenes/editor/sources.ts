/** What a generation into a node can take from the graph around it. */
import type { SceneDoc } from "src/features/scenes/editor/doc";

function lastClip(doc: SceneDoc, id: string): number | null {
  const node = doc.nodes.find((n) => n.id === id);
  if (node?.type !== "video") return null;
  const playable = node.media.filter((m) => m.asset_id !== null && !m.missing);
  return playable.at(-1)?.asset_id ?? null;
}

/**
 * The clip played before `node`: the last clip of the nearest video node with one, going
 * back along incoming edges (through choices and conditions), nearest first.
 */
export function previousClip(doc: SceneDoc, node: string): number | null {
  const incoming = new Map<string, string[]>();
  for (const e of doc.edges) incoming.set(e.to, [...(incoming.get(e.to) ?? []), e.from]);
  const seen = new Set([node]);
  let frontier = [node];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const from of incoming.get(id) ?? []) {
        if (seen.has(from)) continue;
        seen.add(from);
        const clip = lastClip(doc, from);
        if (clip !== null) return clip;
        next.push(from);
      }
    }
    frontier = next;
  }
  return null;
}

/** The clip played after `node`: the first clip of the nearest video node going forward. */
export function nextClip(doc: SceneDoc, node: string): number | null {
  for (const e of doc.edges) {
    if (e.from !== node) continue;
    const target = doc.nodes.find((n) => n.id === e.to);
    const first = target?.type === "video" ? target.media.find((m) => m.asset_id !== null && !m.missing) : undefined;
    if (first?.asset_id) return first.asset_id;
  }
  return null;
}

/** Video nodes with nothing to play. */
export function emptyVideoNodes(doc: SceneDoc): string[] {
  return doc.nodes.filter((n) => n.type === "video" && !n.media.some((m) => m.asset_id !== null && !m.missing)).map((n) => n.id);
}
