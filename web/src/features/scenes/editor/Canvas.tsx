import {
  Background,
  type Connection,
  Controls,
  type EdgeChange,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from "@xyflow/react";
import { type Dispatch, type DragEvent, useCallback, useLayoutEffect, useMemo, useRef, useState } from "react";
import { CanvasContext } from "src/features/scenes/editor/context";
import { ASSET_TYPE, carries, NODE_TYPE, readAsset, type DraggedAsset } from "src/features/scenes/editor/dnd";
import { connect, moveNodes, type NodeType, type Position, removeItems, type SceneDoc } from "src/features/scenes/editor/doc";
import type { Action, Selection } from "src/features/scenes/editor/editorState";
import {
  type CanvasNode,
  flowMapper,
  frameOf,
  NODE_HEIGHT,
  NODE_WIDTH,
  type SceneFlowEdge,
  type View,
} from "src/features/scenes/editor/flow";
import { FrameView } from "src/features/scenes/editor/FrameView";
import { membersOf, moveFrame, removeFrames, updateFrame } from "src/features/scenes/editor/frames";
import { SceneEdgeView } from "src/features/scenes/editor/SceneEdgeView";
import { SceneNodeView } from "src/features/scenes/editor/SceneNodeView";
import { useLatest } from "src/common/useLatest";

const nodeTypes = { scene: SceneNodeView, frame: FrameView };
const edgeTypes = { scene: SceneEdgeView };
const DELETE_KEYS = ["Delete", "Backspace"];
/** Past this many nodes only those on screen are drawn. */
const VISIBLE_ONLY_FROM = 150;

interface Props {
  doc: SceneDoc;
  view: View;
  dispatch: Dispatch<Action>;
  /** An asset dropped on a node (`node` set) or on the empty canvas at `at`. */
  onDropAsset(asset: DraggedAsset, node: string | null, at: Position): void;
  onAddNode(type: NodeType, at: Position): void;
}

let drags = 0;

const minimapClass = (n: CanvasNode) => (n.type === "frame" ? "minimap-frame" : `minimap-${n.data.node.type}`);

/** A frame's new box, in whole pixels (as the server keeps it). */
function rounded(box: { x?: number; y?: number; width?: number; height?: number }) {
  return Object.fromEntries(Object.entries(box).map(([k, v]) => [k, Math.round(v)]));
}

/** The graph on a pannable, zoomable canvas; every change goes to the editor's reducer. */
export function Canvas({ doc, view, dispatch, onDropAsset, onAddNode }: Props) {
  const map = useMemo(() => flowMapper(), []);
  const { nodes, edges } = useMemo(() => map(doc, view), [map, doc, view]);
  const flow = useReactFlow<CanvasNode, SceneFlowEdge>();
  // Opened with nodes: fitted to the view, or, when there are many (they would be specks),
  // centred on the start at a readable zoom. Not when empty: fitting the first node made
  // would zoom right into it.
  const [opening] = useState(() => {
    const start = doc.nodes.find((n) => n.id === doc.start) ?? doc.nodes[0];
    if (doc.nodes.length >= VISIBLE_ONLY_FROM && start?.position) return { fit: false, at: start.position };
    return { fit: doc.nodes.length > 0, at: null };
  });
  const onInit = useCallback(() => {
    if (opening.at) void flow.setCenter(opening.at.x + NODE_WIDTH / 2, opening.at.y + NODE_HEIGHT / 2, { zoom: 0.8 });
  }, [flow, opening]);
  const drag = useRef<string | null>(null);
  // The nodes each frame being dragged held when the drag began: they move with it.
  const carried = useRef(new Map<string, ReadonlySet<string>>());
  const latest = useLatest(doc);
  // Node and edge selection changes arrive in two calls; each builds on the other's result.
  const selection = useRef<Selection>({ nodes: view.selectedNodes, edges: view.selectedEdges, frames: view.selectedFrames });
  useLayoutEffect(() => {
    selection.current = { nodes: view.selectedNodes, edges: view.selectedEdges, frames: view.selectedFrames };
  }, [view.selectedNodes, view.selectedEdges, view.selectedFrames]);

  const select = useCallback(
    (kind: keyof Selection, changes: { id: string; selected: boolean }[]) => {
      const next = new Set(selection.current[kind]);
      for (const c of changes) {
        if (c.selected) next.add(c.id);
        else next.delete(c.id);
      }
      selection.current = { ...selection.current, [kind]: next };
      dispatch({ type: "select", ...selection.current });
    },
    [dispatch],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const moves = new Map<string, Position>();
      const frameMoves = new Map<string, Position>();
      const resized = new Map<string, { x?: number; y?: number; width?: number; height?: number }>();
      let ended = false;
      const selects: { id: string; selected: boolean }[] = [];
      const frameSelects: { id: string; selected: boolean }[] = [];
      for (const c of changes) {
        const frame = "id" in c ? frameOf(c.id) : null;
        if (c.type === "position") {
          // A frame's position changes without `dragging` when it is resized from the left or top.
          if (frame && c.position) {
            if (c.dragging === undefined) resized.set(frame, { ...resized.get(frame), ...c.position });
            else frameMoves.set(frame, c.position);
          } else if (c.position) moves.set(c.id, c.position);
          if (c.dragging === false) ended = true;
        } else if (c.type === "dimensions" && frame && c.resizing !== undefined && c.dimensions) {
          resized.set(frame, { ...resized.get(frame), ...c.dimensions });
          if (!c.resizing) ended = true;
        } else if (c.type === "select") (frame ? frameSelects : selects).push(frame ? { id: frame, selected: c.selected } : c);
      }
      if (moves.size || frameMoves.size || resized.size) {
        drag.current ??= `drag:${++drags}`;
        for (const id of frameMoves.keys()) {
          const frame = latest.current.frames.find((f) => f.id === id);
          // Nodes dragged themselves (selected with the frame) are not moved twice.
          if (frame && !carried.current.has(id)) carried.current.set(id, new Set(membersOf(latest.current, frame).filter((n) => !moves.has(n))));
        }
        const change = (d: SceneDoc) => {
          let next = moveNodes(d, moves);
          for (const [id, to] of frameMoves) next = moveFrame(next, id, to, carried.current.get(id) ?? new Set());
          for (const [id, box] of resized) next = updateFrame(next, id, rounded(box));
          return next;
        };
        dispatch({ type: "edit", change, key: drag.current });
      }
      if (ended) {
        drag.current = null;
        carried.current.clear();
        dispatch({ type: "seal" });
      }
      if (selects.length) select("nodes", selects);
      if (frameSelects.length) select("frames", frameSelects);
    },
    [dispatch, latest, select],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<SceneFlowEdge>[]) => {
      const selects = changes.filter((c) => c.type === "select");
      if (selects.length) select("edges", selects);
    },
    [select],
  );

  const onConnect = useCallback(
    ({ source, sourceHandle, target }: Connection) => {
      const port = !sourceHandle || sourceHandle === "out" ? null : sourceHandle;
      dispatch({
        type: "edit",
        change: (d) => {
          const [doc, id] = connect(d, source, port, target);
          return { doc, select: { edges: [id] } };
        },
      });
    },
    [dispatch],
  );

  const onDelete = useCallback(
    ({ nodes, edges }: { nodes: CanvasNode[]; edges: SceneFlowEdge[] }) => {
      const frames = nodes.map((n) => frameOf(n.id)).filter((f) => f !== null);
      const nodeIds = nodes.filter((n) => frameOf(n.id) === null).map((n) => n.id);
      const edgeIds = edges.map((e) => e.id);
      dispatch({ type: "edit", change: (d) => removeFrames(removeItems(d, nodeIds, edgeIds), frames) });
    },
    [dispatch],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (carries(event.dataTransfer, ASSET_TYPE) || carries(event.dataTransfer, NODE_TYPE)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const type = event.dataTransfer.getData(NODE_TYPE);
      if (type) {
        event.preventDefault();
        onAddNode(type as NodeType, at);
        return;
      }
      const asset = readAsset(event.dataTransfer);
      if (!asset) return;
      event.preventDefault();
      const target = (event.target as Element).closest?.(".react-flow__node")?.getAttribute("data-id") ?? null;
      onDropAsset(asset, target, at);
    },
    [flow, onAddNode, onDropAsset],
  );

  const actions = useMemo(
    () => ({
      selectEdge: (id: string) => dispatch({ type: "select", nodes: [], edges: [id] }),
      renameFrame: (id: string, label: string) => dispatch({ type: "edit", change: (d) => updateFrame(d, id, { label }) }),
    }),
    [dispatch],
  );

  return (
    <CanvasContext.Provider value={actions}>
      <div className="scene-canvas" onDragOver={onDragOver} onDrop={onDrop}>
        <ReactFlow<CanvasNode, SceneFlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onDelete={onDelete}
          deleteKeyCode={DELETE_KEYS}
          onlyRenderVisibleElements={doc.nodes.length >= VISIBLE_ONLY_FROM}
          minZoom={0.05}
          maxZoom={2}
          fitView={opening.fit}
          onInit={onInit}
          colorMode="dark"
        >
          <Background />
          <Controls />
          <MiniMap pannable zoomable nodeClassName={minimapClass} />
        </ReactFlow>
      </div>
    </CanvasContext.Provider>
  );
}
