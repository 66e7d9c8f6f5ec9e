import { ReactFlowProvider } from "@xyflow/react";
import { Link, useParams } from "react-router";
import { useLiveEvents } from "src/api/events";
import { useScene } from "src/api/scenes";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Loading } from "src/common/Loading";
import { Editor } from "src/features/scenes/editor/Editor";

/** /scenes/:sceneId/edit: the editor, the whole window. It hears saves made elsewhere through
 * the event stream, which it opens itself (it has no navigation frame). */
export default function EditorPage() {
  const sceneId = Number(useParams().sceneId);
  const known = Number.isInteger(sceneId) && sceneId > 0;
  const scene = useScene(known ? sceneId : 0);
  useLiveEvents();
  // The editor starts from the scene as first loaded; later copies reach it as remote changes.
  const loaded = scene.data;
  return (
    <div className="editor-root">
      {!known && (
        <p className="error">
          There is no scene at this address. <Link to="/scenes">Scenes</Link>
        </p>
      )}
      {known && scene.isPending && <Loading label="Loading the scene…" />}
      <ErrorMessage error={scene.error} />
      {loaded && (
        <ReactFlowProvider>
          <Editor key={loaded.id} scene={loaded} />
        </ReactFlowProvider>
      )}
    </div>
  );
}

