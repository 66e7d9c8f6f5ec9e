import { type Asset, useAssets } from "src/api/assets";
import { AssetThumb } from "src/common/AssetThumb";
import { EmptyState } from "src/common/EmptyState";
import { Loading } from "src/common/Loading";

/** Recent assets of one media type, to pick an input from. */
export function AssetPicker({ mediaType, onPick }: { mediaType: string; onPick: (a: Asset) => void }) {
  const assets = useAssets({ media_type: mediaType as "image" | "video" }, 24);
  if (assets.isPending) return <Loading label="Loading the gallery…" />;
  const items = assets.data?.pages.flatMap((p) => p.items) ?? [];
  if (items.length === 0) return <EmptyState title={`No ${mediaType}s in the gallery yet`}>Upload one instead.</EmptyState>;
  return (
    <div className="thumb-grid small">
      {items.map((asset) => (
        <button key={asset.id} type="button" className="thumb-button" onClick={() => onPick(asset)} aria-label={`Use asset ${asset.id}`}>
          <AssetThumb asset={asset} />
        </button>
      ))}
    </div>
  );
}
