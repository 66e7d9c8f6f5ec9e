/** Automatic layout (dagre): layered left to right, from the start node's side. */
import { Graph, layout as dagreLayout } from "@dagrejs/dagre";
import type { Position, SceneDoc } from "src/features/scenes/editor/doc";
import { NODE_HEIGHT, NODE_WIDTH } from "src/features/scenes/editor/flow";

/** New positions for `only` (every node when not given), the others staying where they are. */
export function layout(doc: SceneDoc, only?: ReadonlySet<string>): Map<string, Position> {
  const g = new Graph();
  g.setGraph({ rankdir: "LR", nodesep: 30, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const chosen = doc.nodes.filter((n) => !only || only.has(n.id));
  const ids = new Set(chosen.map((n) => n.id));
  // The start first, so it lands in the first layer when nothing leads to it.
  const ordered = [...chosen].sort((a, b) => Number(b.id === doc.start) - Number(a.id === doc.start));
  for (const n of ordered) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of doc.edges) if (ids.has(e.from) && ids.has(e.to) && e.from !== e.to) g.setEdge(e.from, e.to);
  dagreLayout(g);
  // dagre gives centres; a subset keeps its top-left corner where it was.
  const shift = only ? corner(chosen, g) : { x: 0, y: 0 };
  const positions = new Map<string, Position>();
  for (const n of chosen) {
    const { x, y } = g.node(n.id);
    positions.set(n.id, { x: Math.round(x - NODE_WIDTH / 2 + shift.x), y: Math.round(y - NODE_HEIGHT / 2 + shift.y) });
  }
  return positions;
}

function corner(nodes: SceneDoc["nodes"], g: Graph): Position {
  let minX = Infinity;
  let minY = Infinity;
  let laidX = Infinity;
  let laidY = Infinity;
  for (const n of nodes) {
    minX = Math.min(minX, n.position?.x ?? 0);
    minY = Math.min(minY, n.position?.y ?? 0);
    const { x, y } = g.node(n.id);
    laidX = Math.min(laidX, x - NODE_WIDTH / 2);
    laidY = Math.min(laidY, y - NODE_HEIGHT / 2);
  }
  return { x: minX - laidX, y: minY - laidY };
}
