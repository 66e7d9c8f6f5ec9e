import { Link } from "react-router";
import { type Asset, useUpdateAsset } from "src/api/assets";
import { AssetThumb } from "src/common/AssetThumb";
import { startDrag } from "src/features/boards/dnd";

interface Props {
  asset: Asset;
  selected: boolean;
  /** Some asset is selected: the boxes show on every tile, not only on hover. */
  selecting: boolean;
  /** A click on the tile's box; `range` when shift was held. */
  onSelect: (range: boolean) => void;
  /** Where a click on the picture goes (the lightbox, or the asset's page). */
  onOpen?: () => void;
  /** The assets a drag of this tile carries (the selection, when the tile is in it). */
  dragged?: () => number[];
}

/** One asset in the grid: its picture (opens it), a box to select it, a heart. */
export function GalleryTile({ asset, selected, selecting, onSelect, onOpen, dragged }: Props) {
  const update = useUpdateAsset();
  const classes = ["tile", selected && "tile-selected", selecting && "tile-selecting"].filter(Boolean).join(" ");
  return (
    <div
      className={classes}
      data-asset-id={asset.id}
      onDragStart={(e) => dragged && startDrag(e, { kind: "assets", ids: dragged() })}
    >
      <Link
        to={`/gallery/${asset.id}`}
        className="thumb-link"
        aria-label={`Asset ${asset.id}`}
        onClick={(e) => {
          if (e.shiftKey || e.ctrlKey || e.metaKey || !onOpen) {
            if (e.shiftKey) {
              e.preventDefault();
              onSelect(true);
            }
            return;
          }
          e.preventDefault();
          if (selecting) onSelect(false);
          else onOpen();
        }}
      >
        <AssetThumb asset={asset} />
      </Link>
      <input
        type="checkbox"
        className="tile-check"
        aria-label={`Select asset ${asset.id}`}
        checked={selected}
        onChange={(e) => onSelect((e.nativeEvent as MouseEvent).shiftKey === true)}
      />
      {!asset.trashed_at && (
        <button
          type="button"
          className={asset.favorite ? "tile-heart on" : "tile-heart"}
          aria-label={`Favourite asset ${asset.id}`}
          aria-pressed={asset.favorite}
          disabled={update.isPending}
          onClick={() => update.mutate({ id: asset.id, favorite: !asset.favorite })}
        >
          {asset.favorite ? "♥" : "♡"}
        </button>
      )}
    </div>
  );
}
