import { useEffect, useLayoutEffect, useRef } from "react";
import { Link } from "react-router";
import { type Asset, useUpdateAsset } from "src/api/assets";
import { lightboxAction, neighbours } from "src/features/gallery/lightboxKeys";
import { useLatest } from "src/common/useLatest";

interface Props {
  asset: Asset;
  /** The assets in the grid's order (the lightbox walks through them). */
  items: readonly Asset[];
  onOpen: (id: number) => void;
  onClose: () => void;
  /** Asked when the last loaded asset is shown (more may follow). */
  onNearEnd?: () => void;
}

function Preload({ asset }: { asset: Asset | undefined }) {
  if (!asset) return null;
  // Loaded but not shown: the next arrow key finds it decoded (the CSP allows no inline
  // style, so the elements are hidden by class).
  return asset.media_type === "video" ? (
    <video className="preload" src={asset.file_url} preload="auto" muted data-preload={asset.id} />
  ) : (
    <img className="preload" src={asset.file_url} alt="" data-preload={asset.id} />
  );
}

/** One asset at a time over the gallery: arrows move, space plays, Escape closes, F
 * favourites; its neighbours load while it is shown. */
export function Lightbox({ asset, items, onOpen, onClose, onNearEnd }: Props) {
  const video = useRef<HTMLVideoElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const update = useUpdateAsset();
  const order = items.map((a) => a.id);
  const { index, previous, next } = neighbours(order, asset.id);
  const byId = (id: number | undefined) => items.find((a) => a.id === id);
  const latest = useLatest({ order, asset, onOpen, onClose });
  // The asset the keys move from: set at once on each press, so presses quicker than a
  // render each take a step instead of all stepping from the same place (and, like
  // `latest`, before the asset shown is painted).
  const at = useRef(asset.id);
  useLayoutEffect(() => {
    at.current = asset.id;
  }, [asset]);
  useEffect(() => {
    if (next === undefined) onNearEnd?.();
  }, [next, onNearEnd]);
  useEffect(() => dialog.current?.focus(), []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = lightboxAction(event);
      if (!action || (event.target instanceof HTMLInputElement && event.target.type !== "checkbox")) return;
      event.preventDefault();
      const { order: o, asset: a } = latest.current;
      const step = neighbours(o, at.current);
      const target = action === "previous" ? step.previous : action === "next" ? step.next : undefined;
      if (target !== undefined) {
        at.current = target;
        latest.current.onOpen(target);
      } else if (action === "close") latest.current.onClose();
      else if (action === "favourite") update.mutate({ id: a.id, favorite: !a.favorite });
      else if (action === "toggle-play" && video.current) {
        if (video.current.paused) void video.current.play();
        else video.current.pause();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [latest, update]);

  return (
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={`Asset ${asset.id}`} tabIndex={-1} ref={dialog}>
      <div className="lightbox-bar">
        <span>
          {index + 1} / {items.length}
        </span>
        <span className="lightbox-prompt" title={asset.prompt ?? undefined}>
          {asset.prompt ?? asset.original_filename ?? `${asset.media_type} #${asset.id}`}
        </span>
        <button type="button" aria-pressed={asset.favorite} onClick={() => update.mutate({ id: asset.id, favorite: !asset.favorite })}>
          {asset.favorite ? "♥ Favourite" : "♡ Favourite"}
        </button>
        {asset.source_job_id && (
          <Link className="button-like" to={`/generate?reuse=${asset.source_job_id}`}>
            Reuse
          </Link>
        )}
        <Link className="button-like" to={`/generate?input=${asset.id}`}>
          Use as input
        </Link>
        <Link className="button-like" to={`/gallery/${asset.id}`}>
          Details
        </Link>
        <button type="button" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      <div className="lightbox-stage">
        <button type="button" className="lightbox-nav" aria-label="Previous" disabled={previous === undefined} onClick={() => previous !== undefined && onOpen(previous)}>
          ‹
        </button>
        {asset.media_type === "video" ? (
          <video key={asset.id} ref={video} src={asset.file_url} poster={asset.thumbnail_url ?? undefined} controls autoPlay playsInline aria-label="Player" />
        ) : (
          <img key={asset.id} src={asset.file_url} alt={asset.prompt ?? `asset ${asset.id}`} />
        )}
        <button type="button" className="lightbox-nav" aria-label="Next" disabled={next === undefined} onClick={() => next !== undefined && onOpen(next)}>
          ›
        </button>
      </div>
      <div className="preloads" aria-hidden>
        <Preload asset={byId(previous)} />
        <Preload asset={byId(next)} />
      </div>
    </div>
  );
}
