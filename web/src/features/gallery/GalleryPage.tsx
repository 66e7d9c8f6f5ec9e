import { useEffect } from "react";
import { Link } from "react-router";
import { useAssets } from "src/api/assets";
import { AssetThumb } from "src/common/AssetThumb";
import { plural } from "src/common/format";
import { EmptyState } from "src/common/EmptyState";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Loading } from "src/common/Loading";
import { useInView } from "src/common/useInView";
import { GalleryFilters, useGalleryFilters } from "src/features/gallery/GalleryFilters";
import { hasFilters, toAssetQuery } from "src/features/gallery/galleryFilters";
import { UploadDropZone } from "src/features/gallery/UploadDropZone";

export default function GalleryPage() {
  const [filters, , clearFilters] = useGalleryFilters();
  const assets = useAssets(toAssetQuery(filters));
  const [sentinel, atEnd] = useInView<HTMLDivElement>();
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = assets;
  useEffect(() => {
    if (atEnd && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [atEnd, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const items = assets.data?.pages.flatMap((p) => p.items) ?? [];
  const total = assets.data?.pages[0]?.total;
  return (
    <UploadDropZone
      heading={
        <h1>
          Gallery {total !== undefined && <small className="muted">{plural(total, "asset")}</small>}
        </h1>
      }
    >
      <GalleryFilters />
      {assets.isPending && <Loading label="Loading the gallery…" />}
      <ErrorMessage error={assets.error} />
      {assets.isSuccess && items.length === 0 && hasFilters(filters) && (
        <EmptyState title="No assets match these filters">
          <button type="button" onClick={clearFilters}>
            Clear filters
          </button>
        </EmptyState>
      )}
      {assets.isSuccess && items.length === 0 && !hasFilters(filters) && (
        <EmptyState title="Nothing here yet">
          Drop images or videos here, or <Link to="/generate">generate</Link> some.
        </EmptyState>
      )}
      <div className="thumb-grid">
        {items.map((asset) => (
          <Link key={asset.id} to={`/gallery/${asset.id}`} className="thumb-link" aria-label={`Asset ${asset.id}`}>
            <AssetThumb asset={asset} />
          </Link>
        ))}
      </div>
      <div ref={sentinel} />
      {isFetchingNextPage && <Loading label="Loading more…" />}
    </UploadDropZone>
  );
}
