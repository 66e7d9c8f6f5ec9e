import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import { useAssets } from "src/api/assets";
import { EmptyState } from "src/common/EmptyState";
import { ErrorMessage } from "src/common/ErrorMessage";
import { totalLabel } from "src/common/format";
import { Loading } from "src/common/Loading";
import { allSelected, isSelected, keepListed, matchingAll, NONE, toggle, togglePage } from "src/common/selection";
import { useBoard } from "src/common/board";
import { useInView } from "src/common/useInView";
import { BoardStrip } from "src/features/boards/BoardStrip";
import { GalleryBulkBar } from "src/features/gallery/GalleryBulkBar";
import { GalleryFilters, useGalleryFilters } from "src/features/gallery/GalleryFilters";
import { hasFilters, toAssetQuery } from "src/features/gallery/galleryFilters";
import { GalleryTile } from "src/features/gallery/GalleryTile";
import { GalleryViews, viewOf } from "src/features/gallery/GalleryViews";
import { Lightbox } from "src/features/gallery/Lightbox";
import { UploadDropZone } from "src/features/gallery/UploadDropZone";
import { useUrlParams } from "src/common/useUrlParams";

const SIZES = { s: "Small", m: "Medium", l: "Large" } as const;
type Size = keyof typeof SIZES;
const SIZE_KEY = "pixsim7.thumbSize";
const storedSize = (): Size => {
  const value = localStorage.getItem(SIZE_KEY);
  return value === "s" || value === "l" ? value : "m";
};

export default function GalleryPage() {
  const [params, setParams] = useUrlParams();
  const [size, setSize] = useState<Size>(storedSize);
  const [filters, , clearFilters] = useGalleryFilters();
  const board = useBoard();
  const query = toAssetQuery(filters);
  // The board worked in, unless the URL names one (a shared link).
  if (board && query.workspace_id === undefined && !filters.trashed) query.workspace_id = board;
  const queryKey = JSON.stringify(query);
  const assets = useAssets(query);
  const [sentinel, atEnd] = useInView<HTMLDivElement>();
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = assets;
  useEffect(() => {
    if (atEnd && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [atEnd, hasNextPage, isFetchingNextPage, fetchNextPage]);
  const [selection, setSelection] = useState(NONE);
  const [selectionFor, setSelectionFor] = useState(queryKey);
  if (selectionFor !== queryKey) {
    setSelectionFor(queryKey);
    setSelection(NONE);
  }

  const view = viewOf(filters);
  const items = assets.data?.pages.flatMap((p) => p.items) ?? [];
  const order = items.map((a) => a.id);
  const shown = keepListed(selection, order);
  const selecting = shown.matching || shown.ids.size > 0;
  const first = assets.data?.pages[0];
  const total = first?.total;
  // The lightbox: `open=<id>` in the URL (Back closes it; a link opens it).
  const openId = Number(params.get("open") ?? 0);
  const opened = items.find((a) => a.id === openId);
  const open = (id: number | null, push = false) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (id === null) next.delete("open");
        else next.set("open", String(id));
        return next;
      },
      { replace: !push },
    );
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  return (
    <UploadDropZone
      heading={
        <h1>
          {view === "trash" ? "Trash" : view === "favorites" ? "Favourites" : "Gallery"}{" "}
          {first !== undefined && <small className="muted">{totalLabel(first.total, first.total_exact ?? true, "asset")}</small>}
        </h1>
      }
    >
      <BoardStrip />
      <GalleryViews view={view} trashDays={assets.data?.pages[0]?.trash_days} />
      <GalleryFilters />
      <div className="row">
        <label className="inline-field">
          <span>Thumbnails</span>
          <select
            aria-label="Thumbnail size"
            value={size}
            onChange={(e) => {
              const next = e.target.value as Size;
              localStorage.setItem(SIZE_KEY, next);
              setSize(next);
            }}
          >
            {(Object.keys(SIZES) as Size[]).map((key) => (
              <option key={key} value={key}>
                {SIZES[key]}
              </option>
            ))}
          </select>
        </label>
      {items.length > 0 && (
        <label className="inline-field select-all">
          <input type="checkbox" aria-label="Select all shown" checked={allSelected(shown, order)} onChange={() => setSelection(togglePage(shown, order))} />
          <span>Select all shown</span>
        </label>
      )}
      </div>
      {selecting && (
        <GalleryBulkBar
          selection={shown}
          filter={query}
          total={total}
          inTrash={view === "trash"}
          canSelectMatching={allSelected(shown, order) && total !== undefined && total > order.length}
          onSelectMatching={() => setSelection(matchingAll(shown))}
          onDone={() => setSelection(NONE)}
        />
      )}
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
        <EmptyState title={view === "trash" ? "The trash is empty" : view === "favorites" ? "No favourites yet" : "Nothing here yet"}>
          {view === "all" && (
            <>
              Drop images or videos here, or <Link to="/generate">generate</Link> some.
            </>
          )}
          {view === "favorites" && "Mark assets with their heart to find them here."}
        </EmptyState>
      )}
      <div className={`thumb-grid size-${size}`}>
        {items.map((asset) => (
          <GalleryTile
            key={asset.id}
            asset={asset}
            selected={isSelected(shown, asset.id)}
            selecting={selecting}
            onSelect={(range) => setSelection(toggle(shown, asset.id, order, range))}
            dragged={() => (isSelected(shown, asset.id) && !shown.matching ? [...shown.ids] : [asset.id])}
            onOpen={() => open(asset.id, true)}
          />
        ))}
      </div>
      {opened && <Lightbox asset={opened} items={items} onOpen={(id) => open(id)} onClose={() => open(null)} onNearEnd={loadMore} />}
      <div ref={sentinel} />
      {isFetchingNextPage && <Loading label="Loading more…" />}
    </UploadDropZone>
  );
}
