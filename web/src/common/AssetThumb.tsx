import { useState } from "react";
import type { Asset } from "src/api/assets";

/** A thumbnail that plays the asset's short preview while hovered (video only). */
export function AssetThumb({ asset }: { asset: Asset }) {
  const [hover, setHover] = useState(false);
  const preview = asset.media_type === "video" ? asset.preview_url : null;
  const still = asset.thumbnail_url ?? (asset.media_type === "image" ? asset.file_url : null);
  return (
    <div
      className="thumb"
      onMouseEnter={() => setHover(true)}
      onMouseLeave={() => setHover(false)}
    >
      {hover && preview ? (
        <video src={preview} autoPlay muted loop playsInline />
      ) : still ? (
        <img src={still} alt={asset.prompt ?? asset.original_filename ?? `asset ${asset.id}`} loading="lazy" />
      ) : (
        <span className="muted">{asset.media_type}</span>
      )}
      {asset.duration_sec ? <span className="thumb-badge">{asset.duration_sec.toFixed(1)} s</span> : null}
    </div>
  );
}
