import { useState } from "react";

/** Copy a link that opens this save (on another device, say); where the clipboard is
 * refused (a page not served over HTTPS), the link is shown to copy by hand. */
export function CopyLink({ url }: { url: string }) {
  const [shown, setShown] = useState<"copied" | "link" | null>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setShown("copied");
    } catch {
      setShown("link");
    }
  };

  return (
    <>
      <button type="button" onClick={() => void copy()}>
        Copy link
      </button>
      {shown === "copied" && <span className="muted">Link copied</span>}
      {shown === "link" && (
        <input
          className="scene-link"
          readOnly
          value={url}
          aria-label="Link to this save"
          onFocus={(event) => event.currentTarget.select()}
        />
      )}
    </>
  );
}
