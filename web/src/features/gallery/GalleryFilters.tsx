import { useSearchParams } from "react-router";
import type { AssetQuery } from "src/api/assets";

/** Filters are kept in the URL, so a filtered gallery can be bookmarked and shared. */
export function useGalleryFilters(): [AssetQuery, (key: keyof AssetQuery, value: string) => void] {
  const [params, setParams] = useSearchParams();
  const filters: AssetQuery = {
    media_type: (params.get("media_type") as AssetQuery["media_type"]) ?? undefined,
    provider_id: params.get("provider_id") ?? undefined,
    tag: params.get("tag") ?? undefined,
    q: params.get("q") ?? undefined,
  };
  const set = (key: keyof AssetQuery, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return [filters, set];
}

export function GalleryFilters() {
  const [filters, set] = useGalleryFilters();
  return (
    <div className="row filters">
      <input
        type="search"
        aria-label="Search"
        placeholder="Search prompts and descriptions"
        defaultValue={filters.q ?? ""}
        onKeyDown={(e) => e.key === "Enter" && set("q", e.currentTarget.value)}
        onBlur={(e) => set("q", e.target.value)}
      />
      <select aria-label="Media type" value={filters.media_type ?? ""} onChange={(e) => set("media_type", e.target.value)}>
        <option value="">Images and videos</option>
        <option value="video">Videos</option>
        <option value="image">Images</option>
      </select>
      <input
        aria-label="Tag"
        placeholder="Tag"
        defaultValue={filters.tag ?? ""}
        onBlur={(e) => set("tag", e.target.value)}
        onKeyDown={(e) => e.key === "Enter" && set("tag", e.currentTarget.value)}
      />
    </div>
  );
}
