import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getBezierPath, useStore } from "@xyflow/react";
import { memo } from "react";
import { useCanvasActions } from "src/features/scenes/editor/context";
import type { SceneFlowEdge } from "src/features/scenes/editor/flow";
import { edgeText } from "src/features/scenes/editor/summary";

/** An edge with its label, conditions and effects in short form, and problem markers. */
export const SceneEdgeView = memo(function SceneEdgeView(props: EdgeProps<SceneFlowEdge>) {
  const { id, data, selected, markerEnd } = props;
  const [path, x, y] = getBezierPath(props);
  const { selectEdge } = useCanvasActions();
  // Labels too small to read (zoomed far out) are left out.
  const far = useStore((s) => s.transform[2] < 0.4);
  if (!data) return null;
  const { label, logic } = edgeText(data.edge);
  const marks = data.marks;
  const tone = marks?.errors ? " has-errors" : marks?.warnings ? " has-warnings" : "";
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={`scene-edge${tone}${selected ? " selected" : ""}`} />
      {!far && (label || logic || marks) && (
        <EdgeLabelRenderer>
          <button
            type="button"
            className={`scene-edge-label nodrag nopan${tone}${selected ? " selected" : ""}`}
            // The label's place follows the edge: a transform, set through the DOM (no inline CSS).
            style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
            onClick={() => selectEdge(id)}
            title={marks?.messages.join("\n")}
            aria-label={`Edge ${id}`}
          >
            {label && <span>{label}</span>}
            {logic && <span className="scene-edge-logic">{logic}</span>}
            {marks && <span className={marks.errors ? "scene-mark scene-mark-error" : "scene-mark scene-mark-warning"}>!</span>}
          </button>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
