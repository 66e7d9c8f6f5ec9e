/**
 * What the editor does to the document from its panels and the canvas: add nodes where the
 * user is looking, take dropped clips, add a choice's option, arrange, and show a node.
 */
import { useReactFlow } from "@xyflow/react";
import { type Dispatch, type RefObject, useCallback } from "react";
import type { DraggedAsset } from "src/features/scenes/editor/dnd";
import {
  addNode,
  connect,
  freshId,
  moveNodes,
  newNode,
  nodeIds,
  type NodeType,
  type Position,
  type SceneDoc,
  updateEdge,
  updateNode,
} from "src/features/scenes/editor/doc";
import type { Action } from "src/features/scenes/editor/editorState";
import { type CanvasNode, NODE_HEIGHT, NODE_WIDTH, type SceneFlowEdge } from "src/features/scenes/editor/flow";
import { frameAround, refitFrames } from "src/features/scenes/editor/frames";
import { layout } from "src/features/scenes/editor/layout";
import type { Media } from "src/features/scenes/engine/types";
import { useLatest } from "src/common/useLatest";

const PREFIX: Record<NodeType, string> = {
  video: "video",
  choice: "choice",
  condition: "if",
  mini_game: "game",
  end: "end",
  scene_call: "call",
  return: "return",
};

export const clipOf = (assetId: number): Media => ({ asset_id: assetId, missing: false, start: null, end: null, tags: [] });

export function useDocActions(doc: SceneDoc, dispatch: Dispatch<Action>, canvas: RefObject<HTMLElement | null>) {
  const flow = useReactFlow<CanvasNode, SceneFlowEdge>();
  // Handlers run between renders: the document they build on is the latest one.
  const latest = useLatest(doc);

  const middle = useCallback((): Position => {
    const box = canvas.current?.getBoundingClientRect();
    if (!box) return { x: 0, y: 0 };
    const p = flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
    return { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - NODE_HEIGHT / 2) };
  }, [flow, canvas]);

  const add = useCallback(
    (type: NodeType, at?: Position, media: Media[] = []) => {
      const where = at ?? middle();
      dispatch({
        type: "edit",
        change: (d) => {
          const id = freshId(PREFIX[type], nodeIds(d));
          let node = newNode(type, id, where);
          if (node.type === "video") node = { ...node, media };
          return { doc: addNode(d, node), select: { nodes: [id] } };
        },
      });
    },
    [dispatch, middle],
  );

  const dropAsset = useCallback(
    (asset: DraggedAsset, target: string | null, at: Position) => {
      const node = target ? latest.current.nodes.find((n) => n.id === target) : undefined;
      if (node?.type === "video") {
        dispatch({
          type: "edit",
          change: (d) => updateNode(d, node.id, (n) => (n.type === "video" ? { ...n, media: [...n.media, clipOf(asset.id)] } : n)),
          select: { nodes: [node.id] },
        });
      } else {
        add("video", { x: Math.round(at.x - NODE_WIDTH / 2), y: Math.round(at.y - NODE_HEIGHT / 2) }, [clipOf(asset.id)]);
      }
    },
    [add, dispatch, latest],
  );

  /** A choice's new option: a new video node to its right, reached by a labelled edge. */
  const addOption = useCallback(
    (choice: string) => {
      dispatch({
        type: "edit",
        change: (d) => {
          const source = d.nodes.find((n) => n.id === choice);
          const count = d.edges.filter((e) => e.from === choice).length;
          const p = source?.position ?? { x: 0, y: 0 };
          const id = freshId("video", nodeIds(d));
          const node = newNode("video", id, { x: p.x + NODE_WIDTH + 100, y: p.y + count * (NODE_HEIGHT + 30) });
          const [next, edge] = connect(addNode(d, node), choice, null, id);
          return { doc: updateEdge(next, edge, { label: `Option ${count + 1}` }), select: { nodes: [choice] } };
        },
      });
    },
    [dispatch],
  );

  const show = useCallback(
    (id: string) => {
      const node = latest.current.nodes.find((n) => n.id === id);
      if (!node?.position) return;
      void flow.setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + NODE_HEIGHT / 2, {
        zoom: Math.max(flow.getZoom(), 0.9),
        duration: 250,
      });
    },
    [flow, latest],
  );

  const arrange = useCallback(
    (only?: ReadonlySet<string>) => {
      const positions = layout(latest.current, only);
      dispatch({ type: "edit", change: (d) => refitFrames(d, moveNodes(d, positions)) });
      if (!only) requestAnimationFrame(() => void flow.fitView({ duration: 250 }));
    },
    [dispatch, flow, latest],
  );

  /** A labelled frame around the given nodes, selected (its label is then edited in the inspector). */
  const frame = useCallback(
    (ids: ReadonlySet<string>) => {
      dispatch({
        type: "edit",
        change: (d) => {
          const [next, id] = frameAround(d, ids);
          return { doc: next, select: { frames: id ? [id] : [] } };
        },
      });
    },
    [dispatch],
  );

  return { add, dropAsset, addOption, show, arrange, frame, fit: () => void flow.fitView({ duration: 250 }) };
}
