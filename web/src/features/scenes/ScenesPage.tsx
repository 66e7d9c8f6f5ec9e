import { useState } from "react";
import { useNavigate } from "react-router";
import { createScene, useScenes } from "src/api/scenes";
import { useWorkspaces } from "src/api/workspaces";
import { EmptyState } from "src/common/EmptyState";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Loading } from "src/common/Loading";
import { ImportScene } from "src/features/scenes/ImportScene";
import { SceneRow } from "src/features/scenes/SceneRow";

/** The user's scenes: make, import, edit, play, duplicate, export, delete. */
export default function ScenesPage() {
  const [workspaceId, setWorkspaceId] = useState<number | null>(null);
  const scenes = useScenes(50, workspaceId);
  const workspaces = useWorkspaces();
  const navigate = useNavigate();
  const [creating, setCreating] = useState<unknown>(null);
  const items = scenes.data?.pages.flatMap((p) => p.items) ?? [];
  async function create() {
    setCreating(true);
    try {
      const scene = await createScene({ title: "Untitled scene", workspace_id: workspaceId });
      void navigate(`/scenes/${scene.id}/edit`);
    } catch (failure) {
      setCreating(failure);
    }
  }
  return (
    <>
      <div className="spread">
        <h1>Scenes</h1>
        <div className="row">
          {(workspaces.data?.items.length ?? 0) > 0 && (
            <select aria-label="Workspace" value={workspaceId ?? ""} onChange={(e) => setWorkspaceId(e.target.value ? Number(e.target.value) : null)}>
              <option value="">Every workspace</option>
              {workspaces.data?.items.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          )}
          <ImportScene workspaceId={workspaceId} />
          <button type="button" className="primary" onClick={() => void create()} disabled={creating === true}>
            New scene
          </button>
        </div>
      </div>
      {creating instanceof Error && <ErrorMessage error={creating} />}
      {scenes.isPending && <Loading label="Loading your scenes…" />}
      <ErrorMessage error={scenes.error} />
      {scenes.isSuccess && items.length === 0 && (
        <EmptyState title="No scenes yet">Make one with New scene, or import one.</EmptyState>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="cards">
            <thead>
              <tr>
                <th />
                <th>Title</th>
                <th>Status</th>
                <th>Nodes</th>
                <th>Problems</th>
                <th>Edited</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((scene) => (
                <SceneRow key={scene.id} scene={scene} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {scenes.hasNextPage && (
        <button type="button" onClick={() => void scenes.fetchNextPage()} disabled={scenes.isFetchingNextPage}>
          More
        </button>
      )}
    </>
  );
}
