import { useProviders } from "src/api/providers";
import { SearchBox } from "src/common/SearchBox";
import {
  type FilterKey,
  type GalleryFilters as Filters,
  hasFilters,
  readFilters,
  withFilter,
  withoutFilters,
} from "src/features/gallery/galleryFilters";
import { useUrlParams } from "src/common/useUrlParams";

/** The filters in the URL, and a setter that replaces the history entry (no back-button spam). */
export function useGalleryFilters(): [Filters, (key: FilterKey, value: string) => void, () => void] {
  const [params, setParams] = useUrlParams();
  return [
    readFilters(params),
    (key, value) => setParams((p) => withFilter(p, key, value), { replace: true }),
    () => setParams(withoutFilters, { replace: true }),
  ];
}

export function GalleryFilters() {
  const [filters, set, clear] = useGalleryFilters();
  const providers = useProviders();
  return (
    <div className="row filters" role="search" aria-label="Gallery filters">
      <SearchBox
        aria-label="Search"
        placeholder="Search prompts and descriptions"
        maxLength={200}
        value={filters.q ?? ""}
        onSearch={(text) => set("q", text)}
      />
      <select aria-label="Media type" value={filters.media_type ?? ""} onChange={(e) => set("media_type", e.target.value)}>
        <option value="">Images and videos</option>
        <option value="video">Videos</option>
        <option value="image">Images</option>
      </select>
      <select aria-label="Provider" value={filters.provider_id ?? ""} onChange={(e) => set("provider_id", e.target.value)}>
        <option value="">All providers</option>
        {providers.data?.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <input
        key={`tag-${filters.tag ?? ""}`}
        aria-label="Tag"
        className="tag-filter"
        placeholder="Tag"
        defaultValue={filters.tag ?? ""}
        onBlur={(e) => set("tag", e.target.value)}
        onKeyDown={(e) => e.key === "Enter" && set("tag", e.currentTarget.value)}
      />
      <label className="inline-field">
        <span>From</span>
        <input type="date" aria-label="Created from" value={filters.after ?? ""} max={filters.before} onChange={(e) => set("after", e.target.value)} />
      </label>
      <label className="inline-field">
        <span>until</span>
        <input type="date" aria-label="Created until" value={filters.before ?? ""} min={filters.after} onChange={(e) => set("before", e.target.value)} />
      </label>
      <select aria-label="Sort" value={filters.sort ?? "newest"} onChange={(e) => set("sort", e.target.value)}>
        <option value="newest">Newest first</option>
        <option value="oldest">Oldest first</option>
      </select>
      {hasFilters(filters) && (
        <button type="button" className="link" onClick={clear}>
          Clear filters
        </button>
      )}
    </div>
  );
}
