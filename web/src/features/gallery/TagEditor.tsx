import { useState } from "react";
import { useUpdateAsset } from "src/api/assets";
import { fieldError } from "src/common/ErrorMessage";

export function TagEditor({ assetId, tags }: { assetId: number; tags: string[] }) {
  const update = useUpdateAsset();
  const [draft, setDraft] = useState("");
  const save = (next: string[]) => update.mutate({ id: assetId, tags: next });
  return (
    <div className="stack">
      <div className="row">
        {tags.map((tag) => (
          <span key={tag} className="badge">
            {tag}{" "}
            <button type="button" className="link" aria-label={`Remove tag ${tag}`} onClick={() => save(tags.filter((t) => t !== tag))}>
              ×
            </button>
          </span>
        ))}
        {tags.length === 0 && <span className="muted">No tags</span>}
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (draft.trim()) save([...tags, draft.trim()]);
          setDraft("");
        }}
      >
        <input aria-label="New tag" placeholder="Add a tag" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit" disabled={update.isPending}>
          Add
        </button>
      </form>
      {fieldError(update.error, "tags") && <small className="field-error">{fieldError(update.error, "tags")}</small>}
    </div>
  );
}
