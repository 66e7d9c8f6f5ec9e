/**
 * The document drawn as React Flow elements. Elements are cached by the scene node or edge
 * they show and by what else they display (selection, problems, the node being played), so
 * an edit gives React Flow new objects only for what changed: dragging one node of 500
 * redraws one node.
 */
import type { Edge as FlowEdge, Node as FlowNode } from "@xyflow/react";
import type { Frame, SceneDoc } from "src/features/scenes/editor/doc";
import type { Problem } from "src/features/scenes/editor/scene";
import type { Edge, SceneNode } from "src/features/scenes/engine/types";

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 84;

/** Problems of one node or edge: the worst severity decides the marker's colour. */
export interface Marks {
  errors: number;
  warnings: number;
  messages: string[];
}

export interface ProblemIndex {
  nodes: Map<string, Marks>;
  edges: Map<string, Marks>;
  scene: Problem[];
}

export function indexProblems(problems: readonly Problem[]): ProblemIndex {
  const index: ProblemIndex = { nodes: new Map(), edges: new Map(), scene: [] };
  for (const p of problems) {
    if (p.scene != null) continue; // about a called scene: listed, not marked here
    const [map, key] = p.edge ? [index.edges, p.edge] : p.node ? [index.nodes, p.node] : [null, ""];
    if (!map) {
      index.scene.push(p);
      continue;
    }
    const marks = map.get(key) ?? { errors: 0, warnings: 0, messages: [] };
    if (p.severity === "error") marks.errors++;
    else marks.warnings++;
    marks.messages.push(p.message);
    map.set(key, marks);
  }
  return index;
}

/** What the canvas shows about the graph beyond the document itself. */
export interface View {
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  selectedFrames: ReadonlySet<string>;
  problems: ProblemIndex;
  /** The node the preview is playing. */
  playing: string | null;
  /** Nodes with a generation under way, and the reason of one that failed. */
  fills: ReadonlyMap<string, FillMark>;
}

export interface FillMark {
  pending: number;
  failed: string | null;
}

/** Per node: generations under way, and why the latest one failed (when none is under way). */
export function fillMarks(fills: readonly { node: string; state: string; message: string | null }[]): Map<string, FillMark> {
  const marks = new Map<string, FillMark & { settled: boolean }>();
  // Newest first (as listed): the first settled one met is the latest.
  for (const fill of fills) {
    const mark = marks.get(fill.node) ?? { pending: 0, failed: null as string | null, settled: false };
    if (fill.state === "waiting") mark.pending++;
    else if (!mark.settled) {
      mark.settled = true;
      if (fill.state !== "attached") mark.failed = fill.message ?? fill.state;
    }
    marks.set(fill.node, mark);
  }
  return new Map([...marks].map(([node, { pending, failed }]) => [node, { pending, failed: pending ? null : failed }]));
}

export interface NodeData extends Record<string, unknown> {
  node: SceneNode;
  start: boolean;
  marks: Marks | null;
  playing: boolean;
  fill: FillMark | null;
}

export interface EdgeData extends Record<string, unknown> {
  edge: Edge;
  marks: Marks | null;
}

export interface FrameData extends Record<string, unknown> {
  frame: Frame;
}

export type SceneFlowNode = FlowNode<NodeData, "scene">;
export type FrameFlowNode = FlowNode<FrameData, "frame">;
/** What the canvas draws: the scene's nodes and, behind them, its frames. */
export type CanvasNode = SceneFlowNode | FrameFlowNode;
export type SceneFlowEdge = FlowEdge<EdgeData, "scene">;

/** Frames share React Flow's id space with nodes, under a prefix no node id can have. */
const FRAME_PREFIX = "frame/";
export const frameNodeId = (frame: string) => FRAME_PREFIX + frame;
export const frameOf = (flowId: string): string | null => (flowId.startsWith(FRAME_PREFIX) ? flowId.slice(FRAME_PREFIX.length) : null);

const ORIGIN = { x: 0, y: 0 };
const MEASURED = { width: NODE_WIDTH, height: NODE_HEIGHT };

/** Remembers the elements it made, to hand the same object back when nothing changed. */
export function flowMapper() {
  let nodeCache = new Map<string, SceneFlowNode>();
  let edgeCache = new Map<string, SceneFlowEdge>();
  let frameCache = new Map<string, FrameFlowNode>();

  function frameNodeOf(frame: Frame, view: View): FrameFlowNode {
    const selected = view.selectedFrames.has(frame.id);
    const old = frameCache.get(frame.id);
    if (old && old.data.frame === frame && old.selected === selected) return old;
    const size = { width: frame.width, height: frame.height };
    return {
      id: frameNodeId(frame.id),
      type: "frame",
      position: { x: frame.x, y: frame.y },
      selected,
      data: { frame },
      ...size,
      measured: size,
      // Behind every node, even when selected; moved by its title bar only, so that a
      // box selection can start inside it.
      zIndex: -1,
      dragHandle: ".scene-frame-title",
      connectable: false,
    };
  }

  function nodeOf(node: SceneNode, doc: SceneDoc, view: View): SceneFlowNode {
    const selected = view.selectedNodes.has(node.id);
    const marks = view.problems.nodes.get(node.id) ?? null;
    const playing = view.playing === node.id;
    const fill = view.fills.get(node.id) ?? null;
    const start = doc.start === node.id;
    const old = nodeCache.get(node.id);
    const d = old?.data;
    if (old && d && d.node === node && old.selected === selected && d.marks === marks && d.playing === playing && d.fill === fill && d.start === start) {
      return old;
    }
    return {
      id: node.id,
      type: "scene",
      position: node.position ?? ORIGIN,
      selected,
      data: { node, start, marks, playing, fill },
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      // Every node has this size (editor.css): given, React Flow keeps what it measured of
      // the handles when an edit hands it a new object for the node.
      measured: MEASURED,
    };
  }

  function edgeOf(edge: Edge, view: View, fixedPorts: ReadonlySet<string>): SceneFlowEdge {
    const selected = view.selectedEdges.has(edge.id);
    const marks = view.problems.edges.get(edge.id) ?? null;
    const old = edgeCache.get(edge.id);
    const handle = fixedPorts.has(edge.from) && edge.port ? edge.port : "out";
    if (old && old.data?.edge === edge && old.selected === selected && old.data.marks === marks && old.sourceHandle === handle) {
      return old;
    }
    return {
      id: edge.id,
      type: "scene",
      source: edge.from,
      target: edge.to,
      // Only conditions and mini-games have a handle per port; a scene call's return
      // ports all leave by its one handle.
      sourceHandle: handle,
      targetHandle: "in",
      selected,
      data: { edge, marks },
    };
  }

  return function map(doc: SceneDoc, view: View): { nodes: CanvasNode[]; edges: SceneFlowEdge[] } {
    const frames = doc.frames.map((f) => frameNodeOf(f, view));
    const nodes = doc.nodes.map((n) => nodeOf(n, doc, view));
    const ids = new Set(doc.nodes.map((n) => n.id));
    const fixedPorts = new Set(doc.nodes.filter((n) => n.type === "condition" || n.type === "mini_game").map((n) => n.id));
    const edges = doc.edges.filter((e) => ids.has(e.from) && ids.has(e.to)).map((e) => edgeOf(e, view, fixedPorts));
    nodeCache = new Map(nodes.map((n) => [n.id, n]));
    edgeCache = new Map(edges.map((e) => [e.id, e]));
    frameCache = new Map(frames.map((f) => [f.data.frame.id, f]));
    return { nodes: frames.length ? [...frames, ...nodes] : nodes, edges };
  };
}
