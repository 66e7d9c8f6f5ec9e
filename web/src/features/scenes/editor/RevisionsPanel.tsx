import { useRevisions } from "src/api/scenes";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Loading } from "src/common/Loading";

interface Props {
  sceneId: number;
  version: number;
  onRestore(version: number): void;
  restoring: boolean;
}

/** The newest saved versions; restoring one saves it again as the newest. */
export function RevisionsPanel({ sceneId, version, onRestore, restoring }: Props) {
  const revisions = useRevisions(sceneId, version);
  return (
    <section aria-label="Revisions">
      {revisions.isPending && <Loading label="Loading the revisions…" />}
      <ErrorMessage error={revisions.error} />
      <ul className="revision-list">
        {(revisions.data ?? []).map((r) => (
          <li key={r.version} className="spread">
            <span>
              <strong>v{r.version}</strong> {r.title} · {r.node_count} nodes
              <br />
              <span className="muted">{new Date(r.created_at).toLocaleString()}</span>
            </span>
            {r.version === version ? (
              <span className="badge ok">current</span>
            ) : (
              <button type="button" disabled={restoring} onClick={() => onRestore(r.version)} aria-label={`Restore version ${r.version}`}>
                Restore
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
