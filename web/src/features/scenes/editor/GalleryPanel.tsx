import { memo, useState } from "react";
import { useAssets } from "src/api/assets";
import { AssetThumb } from "src/common/AssetThumb";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Loading } from "src/common/Loading";
import { useDebounced } from "src/common/useDebounced";
import { ASSET_TYPE, type DraggedAsset } from "src/features/scenes/editor/dnd";

interface Props {
  /** The selected video node, if any: a click adds the clip to it. */
  target: string | null;
  onPick(asset: DraggedAsset): void;
}

/** The library beside the canvas: drag a clip onto a node, or onto the canvas for a new node. */
export const GalleryPanel = memo(function GalleryPanel({ target, onPick }: Props) {
  const [q, setQ] = useState("");
  const [mediaType, setMediaType] = useState<"video" | "image" | "">("video");
  const search = useDebounced(q, 300);
  const assets = useAssets({ q: search || undefined, media_type: mediaType || undefined }, 30);
  const items = assets.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="gallery-panel" aria-label="Gallery">
      <div className="row">
        <input type="search" placeholder="Search the gallery" aria-label="Search the gallery" value={q} onChange={(e) => setQ(e.target.value)} />
        <select aria-label="Media type" value={mediaType} onChange={(e) => setMediaType(e.target.value as "video" | "image" | "")}>
          <option value="video">Videos</option>
          <option value="image">Images</option>
          <option value="">Everything</option>
        </select>
      </div>
      <p className="muted">
        Drag a clip onto a node to add it, or onto the canvas for a new video node.
        {target ? ` A click adds it to ${target}.` : ""}
      </p>
      {assets.isPending && <Loading label="Loading the gallery…" />}
      <ErrorMessage error={assets.error} />
      <ul className="gallery-panel-grid">
        {items.map((asset) => {
          const dragged: DraggedAsset = { id: asset.id, media_type: asset.media_type };
          return (
            <li key={asset.id}>
              <button
                type="button"
                className="gallery-panel-item"
                draggable
                aria-label={`Clip ${asset.original_filename ?? asset.id}`}
                onDragStart={(e) => {
                  e.dataTransfer.setData(ASSET_TYPE, JSON.stringify(dragged));
                  e.dataTransfer.effectAllowed = "copy";
                }}
                onClick={() => onPick(dragged)}
              >
                <AssetThumb asset={asset} />
              </button>
            </li>
          );
        })}
      </ul>
      {assets.hasNextPage && (
        <button type="button" onClick={() => void assets.fetchNextPage()} disabled={assets.isFetchingNextPage}>
          More
        </button>
      )}
    </div>
  );
});
