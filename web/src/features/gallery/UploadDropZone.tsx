import { type DragEvent, type ReactNode, useState } from "react";
import { useUpload } from "src/api/assets";
import { ErrorMessage } from "src/common/ErrorMessage";

/** Drop files anywhere on the gallery to upload them, one after another; the page's
 * heading shares a row with the upload button. */
export function UploadDropZone({ heading, children }: { heading: ReactNode; children: ReactNode }) {
  const upload = useUpload();
  const [over, setOver] = useState(false);
  const [queue, setQueue] = useState(0);

  async function send(files: File[]) {
    setQueue(files.length);
    for (const file of files) {
      try {
        await upload.mutateAsync(file);
      } catch {
        // the error shows below; carry on with the next file
      }
      setQueue((n) => n - 1);
    }
  }

  function drop(event: DragEvent) {
    event.preventDefault();
    setOver(false);
    void send(Array.from(event.dataTransfer.files));
  }

  return (
    <div
      className={over ? "dropzone dropzone-over" : "dropzone"}
      onDragOver={(e) => {
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
                void send(Array.from(e.target.files ?? []));
                e.target.value = "";
              }}
            />
          </label>
          <span className="muted">{queue > 0 ? `Uploading ${queue}…` : "or drop files here"}</span>
        </div>
      </div>
      <ErrorMessage error={upload.error} />
      {children}
    </div>
  );
}
