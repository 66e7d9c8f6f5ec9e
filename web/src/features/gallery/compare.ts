/** Which assets the Compare page shows: `?ids=1,2,3`. */
export const MAX_COMPARED = 4;

/** The ids of `?ids=1,2,3`, at most MAX_COMPARED, each once. */
export function comparedIds(raw: string | null): number[] {
  const ids = (raw ?? "").split(",").map(Number).filter((id) => Number.isInteger(id) && id > 0);
  return [...new Set(ids)].slice(0, MAX_COMPARED);
}
