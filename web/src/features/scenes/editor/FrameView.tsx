import { type NodeProps, NodeResizer } from "@xyflow/react";
import { memo, useState } from "react";
import { useCanvasActions } from "src/features/scenes/editor/context";
import type { FrameFlowNode } from "src/features/scenes/editor/flow";
import { MIN_FRAME } from "src/features/scenes/editor/frames";

/** A labelled frame behind nodes: dragged by its title bar (with the nodes it holds),
 * resized from its edges when selected, renamed by a double click on its title. */
export const FrameView = memo(function FrameView({ data, selected }: NodeProps<FrameFlowNode>) {
  const { frame } = data;
  const { renameFrame } = useCanvasActions();
  const [editing, setEditing] = useState(false);
  const done = (label: string) => {
    setEditing(false);
    if (label !== frame.label) renameFrame(frame.id, label);
  };
  return (
    <div className={selected ? "scene-frame selected" : "scene-frame"} role="group" aria-label={`Frame ${frame.label || frame.id}`}>
      <NodeResizer isVisible={selected} minWidth={MIN_FRAME.width} minHeight={MIN_FRAME.height} handleClassName="scene-frame-handle" />
      <div className="scene-frame-title" onDoubleClick={() => setEditing(true)} title="Drag to move with its nodes; double-click to rename">
        {editing ? (
          <input
            className="nodrag"
            aria-label="Frame label"
            defaultValue={frame.label}
            maxLength={200}
            autoFocus
            onBlur={(e) => done(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") e.currentTarget.value = frame.label;
              if (e.key === "Enter" || e.key === "Escape") e.currentTarget.blur();
              e.stopPropagation();
            }}
          />
        ) : (
          frame.label || <span className="muted">Untitled frame</span>
        )}
      </div>
    </div>
  );
});
