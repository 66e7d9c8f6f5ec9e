import { useState } from "react";
import { Link } from "react-router";
import { type AssetBatch, type AssetSelection, downloadUrl, useAssetBatch } from "src/api/assets";
import { ApiError } from "src/api/client";
import { BatchError } from "src/common/BatchError";
import { clearAfter, type Selection, selectedCount } from "src/common/selection";
import { MoveToBoard } from "src/features/boards/MoveToBoard";
import { MAX_COMPARED } from "src/features/gallery/compare";

interface Props {
  selection: Selection;
  /** The filter "all matching" stands for (the list's query). */
  filter: AssetSelection["filter"];
  /** The total the filter matches, if known. */
  total?: number;
  inTrash: boolean;
  canSelectMatching: boolean;
  onSelectMatching: () => void;
  onDone: () => void;
}

export function toAssetSelection(selection: Selection, filter: AssetSelection["filter"]): AssetSelection {
  return selection.matching ? { filter } : { ids: [...selection.ids] };
}

/** What can be done to the selected assets, each in one request (all or none). */
export function GalleryBulkBar({ selection, filter, total, inTrash, canSelectMatching, onSelectMatching, onDone }: Props) {
  const run = useAssetBatch();
  const [tag, setTag] = useState("");
  const body = toAssetSelection(selection, filter);
  const count = selectedCount(selection, total);
  const act = (request: AssetBatch, confirm?: string) => {
    if (confirm && !window.confirm(confirm)) return;
    clearAfter(run.mutateAsync(request), onDone);
  };
  const inUse = run.error instanceof ApiError && run.error.code === "asset_in_use";
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Selected assets">
      <strong>{count === "all" ? "All matching" : `${count} selected`}</strong>
      {canSelectMatching && !selection.matching && (
        <button type="button" className="link" onClick={onSelectMatching}>
          Select all {total !== undefined ? total : ""} matching
        </button>
      )}
      {inTrash ? (
        <>
          <button type="button" disabled={run.isPending} onClick={() => act({ action: "restore", selection: body })}>
            Restore
          </button>
          <button
            type="button"
            className="danger"
            disabled={run.isPending}
            onClick={() => act({ action: "delete", selection: body }, "Delete the selected assets for good? This cannot be undone.")}
          >
            Delete forever
          </button>
        </>
      ) : (
        <>
          <button type="button" disabled={run.isPending} onClick={() => act({ action: "favorite", selection: body, favorite: true })}>
            Favourite
          </button>
          <button type="button" disabled={run.isPending} onClick={() => act({ action: "favorite", selection: body, favorite: false })}>
            Unfavourite
          </button>
          <input aria-label="Tag for the selection" placeholder="Tag" className="tag-filter" value={tag} maxLength={64} onChange={(e) => setTag(e.target.value)} />
          <button type="button" disabled={run.isPending || !tag.trim()} onClick={() => act({ action: "tags", selection: body, add: [tag.trim()] })}>
            Add tag
          </button>
          <button type="button" disabled={run.isPending || !tag.trim()} onClick={() => act({ action: "tags", selection: body, remove: [tag.trim()] })}>
            Remove tag
          </button>
          <MoveToBoard disabled={run.isPending} onMove={(workspaceId) => act({ action: "move", selection: body, workspace_id: workspaceId })} />
          {!selection.matching && selection.ids.size >= 2 && selection.ids.size <= MAX_COMPARED && (
            <Link className="button-like" to={`/compare?ids=${[...selection.ids].join(",")}`}>
              Compare
            </Link>
          )}
          <a className="button-like" href={downloadUrl(body)} download>
            Download zip
          </a>
          <button type="button" className="danger" disabled={run.isPending} onClick={() => act({ action: "trash", selection: body })}>
            Delete
          </button>
        </>
      )}
      <button type="button" className="link" onClick={onDone}>
        Clear selection
      </button>
      <BatchError error={run.error} />
      {inUse && (
        <button type="button" className="danger" onClick={() => act({ action: "trash", selection: body, force: true })}>
          Delete anyway (the scenes lose them)
        </button>
      )}
    </div>
  );
}
