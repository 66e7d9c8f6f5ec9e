/**
 * A small layered layout for an asset's lineage: one layer per generation (the API's
 * `level`: < 0 ancestors, 0 the asset, > 0 descendants). Ancestors go left and
 * descendants right, or above and below when drawn upright (phones). Within a layer,
 * nodes are ordered by the mean position of their neighbours in the layer nearer the
 * asset, which untangles most edges without a graph library.
 */
import type { Asset, Lineage } from "src/api/assets";

export type Orientation = "horizontal" | "vertical";

export const NODE = { width: 128, height: 96 };
// Between nodes of a layer, and between layers (wide enough for an edge's label when
// layers sit side by side; upright, labels sit on the edge and need less).
const GAP = { across: 24, along: 96, alongUpright: 56 };
const HEADER = 24; // room for the layer's name

export interface PlacedNode {
  asset: Asset;
  level: number;
  x: number;
  y: number;
  current: boolean;
}

export interface PlacedEdge {
  id: number;
  parent: number;
  child: number;
  label: string;
  /** SVG path from the parent's side to the child's. */
  path: string;
  labelX: number;
  labelY: number;
}

export interface PlacedLayer {
  level: number;
  name: string;
  x: number;
  y: number;
}

export interface LineageLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  layers: PlacedLayer[];
}

export function layerName(level: number): string {
  if (level === 0) return "this asset";
  const names = level < 0 ? ["parents", "grandparents"] : ["children", "grandchildren"];
  const depth = Math.abs(level);
  if (depth <= 2) return names[depth - 1]!;
  return `${depth - 2}× great-${names[1]}`;
}

/** Layers in order, each ordered to follow its neighbours in the layer nearer the asset. */
function orderLayers(graph: Lineage): Map<number, number[]> {
  const byLevel = new Map<number, number[]>();
  for (const { asset, level } of [...graph.nodes].sort((a, b) => a.asset.id - b.asset.id)) {
    byLevel.set(level, [...(byLevel.get(level) ?? []), asset.id]);
  }
  const neighbours = new Map<number, number[]>();
  for (const e of graph.edges) {
    neighbours.set(e.parent_asset_id, [...(neighbours.get(e.parent_asset_id) ?? []), e.child_asset_id]);
    neighbours.set(e.child_asset_id, [...(neighbours.get(e.child_asset_id) ?? []), e.parent_asset_id]);
  }
  const sweep = (level: number, towards: number) => {
    const ids = byLevel.get(level);
    const inner = byLevel.get(towards);
    if (!ids || !inner) return;
    const rank = (id: number) => {
      const spots = (neighbours.get(id) ?? []).map((n) => inner.indexOf(n)).filter((i) => i >= 0);
      return spots.length ? spots.reduce((a, b) => a + b, 0) / spots.length : Number.POSITIVE_INFINITY;
    };
    const ranks = new Map(ids.map((id) => [id, rank(id)]));
    ids.sort((a, b) => ranks.get(a)! - ranks.get(b)! || a - b);
  };
  const levels = [...byLevel.keys()];
  for (let l = 1; l <= Math.max(0, ...levels); l += 1) sweep(l, l - 1);
  for (let l = -1; l >= Math.min(0, ...levels); l -= 1) sweep(l, l + 1);
  return byLevel;
}

export function layoutLineage(graph: Lineage, orientation: Orientation = "horizontal"): LineageLayout {
  const layers = orderLayers(graph);
  const levels = [...layers.keys()].sort((a, b) => a - b);
  const widest = Math.max(1, ...[...layers.values()].map((ids) => ids.length));
  const horizontal = orientation === "horizontal";
  const nodeAlong = horizontal ? NODE.width : NODE.height + HEADER;
  const nodeAcross = horizontal ? NODE.height : NODE.width;
  const span = widest * nodeAcross + (widest - 1) * GAP.across; // the longest layer, across
  const offset = horizontal ? HEADER : 0;
  const gap = horizontal ? GAP.along : GAP.alongUpright;

  const assets = new Map(graph.nodes.map((n) => [n.asset.id, n]));
  const nodes: PlacedNode[] = [];
  const placedLayers: PlacedLayer[] = [];
  levels.forEach((level, i) => {
    const ids = layers.get(level)!;
    const along = i * (nodeAlong + gap);
    const start = (span - (ids.length * nodeAcross + (ids.length - 1) * GAP.across)) / 2; // centred
    placedLayers.push(
      horizontal ? { level, name: layerName(level), x: along, y: 14 } : { level, name: layerName(level), x: 0, y: along + 14 },
    );
    ids.forEach((id, j) => {
      const across = start + j * (nodeAcross + GAP.across);
      const node = assets.get(id)!;
      nodes.push({
        asset: node.asset,
        level,
        current: id === graph.root_id,
        x: horizontal ? along : across,
        y: horizontal ? offset + across : along + HEADER,
      });
    });
  });

  const at = new Map(nodes.map((n) => [n.asset.id, n]));
  const edges: PlacedEdge[] = [];
  for (const e of graph.edges) {
    const from = at.get(e.parent_asset_id);
    const to = at.get(e.child_asset_id);
    if (!from || !to) continue; // an edge leading out of the requested depth
    const [x1, y1, x2, y2] = horizontal
      ? [from.x + NODE.width, from.y + NODE.height / 2, to.x, to.y + NODE.height / 2]
      : [from.x + NODE.width / 2, from.y + NODE.height, to.x + NODE.width / 2, to.y];
    const bend = (horizontal ? x2 - x1 : y2 - y1) / 2;
    const path = horizontal
      ? `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`
      : `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`;
    edges.push({
      id: e.id,
      parent: e.parent_asset_id,
      child: e.child_asset_id,
      label: e.relation,
      path,
      labelX: (x1 + x2) / 2,
      labelY: (y1 + y2) / 2 - 4,
    });
  }

  const length = levels.length * nodeAlong + Math.max(0, levels.length - 1) * gap;
  return {
    nodes,
    edges,
    layers: placedLayers,
    width: horizontal ? length : span,
    height: horizontal ? offset + span : length,
  };
}
