/**
 * The gallery's filters as URL search params, so a filtered gallery can be bookmarked
 * and shared. Dates stay days in the URL ("2026-03-01") and become instants only in the
 * request: "after" is the start of that local day, "before" the end of it (inclusive).
 */
import type { AssetQuery } from "src/api/assets";

export interface GalleryFilters {
  q?: string;
  media_type?: "image" | "video" | "audio";
  provider_id?: string;
  workspace_id?: string;
  tag?: string;
  after?: string;
  before?: string;
  sort?: "newest" | "oldest";
  /** "true": the Favourites view. */
  favorite?: string;
  /** "true": the trash instead of the gallery. */
  trashed?: string;
}

export type FilterKey = keyof GalleryFilters;
export const FILTER_KEYS: FilterKey[] = ["q", "media_type", "provider_id", "workspace_id", "tag", "after", "before", "sort"];
/** Which part of the library is shown; kept apart from the filters ("Clear filters" keeps it). */
export const VIEW_KEYS: FilterKey[] = ["favorite", "trashed"];

const MEDIA_TYPES = ["image", "video", "audio"];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What the URL says, ignoring values the API would refuse (a hand-edited link). */
export function readFilters(params: URLSearchParams): GalleryFilters {
  const filters: GalleryFilters = {};
  for (const key of [...FILTER_KEYS, ...VIEW_KEYS]) {
    const value = params.get(key)?.trim();
    if (value) Object.assign(filters, { [key]: value });
  }
  if (filters.favorite !== "true") delete filters.favorite;
  if (filters.trashed !== "true") delete filters.trashed;
  if (filters.media_type && !MEDIA_TYPES.includes(filters.media_type)) delete filters.media_type;
  if (filters.workspace_id && !/^\d+$/.test(filters.workspace_id)) delete filters.workspace_id;
  if (filters.after && !DAY.test(filters.after)) delete filters.after;
  if (filters.before && !DAY.test(filters.before)) delete filters.before;
  if (filters.sort !== "oldest") delete filters.sort; // newest is the default: kept out of the URL
  return filters;
}

/** The URL with one filter changed; other params (not filters) are kept. */
export function withFilter(params: URLSearchParams, key: FilterKey, value: string): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value && !(key === "sort" && value === "newest")) next.set(key, value);
  else next.delete(key);
  return next;
}

export function withoutFilters(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of FILTER_KEYS) next.delete(key);
  return next;
}

export const hasFilters = (filters: GalleryFilters) => FILTER_KEYS.some((key) => filters[key] !== undefined);

function localDay(day: string, plusDays = 0): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}

/** The request's query for GET /api/v1/assets. */
export function toAssetQuery(filters: GalleryFilters): AssetQuery {
  const { after, before, workspace_id, favorite, trashed, ...rest } = filters;
  const query: AssetQuery = { ...rest };
  if (favorite) query.favorite = true;
  if (trashed) query.trashed = true;
  if (workspace_id) query.workspace_id = Number(workspace_id);
  if (after) query.created_after = localDay(after);
  if (before) query.created_before = localDay(before, 1);
  return query;
}
