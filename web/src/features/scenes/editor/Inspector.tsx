import type { ReactNode } from "react";
import { removeItems, type SceneDoc } from "src/features/scenes/editor/doc";
import type { Selection } from "src/features/scenes/editor/editorState";
import { useEditing } from "src/features/scenes/editor/inspector/edit";
import { removeFrames } from "src/features/scenes/editor/frames";
import { EdgeInspector } from "src/features/scenes/editor/inspector/EdgeInspector";
import { FrameInspector } from "src/features/scenes/editor/inspector/FrameInspector";
import { NodeInspector } from "src/features/scenes/editor/inspector/NodeInspector";
import { SceneInspector } from "src/features/scenes/editor/inspector/SceneInspector";

interface Props {
  doc: SceneDoc;
  selection: Selection;
  sceneId: number;
  title: string;
  onTitle(title: string): void;
  onAddOption(node: string): void;
  onPreviewFrom(node: string): void;
  onLayoutSelection(): void;
  onFrameSelection(): void;
  onSelectNodes(ids: string[]): void;
  /** Shown under a selected video node (generation into it). */
  videoExtra(node: string): ReactNode;
}

/** What is selected, drawn from its type: a node, an edge, several, or the scene itself. */
export function Inspector(props: Props) {
  const { doc, selection, sceneId, title, onTitle, onAddOption, onPreviewFrom, onLayoutSelection, onFrameSelection, onSelectNodes, videoExtra } = props;
  const { edit } = useEditing();
  const nodes = [...selection.nodes];
  const edges = [...selection.edges];
  const frames = [...selection.frames];
  if (frames.length === 1 && nodes.length + edges.length === 0) {
    const frame = doc.frames.find((f) => f.id === frames[0]);
    if (frame) return <FrameInspector key={frame.id} doc={doc} frame={frame} onSelectNodes={onSelectNodes} />;
  }
  if (nodes.length === 1 && edges.length + frames.length === 0) {
    const node = doc.nodes.find((n) => n.id === nodes[0]);
    if (node) {
      return (
        <NodeInspector
          key={node.id}
          doc={doc}
          node={node}
          sceneId={sceneId}
          onAddOption={onAddOption}
          onPreviewFrom={onPreviewFrom}
          extra={node.type === "video" ? videoExtra(node.id) : undefined}
        />
      );
    }
  }
  if (edges.length === 1 && nodes.length + frames.length === 0) {
    const edge = doc.edges.find((e) => e.id === edges[0]);
    if (edge) return <EdgeInspector key={edge.id} doc={doc} edge={edge} />;
  }
  if (nodes.length + edges.length + frames.length > 1) {
    return (
      <section className="inspector-section" aria-label="Selection">
        <h3>
          {nodes.length} nodes and {edges.length} edges selected{frames.length > 0 && `, ${frames.length} frames`}
        </h3>
        <p className="muted">Ctrl+C copies the nodes, Ctrl+V pastes them, Ctrl+G frames them, Delete removes the selection.</p>
        <div className="row">
          <button type="button" onClick={onLayoutSelection} disabled={nodes.length < 2}>
            Arrange the selection
          </button>
          <button type="button" onClick={onFrameSelection} disabled={nodes.length === 0}>
            Frame the selection
          </button>
          <button type="button" className="danger" onClick={() => edit((d) => removeFrames(removeItems(d, nodes, edges), frames))}>
            Delete the selection
          </button>
        </div>
      </section>
    );
  }
  return <SceneInspector doc={doc} title={title} onTitle={onTitle} />;
}
