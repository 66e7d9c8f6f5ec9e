import { useState } from "react";
import { Link } from "react-router";
import { ApiError } from "src/api/client";
import { publishScene } from "src/api/scenes";
import type { SaveState } from "src/features/scenes/editor/autosave";
import type { SceneDoc } from "src/features/scenes/editor/doc";
import { FindNode } from "src/features/scenes/editor/FindNode";
import { SaveStatus } from "src/features/scenes/editor/SaveBar";

interface Props {
  sceneId: number;
  title: string;
  doc: SceneDoc;
  save: SaveState;
  canUndo: boolean;
  canRedo: boolean;
  onUndo(): void;
  onRedo(): void;
  onArrange(): void;
  onFit(): void;
  onFind(id: string): void;
  flush(): Promise<boolean>;
}

/** The editor's bar: back, title, save status, history, arrange, find, publish and export. */
export function EditorHeader(props: Props) {
  const { sceneId, title, doc, save } = props;
  const errors = save.problems.filter((p) => p.severity === "error").length;
  const [note, setNote] = useState<string | null>(null);
  const blocked = errors > 0 ? `Fix the ${errors} error${errors === 1 ? "" : "s"} first` : undefined;

  async function publish() {
    setNote(null);
    try {
      if (!(await props.flush())) throw new Error("the latest changes are not saved");
      await publishScene(sceneId);
      setNote("Published.");
    } catch (failure) {
      setNote(failure instanceof ApiError || failure instanceof Error ? `Not published: ${failure.message}` : "Not published");
    }
  }

  return (
    <header className="editor-header">
      <Link to="/scenes">← Scenes</Link>
      <h1 className="editor-title">{title || "Untitled"}</h1>
      <SaveStatus state={save} />
      <div className="row" role="toolbar" aria-label="Edit">
        <button type="button" onClick={props.onUndo} disabled={!props.canUndo} title="Ctrl+Z">
          Undo
        </button>
        <button type="button" onClick={props.onRedo} disabled={!props.canRedo} title="Ctrl+Shift+Z">
          Redo
        </button>
        <button type="button" onClick={props.onArrange} disabled={doc.nodes.length === 0}>
          Arrange
        </button>
        <button type="button" onClick={props.onFit}>
          Fit
        </button>
      </div>
      <FindNode doc={doc} onFound={props.onFind} />
      <div className="row editor-header-end">
        <Link className="button-like" to={`/play/${sceneId}`} target="_blank" rel="noreferrer">
          Play
        </Link>
        <button type="button" onClick={() => void publish()} disabled={Boolean(blocked)} title={blocked}>
          Publish
        </button>
        {blocked ? (
          <span className="muted" title={blocked}>
            Export: {blocked.toLowerCase()}
          </span>
        ) : (
          <>
            <a className="button-like" href={`/api/v1/scenes/${sceneId}/export.json`} download>
              Export JSON
            </a>
            <a className="button-like" href={`/api/v1/scenes/${sceneId}/export.zip`} download>
              Export zip
            </a>
          </>
        )}
        {note && <span role="status">{note}</span>}
      </div>
    </header>
  );
}
