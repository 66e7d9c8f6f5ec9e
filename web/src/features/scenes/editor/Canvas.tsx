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
import { type Dispatch, type DragEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { CanvasContext } from "src/features/scenes/editor/context";
import { ASSET_TYPE, carries, NODE_TYPE, readAsset, type DraggedAsset } from "src/features/scenes/editor/dnd";
import { connect, moveNodes, type NodeType, type Position, removeItems, type SceneDoc } from "src/features/scenes/editor/doc";
import type { Action, Selection } from "src/features/scenes/editor/editorState";
import {
  flowMapper,
  NODE_HEIGHT,
  NODE_WIDTH,
  type SceneFlowEdge,
  type SceneFlowNode,
  type View,
} from "src/features/scenes/editor/flow";
import { SceneEdgeView } from "src/features/scenes/editor/SceneEdgeView";
import { SceneNodeView } from "src/features/scenes/editor/SceneNodeView";

const nodeTypes = { scene: SceneNodeView };
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

/** The graph on a pannable, zoomable canvas; every change goes to the editor's reducer. */
export function Canvas({ doc, view, dispatch, onDropAsset, onAddNode }: Props) {
  const map = useMemo(() => flowMapper(), []);
  const { nodes, edges } = useMemo(() => map(doc, view), [map, doc, view]);
  const flow = useReactFlow<SceneFlowNode, SceneFlowEdge>();
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
  // Node and edge selection changes arrive in two calls; each builds on the other's result.
  const selection = useRef<Selection>({ nodes: view.selectedNodes, edges: view.selectedEdges });
  useEffect(() => {
    selection.current = { nodes: view.selectedNodes, edges: view.selectedEdges };
  }, [view.selectedNodes, view.selectedEdges]);

  const select = useCallback(
    (kind: "nodes" | "edges", changes: { id: string; selected: boolean }[]) => {
      const next = new Set(selection.current[kind]);
      for (const c of changes) {
        if (c.selected) next.add(c.id);
        else next.delete(c.id);
      }
      selection.current = { ...selection.current, [kind]: next };
      dispatch({ type: "select", nodes: selection.current.nodes, edges: selection.current.edges });
    },
    [dispatch],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<SceneFlowNode>[]) => {
      const moves = new Map<string, Position>();
      let ended = false;
      const selects = [];
      for (const c of changes) {
        if (c.type === "position") {
          if (c.position) moves.set(c.id, c.position);
          if (c.dragging === false) ended = true;
        } else if (c.type === "select") selects.push(c);
      }
      if (moves.size) {
        drag.current ??= `drag:${++drags}`;
        dispatch({ type: "edit", change: (d) => moveNodes(d, moves), key: drag.current });
      }
      if (ended) {
        drag.current = null;
        dispatch({ type: "seal" });
      }
      if (selects.length) select("nodes", selects);
    },
    [dispatch, select],
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
    ({ nodes, edges }: { nodes: SceneFlowNode[]; edges: SceneFlowEdge[] }) => {
      const nodeIds = nodes.map((n) => n.id);
      const edgeIds = edges.map((e) => e.id);
      dispatch({ type: "edit", change: (d) => removeItems(d, nodeIds, edgeIds) });
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
    () => ({ selectEdge: (id: string) => dispatch({ type: "select", nodes: [], edges: [id] }) }),
    [dispatch],
  );

  return (
    <CanvasContext.Provider value={actions}>
      <div className="scene-canvas" onDragOver={onDragOver} onDrop={onDrop}>
        <ReactFlow<SceneFlowNode, SceneFlowEdge>
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
          <MiniMap pannable zoomable nodeClassName={(n) => `minimap-${(n as SceneFlowNode).data.node.type}`} />
        </ReactFlow>
      </div>
    </CanvasContext.Provider>
  );
}
