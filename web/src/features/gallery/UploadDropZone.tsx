import { type DragEvent, type ReactNode, useState } from "react";
import { UploadList } from "src/features/gallery/UploadList";
import { useUploadQueue } from "src/features/gallery/useUploadQueue";

/** Drop files anywhere on the gallery to upload them, one after another, each with its
 * progress and a cancel; the page's heading shares a row with the upload button. */
export function UploadDropZone({ heading, children }: { heading: ReactNode; children: ReactNode }) {
  const queue = useUploadQueue();
  const [over, setOver] = useState(false);
  const sending = queue.files.filter((f) => f.state.status === "waiting" || f.state.status === "sending").length;

  function drop(event: DragEvent) {
    if (event.dataTransfer.files.length === 0) return; // (a tile dragged onto the page)
    event.preventDefault();
    setOver(false);
    queue.add(Array.from(event.dataTransfer.files));
  }

  return (
    <div
      className={over ? "dropzone dropzone-over" : "dropzone"}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes("Files")) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <div className="spread">
        {heading}
        <div className="row">
          <label className="button-like">
            Upload files
            <input
              type="file"
              hidden
              multiple
              accept="image/*,video/*"
              aria-label="Upload files"
              onChange={(e) => {
                queue.add(Array.from(e.target.files ?? []));
                e.target.value = "";
              }}
            />
          </label>
          <span className="muted">{sending > 0 ? `Uploading ${sending}…` : "or drop files here"}</span>
        </div>
      </div>
      <UploadList files={queue.files} onCancel={queue.cancel} onClear={queue.clearFinished} />
      {children}
    </div>
  );
}
