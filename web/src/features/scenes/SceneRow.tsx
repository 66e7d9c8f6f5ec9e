import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { ApiError } from "src/api/client";
import { deleteScene, duplicateScene, exportJson, type SceneSummary, scenesKey } from "src/api/scenes";
import { plural } from "src/common/format";
import { downloadJson, slug } from "src/features/scenes/download";

function problemsText(scene: SceneSummary): string {
  if (scene.error_count == null || scene.warning_count == null) return "—";
  if (scene.error_count + scene.warning_count === 0) return "none";
  return [scene.error_count && plural(scene.error_count, "error"), scene.warning_count && plural(scene.warning_count, "warning")]
    .filter(Boolean)
    .join(", ");
}

/** One scene of the list: poster, counts, and what can be done with it. */
export function SceneRow({ scene }: { scene: SceneSummary }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const [inUse, setInUse] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const exportable = scene.error_count === 0 || scene.status === "published";

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }
  const remove = (force: boolean) =>
    run(async () => {
      try {
        await deleteScene(scene.id, force);
        void queryClient.invalidateQueries({ queryKey: scenesKey });
      } catch (failure) {
        // Other scenes call this one: say which, and offer to delete it anyway.
        if (failure instanceof ApiError && failure.status === 409) setInUse(failure.message);
        else throw failure;
      }
    });

  return (
    <tr>
      <td data-label="Poster">
        {scene.poster_asset_id ? (
          <img className="scene-list-poster" src={`/api/v1/assets/${scene.poster_asset_id}/thumbnail`} alt="" loading="lazy" />
        ) : (
          <span className="scene-list-poster" aria-hidden />
        )}
      </td>
      <td data-label="Title">
        <Link to={`/scenes/${scene.id}/edit`}>
          <strong>{scene.title}</strong>
        </Link>
        {scene.description && <div className="muted ellipsis">{scene.description}</div>}
      </td>
      <td data-label="Status">
        <span className={scene.status === "published" ? "badge ok" : "badge"}>{scene.status}</span>
      </td>
      <td data-label="Nodes">{plural(scene.node_count, "node")}</td>
      <td data-label="Problems" className={scene.error_count ? "error-text" : undefined}>
        {problemsText(scene)}
      </td>
      <td data-label="Edited">{new Date(scene.updated_at).toLocaleString()}</td>
      <td>
        <div className="row">
          <Link className="button-like" to={`/scenes/${scene.id}/edit`} aria-label={`Edit ${scene.title}`}>
            Edit
          </Link>
          <Link className="button-like" to={`/play/${scene.id}`} aria-label={`Play ${scene.title}`}>
            Play
          </Link>
          <button
            type="button"
            disabled={busy}
            aria-label={`Duplicate ${scene.title}`}
            onClick={() =>
              void run(async () => {
                const copy = await duplicateScene(scene.id);
                void queryClient.invalidateQueries({ queryKey: scenesKey });
                void navigate(`/scenes/${copy.id}/edit`);
              })
            }
          >
            Duplicate
          </button>
          {exportable ? (
            <>
              <button
                type="button"
                disabled={busy}
                aria-label={`Export JSON of ${scene.title}`}
                onClick={() => void run(async () => downloadJson(await exportJson(scene.id), `${slug(scene.title)}-${scene.id}.json`))}
              >
                JSON
              </button>
              <a className="button-like" href={`/api/v1/scenes/${scene.id}/export.zip`} download aria-label={`Export ${scene.title}`}>
                Zip
              </a>
            </>
          ) : (
            <span className="muted" title="A scene with errors cannot be exported">
              no export
            </span>
          )}
          {!confirming ? (
            <button type="button" className="danger" onClick={() => setConfirming(true)} aria-label={`Delete ${scene.title}`}>
              Delete
            </button>
          ) : (
            <span className="row" role="group" aria-label={`Delete ${scene.title}?`}>
              {inUse ?? `Delete “${scene.title}”?`}
              <button type="button" className="danger" disabled={busy} onClick={() => void remove(inUse !== null)}>
                {inUse ? "Delete anyway" : "Yes, delete"}
              </button>
              <button
                type="button"
                onClick={() => {
                  setConfirming(false);
                  setInUse(null);
                }}
              >
                Cancel
              </button>
            </span>
          )}
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}
