import { Handle, type NodeProps, Position, useStore } from "@xyflow/react";
import { memo } from "react";
import { portsOf, TYPE_NAMES } from "src/features/scenes/editor/doc";
import type { SceneFlowNode } from "src/features/scenes/editor/flow";
import { nodeText } from "src/features/scenes/editor/summary";
import type { SceneNode } from "src/features/scenes/engine/types";

function thumbOf(node: SceneNode): number | null {
  if (node.type !== "video") return null;
  return node.media.find((m) => m.asset_id !== null && !m.missing)?.asset_id ?? null;
}

/** A node on the canvas: thumbnail, type, name, what it does, problem and state markers. */
export const SceneNodeView = memo(function SceneNodeView({ data, selected }: NodeProps<SceneFlowNode>) {
  const { node, start, marks, playing, fill } = data;
  // Zoomed far out (a large scene fitted), the words cannot be read: a node draws its box,
  // name and markers only (redrawn when the zoom crosses the line, not at every step).
  const far = useStore((s) => s.transform[2] < FAR_ZOOM);
  const thumb = far ? null : thumbOf(node);
  const ports = portsOf(node);
  const classes = [
    "scene-node",
    `scene-node-${node.type}`,
    selected && "selected",
    marks?.errors ? "has-errors" : marks?.warnings ? "has-warnings" : "",
    playing && "playing",
  ].filter(Boolean);
  return (
    <div className={classes.join(" ")} aria-label={`${TYPE_NAMES[node.type]} ${node.id}`} data-node={node.id}>
      <Handle type="target" position={Position.Left} id="in" />
      {thumb !== null ? (
        <img className="scene-node-thumb" src={`/api/v1/assets/${thumb}/thumbnail`} alt="" loading="lazy" draggable={false} />
      ) : (
        <span className="scene-node-thumb scene-node-icon" aria-hidden>
          {ICONS[node.type]}
        </span>
      )}
      <div className="scene-node-body">
        <div className="scene-node-head">
          <span className="scene-node-type">{TYPE_NAMES[node.type]}</span>
          {start && <span className="scene-node-start">start</span>}
          {playing && <span className="scene-node-start">playing</span>}
          {marks && (
            <span
              className={marks.errors ? "scene-mark scene-mark-error" : "scene-mark scene-mark-warning"}
              title={marks.messages.join("\n")}
              aria-label={`${marks.errors} errors, ${marks.warnings} warnings`}
            >
              {marks.errors || marks.warnings}
            </span>
          )}
        </div>
        <div className="scene-node-title">{node.label || node.id}</div>
        {!far && (
          <div className="scene-node-text">
            {fill?.pending ? `generating ${fill.pending}…` : fill?.failed ? `generation failed: ${fill.failed}` : nodeText(node)}
          </div>
        )}
      </div>
      {ports.map((port, i) => (
        <Handle
          key={port ?? "out"}
          type="source"
          position={Position.Right}
          id={port ?? "out"}
          className={ports.length > 1 ? `scene-port scene-port-${i}` : "scene-port"}
        >
          {port && <span className="scene-port-label">{port}</span>}
        </Handle>
      ))}
    </div>
  );
});

const FAR_ZOOM = 0.4;

const ICONS: Record<SceneNode["type"], string> = {
  video: "▶",
  choice: "◇",
  condition: "?",
  mini_game: "◎",
  end: "■",
  scene_call: "↪",
  return: "↩",
};
