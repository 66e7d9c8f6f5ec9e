import { useCallback, useMemo, useReducer, useRef, useState } from "react";
import { restoreRevision, useFills } from "src/api/scenes";
import { ApiError } from "src/api/client";
import { Canvas } from "src/features/scenes/editor/Canvas";
import type { DraggedAsset } from "src/features/scenes/editor/dnd";
import { copy, moveNodes, type NodeType, paste, type SceneDoc } from "src/features/scenes/editor/doc";
import { EditorHeader } from "src/features/scenes/editor/EditorHeader";
import { initialState, reducer } from "src/features/scenes/editor/editorState";
import { flagNames } from "src/features/scenes/editor/flagNames";
import { pasteOffset, withMembers } from "src/features/scenes/editor/frames";
import { fillMarks, indexProblems, type View } from "src/features/scenes/editor/flow";
import { GenerateIntoNode } from "src/features/scenes/editor/GenerateIntoNode";
import { GalleryPanel } from "src/features/scenes/editor/GalleryPanel";
import { EditingContext, FLAG_LIST_ID } from "src/features/scenes/editor/inspector/edit";
import { Inspector } from "src/features/scenes/editor/Inspector";
import { layout } from "src/features/scenes/editor/layout";
import { Palette } from "src/features/scenes/editor/Palette";
import { PreviewPanel } from "src/features/scenes/editor/PreviewPanel";
import { ProblemList } from "src/features/scenes/editor/ProblemList";
import { RevisionsPanel } from "src/features/scenes/editor/RevisionsPanel";
import { ConflictBanner } from "src/features/scenes/editor/SaveBar";
import { docOf, hasPositions, type Problem, type SceneRead } from "src/features/scenes/editor/scene";
import { useAutosave } from "src/features/scenes/editor/useAutosave";
import { useDocActions } from "src/features/scenes/editor/useDocActions";
import { useEditorKeys } from "src/features/scenes/editor/useEditorKeys";
import { useRemoteChanges } from "src/features/scenes/editor/useRemoteChanges";
import "@xyflow/react/dist/style.css";
import "src/features/scenes/editor/editor.css";

type Tab = "inspect" | "problems" | "preview" | "revisions";

/** The scene editor: palette and gallery, the canvas, and the inspector, problems, preview
 * and revisions beside it. Everything is saved on the server as it is edited. */
export function Editor({ scene }: { scene: SceneRead }) {
  const [initial] = useState(() => {
    const doc = docOf(scene);
    // A scene written without positions (through the API) is laid out once, and saved so.
    return { saved: { doc, title: scene.title }, doc: hasPositions(doc) ? doc : moveNodes(doc, layout(doc)) };
  });
  const [state, dispatch] = useReducer(reducer, initial.doc, initialState);
  const doc = state.history.present;
  const [title, setTitle] = useState(scene.title);
  const draft = useMemo(() => ({ doc, title }), [doc, title]);
  const { saver, state: save } = useAutosave(scene, initial.saved, draft);
  const remote = useRemoteChanges({ sceneId: scene.id, saver, doc, title, dispatch, setTitle });
  const canvas = useRef<HTMLDivElement>(null);
  const actions = useDocActions(doc, dispatch, canvas);
  const [tab, setTab] = useState<Tab>("inspect");
  const [previewFrom, setPreviewFrom] = useState<string | null>(null);
  const [playing, setPlaying] = useState<string | null>(null);
  const [restoring, setRestoring] = useState(false);
  const flush = useCallback(() => saver.flush(), [saver]);

  const problems = useMemo(() => indexProblems(save.problems), [save.problems]);
  const fills = useFills(scene.id);
  const marks = useMemo(() => fillMarks(fills.data ?? []), [fills.data]);
  // Recomputed on each edit, but a new list (and a redraw of every flag field) only when
  // the names change.
  const flagKey = flagNames(doc).join("\n");
  const flags = useMemo(() => (flagKey ? flagKey.split("\n") : []), [flagKey]);
  const view = useMemo<View>(
    () => ({
      selectedNodes: state.selection.nodes,
      selectedEdges: state.selection.edges,
      selectedFrames: state.selection.frames,
      problems,
      playing,
      fills: marks,
    }),
    [state.selection, problems, playing, marks],
  );
  const editing = useMemo(
    () => ({
      edit: (change: (d: SceneDoc) => SceneDoc, key?: string) => dispatch({ type: "edit", change, key }),
      seal: () => dispatch({ type: "seal" }),
      flags,
    }),
    [flags],
  );

  useEditorKeys({
    undo: () => dispatch({ type: "undo" }),
    redo: () => dispatch({ type: "redo" }),
    selectAll: () =>
      dispatch({ type: "select", nodes: doc.nodes.map((n) => n.id), edges: doc.edges.map((e) => e.id), frames: doc.frames.map((f) => f.id) }),
    frame: () => {
      if (state.selection.nodes.size > 0) actions.frame(state.selection.nodes);
    },
    copy: () => {
      const { nodes, frames } = state.selection;
      return nodes.size || frames.size ? copy(doc, withMembers(doc, nodes, frames), frames) : null;
    },
    paste: (clip) =>
      dispatch({
        type: "edit",
        change: (d) => {
          const [next, nodes, frames] = paste(d, clip, pasteOffset(clip));
          return { doc: next, select: { nodes, frames } };
        },
      }),
  });

  const showProblem = (p: Problem) => {
    if (p.edge) dispatch({ type: "select", nodes: [], edges: [p.edge] });
    else if (p.node) {
      dispatch({ type: "select", nodes: [p.node], edges: [] });
      actions.show(p.node);
    }
    const edge = p.edge ? doc.edges.find((e) => e.id === p.edge) : undefined;
    if (edge) actions.show(edge.from);
  };

  const find = (id: string) => {
    dispatch({ type: "select", nodes: [id], edges: [] });
    actions.show(id);
    setTab("inspect");
  };

  async function restore(version: number) {
    setRestoring(true);
    try {
      if (!(await saver.flush())) return;
      remote.take(await restoreRevision(scene.id, version, saver.state.version));
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 409) saver.conflict(failure.message);
    } finally {
      setRestoring(false);
    }
  }

  const selectedVideo = state.selection.nodes.size === 1 ? doc.nodes.find((n) => state.selection.nodes.has(n.id) && n.type === "video") : undefined;
  const target = selectedVideo?.id ?? null;
  const { add, dropAsset } = actions;
  const addHere = useCallback((type: NodeType) => add(type), [add]);
  const pick = useCallback((asset: DraggedAsset) => dropAsset(asset, target, { x: 0, y: 0 }), [dropAsset, target]);
  const errors = save.problems.filter((p) => p.severity === "error").length;
  const warnings = save.problems.length - errors;

  return (
    <EditingContext.Provider value={editing}>
      <div className="editor-page">
        <EditorHeader
          sceneId={scene.id}
          title={title}
          doc={doc}
          save={save}
          canUndo={state.history.past.length > 0}
          canRedo={state.history.future.length > 0}
          onUndo={() => dispatch({ type: "undo" })}
          onRedo={() => dispatch({ type: "redo" })}
          onArrange={() => actions.arrange()}
          onFit={actions.fit}
          onFind={find}
          flush={flush}
        />
        {save.status === "conflict" && (
          <ConflictBanner conflicts={remote.conflicts} busy={remote.busy} onReload={() => void remote.reload()} onOverwrite={() => void remote.overwrite()} />
        )}
        {save.status === "refused" && (
          <p className="error" role="alert">
            Not saved: {save.error} The problems list says what to fix.
          </p>
        )}
        <div className="editor-body">
          <aside className="editor-left">
            <Palette onAdd={addHere} />
            <GalleryPanel target={target} onPick={pick} />
          </aside>
          <div className="editor-canvas" ref={canvas}>
            <Canvas doc={doc} view={view} dispatch={dispatch} onDropAsset={actions.dropAsset} onAddNode={(type, at) => actions.add(type, at)} />
          </div>
          <aside className="editor-right">
            <div role="tablist" aria-label="Panels" className="editor-tabs">
              {(
                [
                  ["inspect", "Inspector"],
                  ["problems", `Problems (${errors} errors, ${warnings} warnings)`],
                  ["preview", "Preview"],
                  ["revisions", "Revisions"],
                ] as const
              ).map(([id, label]) => (
                <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
                  {label}
                </button>
              ))}
            </div>
            <div role="tabpanel" className="editor-panel">
              {tab === "inspect" && (
                <Inspector
                  doc={doc}
                  selection={state.selection}
                  sceneId={scene.id}
                  title={title}
                  onTitle={setTitle}
                  onAddOption={actions.addOption}
                  onPreviewFrom={(id) => {
                    setPreviewFrom(id);
                    setTab("preview");
                  }}
                  onLayoutSelection={() => actions.arrange(state.selection.nodes)}
                  onFrameSelection={() => actions.frame(state.selection.nodes)}
                  onSelectNodes={(ids) => dispatch({ type: "select", nodes: ids, edges: [] })}
                  videoExtra={(id) => (
                    <GenerateIntoNode sceneId={scene.id} doc={doc} node={id} fills={(fills.data ?? []).filter((f) => f.node === id)} />
                  )}
                />
              )}
              {tab === "problems" && <ProblemList problems={save.problems} onShow={showProblem} />}
              <div hidden={tab !== "preview"}>
                <PreviewPanel sceneId={scene.id} title={title} doc={doc} from={previewFrom} onFrom={setPreviewFrom} flush={flush} onPlaying={setPlaying} />
              </div>
              {tab === "revisions" && <RevisionsPanel sceneId={scene.id} version={save.version} onRestore={(v) => void restore(v)} restoring={restoring} />}
            </div>
          </aside>
        </div>
        <datalist id={FLAG_LIST_ID}>
          {flags.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
      </div>
    </EditingContext.Provider>
  );
}
