/** The lightbox's keys: arrows move, space plays or pauses, Escape closes, F favourites. */
export type LightboxAction = "previous" | "next" | "toggle-play" | "close" | "favourite";

export function lightboxAction(event: Pick<KeyboardEvent, "key" | "altKey" | "ctrlKey" | "metaKey">): LightboxAction | null {
  if (event.altKey || event.ctrlKey || event.metaKey) return null;
  switch (event.key) {
    case "ArrowLeft":
      return "previous";
    case "ArrowRight":
      return "next";
    case " ":
      return "toggle-play";
    case "Escape":
      return "close";
    case "f":
    case "F":
      return "favourite";
    default:
      return null;
  }
}

/** The ids either side of `id` in the list shown (what to preload), and its place. */
export function neighbours(order: readonly number[], id: number): { index: number; previous?: number; next?: number } {
  const index = order.indexOf(id);
  return { index, previous: index > 0 ? order[index - 1] : undefined, next: index >= 0 ? order[index + 1] : undefined };
}
