import { Link } from "react-router";
import { formatBytes } from "src/common/format";
import type { QueuedFile } from "src/features/gallery/useUploadQueue";

/** Each file of the drops so far: its progress and Cancel while it goes, then its outcome. */
export function UploadList({ files, onCancel, onClear }: { files: QueuedFile[]; onCancel: (key: number) => void; onClear: () => void }) {
  if (files.length === 0) return null;
  const finished = files.some((f) => f.state.status !== "waiting" && f.state.status !== "sending");
  return (
    <section className="card uploads" aria-label="Uploads">
      <ul>
        {files.map(({ key, name, size, state }) => (
          <li key={key} className={`upload upload-${state.status}`} aria-label={`Upload of ${name}`}>
            <span className="upload-name" title={name}>
              {name}
            </span>
            <small className="muted">{formatBytes(size)}</small>
            {state.status === "sending" && <progress value={state.share} max={1} aria-label={`Progress of ${name}`} />}
            {state.status === "waiting" && <span className="muted">waiting</span>}
            {state.status === "done" && (
              <Link to={`/gallery/${state.assetId}`} className="ok">
                added
              </Link>
            )}
            {state.status === "cancelled" && <span className="muted">cancelled</span>}
            {state.status === "refused" && (
              <span className="field-error" role="alert">
                Refused: {state.message}
              </span>
            )}
            {(state.status === "waiting" || state.status === "sending") && (
              <button type="button" className="link" aria-label={`Cancel ${name}`} onClick={() => onCancel(key)}>
                Cancel
              </button>
            )}
          </li>
        ))}
      </ul>
      {finished && (
        <button type="button" className="link" onClick={onClear}>
          Clear finished
        </button>
      )}
    </section>
  );
}
