import { useEmptyTrash } from "src/api/assets";
import { ErrorMessage } from "src/common/ErrorMessage";
import type { GalleryFilters } from "src/features/gallery/galleryFilters";
import { useUrlParams } from "src/common/useUrlParams";

type View = "all" | "favorites" | "trash";

export const viewOf = (filters: GalleryFilters): View =>
  filters.trashed ? "trash" : filters.favorite ? "favorites" : "all";

const LABELS: Record<View, string> = { all: "All", favorites: "Favourites", trash: "Trash" };

/** All · Favourites · Trash: which part of the library the grid shows (in the URL).
 * `trashDays`: after how many days the server empties the trash of a deletion. */
export function GalleryViews({ view, trashDays }: { view: View; trashDays?: number | null }) {
  const [, setParams] = useUrlParams();
  const empty = useEmptyTrash();
  const open = (next: View) =>
    setParams((current) => {
      const url = new URLSearchParams(current);
      url.delete("favorite");
      url.delete("trashed");
      if (next === "favorites") url.set("favorite", "true");
      if (next === "trash") url.set("trashed", "true");
      return url;
    });
  return (
    <div className="row views">
      <nav className="tabs" aria-label="Library views">
        {(Object.keys(LABELS) as View[]).map((v) => (
          <button key={v} type="button" className={v === view ? "tab active" : "tab"} aria-current={v === view ? "page" : undefined} onClick={() => open(v)}>
            {LABELS[v]}
          </button>
        ))}
      </nav>
      {view === "trash" && (
        <>
          <span className="muted">
            Deleted assets wait here, restorable, until the trash is emptied{trashDays ? `: each goes for good ${trashDays} day${trashDays === 1 ? "" : "s"} after it was deleted` : ""}.
          </span>
          <button
            type="button"
            className="danger"
            disabled={empty.isPending}
            onClick={() => window.confirm("Delete everything in the trash for good?") && empty.mutate()}
          >
            Empty trash
          </button>
          <ErrorMessage error={empty.error} />
        </>
      )}
    </div>
  );
}
