/**
 * The editor's document: a scene's playable part (start, flags, nodes, edges) in the
 * normalized form of docs/scenes.md §1 (every field present), and the edits made to it.
 * Every edit returns a new document and shares what it did not change, so the undo stack
 * holds whole documents cheaply and the canvas redraws only the nodes that changed.
 */
import type { Edge, Flags, SceneNode } from "src/features/scenes/engine/types";

export interface SceneDoc {
  start: string | null;
  flags: Flags;
  nodes: SceneNode[];
  edges: Edge[];
  /** Labelled rectangles drawn behind nodes (frames.ts): the editor's, never played. */
  frames: Frame[];
}

export interface Frame {
  id: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export type NodeType = SceneNode["type"];
export type Position = { x: number; y: number };

export const NODE_TYPES: NodeType[] = ["video", "choice", "condition", "mini_game", "end", "scene_call", "return"];

export const TYPE_NAMES: Record<NodeType, string> = {
  video: "Video",
  choice: "Choice",
  condition: "Condition",
  mini_game: "Mini-game",
  end: "End",
  scene_call: "Sub-scene",
  return: "Return",
};

export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const FLAG_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const emptyDoc = (): SceneDoc => ({ start: null, flags: {}, nodes: [], edges: [], frames: [] });

/** The ways out of a node: `null` is the plain exit. A `scene_call` also leaves by the
 * return ports its edges name (set in the edge's inspector). */
export function portsOf(node: SceneNode): (string | null)[] {
  switch (node.type) {
    case "condition":
      return ["true", "false"];
    case "mini_game":
      return ["success", "failure"];
    case "end":
    case "return":
      return [];
    default:
      return [null];
  }
}

/** A new node of `type` with every field at its default. */
export function newNode(type: NodeType, id: string, position: Position | null): SceneNode {
  const base = { id, label: null, position };
  switch (type) {
    case "video":
      return { ...base, type, media: [], selection: { mode: "ordered" }, playback: { mode: "normal" } };
    case "choice":
      return { ...base, type, prompt: null, timeout: null };
    case "condition":
      return { ...base, type, flag: "flag", op: "eq", value: true };
    case "mini_game":
      return {
        ...base,
        type,
        game: "reflex",
        config: { rounds: 3, min_delay_ms: 500, max_delay_ms: 2000, window_ms: 600, success_ratio: 0.5 },
        score_flag: null,
      };
    case "end":
      return { ...base, type, outcome: "neutral", message: null };
    case "scene_call":
      return { ...base, type, scene: null, missing: false, bindings: {}, returns: {} };
    case "return":
      return { ...base, type, port: null, values: {} };
  }
}

/** The first of `prefix1`, `prefix2`, … not in `taken`. */
export function freshId(prefix: string, taken: ReadonlySet<string>): string {
  const stem = prefix.replace(/[^A-Za-z0-9_.:-]/g, "_").slice(0, 56) || "n";
  for (let i = 1; ; i++) {
    const id = `${stem}${i}`;
    if (!taken.has(id)) return id;
  }
}

export const nodeIds = (doc: SceneDoc) => new Set(doc.nodes.map((n) => n.id));
export const edgeIds = (doc: SceneDoc) => new Set(doc.edges.map((e) => e.id));

/** Adds a node; the first node of an empty scene becomes its start. */
export function addNode(doc: SceneDoc, node: SceneNode): SceneDoc {
  return { ...doc, nodes: [...doc.nodes, node], start: doc.start ?? node.id };
}

/** Replaces one node by what `change` makes of it (same id). */
export function updateNode(doc: SceneDoc, id: string, change: (node: SceneNode) => SceneNode): SceneDoc {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    if (n.id !== id) return n;
    const next = change(n);
    changed = next !== n;
    return next;
  });
  return changed ? { ...doc, nodes } : doc;
}

export function patchNode<T extends SceneNode>(doc: SceneDoc, id: string, patch: Partial<T>): SceneDoc {
  return updateNode(doc, id, (n) => ({ ...n, ...patch }) as SceneNode);
}

export function updateEdge(doc: SceneDoc, id: string, patch: Partial<Edge>): SceneDoc {
  return { ...doc, edges: doc.edges.map((e) => (e.id === id ? { ...e, ...patch } : e)) };
}

/** Positions of several nodes at once (a drag, an automatic layout). */
export function moveNodes(doc: SceneDoc, positions: ReadonlyMap<string, Position>): SceneDoc {
  if (positions.size === 0) return doc;
  const nodes = doc.nodes.map((n) => {
    const p = positions.get(n.id);
    return p && (n.position?.x !== p.x || n.position?.y !== p.y) ? { ...n, position: { x: p.x, y: p.y } } : n;
  });
  return { ...doc, nodes };
}

/** Removes nodes (with every edge touching them) and edges; a removed start is cleared. */
export function removeItems(doc: SceneDoc, nodes: Iterable<string>, edges: Iterable<string> = []): SceneDoc {
  const goneNodes = new Set(nodes);
  const goneEdges = new Set(edges);
  if (goneNodes.size === 0 && goneEdges.size === 0) return doc;
  return {
    ...doc,
    start: doc.start !== null && goneNodes.has(doc.start) ? null : doc.start,
    nodes: doc.nodes.filter((n) => !goneNodes.has(n.id)),
    edges: doc.edges.filter((e) => !goneEdges.has(e.id) && !goneNodes.has(e.from) && !goneNodes.has(e.to)),
  };
}

/** A new edge from `from` (through `port`) to `to`. A condition or mini-game port already
 * taken is moved to the new target rather than doubled. Returns the edge's id too. */
export function connect(doc: SceneDoc, from: string, port: string | null, to: string): [SceneDoc, string] {
  const source = doc.nodes.find((n) => n.id === from);
  const fixedPorts = source?.type === "condition" || source?.type === "mini_game";
  const existing = fixedPorts ? doc.edges.find((e) => e.from === from && e.port === port) : undefined;
  if (existing) return [updateEdge(doc, existing.id, { to }), existing.id];
  const id = freshId("e", edgeIds(doc));
  const edge: Edge = { id, from, to, port, label: null, conditions: [], effects: [], is_default: false };
  return [{ ...doc, edges: [...doc.edges, edge] }, id];
}

/** Gives a node another id, following it in edges and the start. */
export function renameNode(doc: SceneDoc, from: string, to: string): SceneDoc {
  if (from === to || !ID_PATTERN.test(to) || nodeIds(doc).has(to)) return doc;
  return {
    ...doc,
    start: doc.start === from ? to : doc.start,
    nodes: doc.nodes.map((n) => (n.id === from ? { ...n, id: to } : n)),
    edges: doc.edges.map((e) =>
      e.from === from || e.to === from ? { ...e, from: e.from === from ? to : e.from, to: e.to === from ? to : e.to } : e,
    ),
  };
}

/** What copy puts on the clipboard: the nodes, the edges among them, and frames. */
export interface Clip {
  format: "pixsim7.editor-clip/1";
  nodes: SceneNode[];
  edges: Edge[];
  /** Absent in clips copied before frames could be. */
  frames?: Frame[];
}

export function copy(doc: SceneDoc, ids: Iterable<string>, frameIds: Iterable<string> = []): Clip {
  const chosen = new Set(ids);
  const framed = new Set(frameIds);
  return {
    format: "pixsim7.editor-clip/1",
    nodes: doc.nodes.filter((n) => chosen.has(n.id)),
    edges: doc.edges.filter((e) => chosen.has(e.from) && chosen.has(e.to)),
    frames: doc.frames.filter((f) => framed.has(f.id)),
  };
}

/** Adds a clip's nodes, edges and frames under fresh ids, moved by `offset`; returns the
 * new nodes' ids and the new frames'. */
export function paste(doc: SceneDoc, clip: Clip, offset: Position): [SceneDoc, string[], string[]] {
  const takenNodes = nodeIds(doc);
  const takenEdges = edgeIds(doc);
  const renamed = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = takenNodes.has(n.id) ? freshId(`${n.id.replace(/\d+$/, "")}`, takenNodes) : n.id;
    takenNodes.add(id);
    renamed.set(n.id, id);
    const p = n.position ?? { x: 0, y: 0 };
    return { ...n, id, position: { x: p.x + offset.x, y: p.y + offset.y } } as SceneNode;
  });
  const edges = clip.edges.map((e) => {
    const id = takenEdges.has(e.id) ? freshId("e", takenEdges) : e.id;
    takenEdges.add(id);
    return { ...e, id, from: renamed.get(e.from) ?? e.from, to: renamed.get(e.to) ?? e.to };
  });
  const takenFrames = new Set(doc.frames.map((f) => f.id));
  const frames = (clip.frames ?? []).map((f) => {
    const id = takenFrames.has(f.id) ? freshId("frame", takenFrames) : f.id;
    takenFrames.add(id);
    return { ...f, id, x: f.x + offset.x, y: f.y + offset.y };
  });
  const next = {
    ...doc,
    nodes: [...doc.nodes, ...nodes],
    edges: [...doc.edges, ...edges],
    // Pasted frames go below the others, as a new frame does (frameAround).
    frames: [...frames, ...doc.frames],
    start: doc.start ?? nodes[0]?.id ?? null,
  };
  return [next, nodes.map((n) => n.id), frames.map((f) => f.id)];
}

/** Reads a clip back from clipboard text; null when it is not one. */
export function parseClip(text: string): Clip | null {
  try {
    const value = JSON.parse(text) as Partial<Clip>;
    if (value?.format !== "pixsim7.editor-clip/1" || !Array.isArray(value.nodes) || !Array.isArray(value.edges)) return null;
    if (value.frames !== undefined && !Array.isArray(value.frames)) return null;
    return value as Clip;
  } catch {
    return null;
  }
}
