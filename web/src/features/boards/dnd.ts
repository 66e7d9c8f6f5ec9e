/** What is dragged onto a board: assets or jobs, by id (a private type, so a board does not
 * take a file or a link dragged from elsewhere). */
import type { DragEvent } from "react";

export type Dragged = { kind: "assets" | "jobs"; ids: number[] };
const TYPE = "application/x-pixsim7-items";

export function startDrag(event: DragEvent, dragged: Dragged) {
  event.dataTransfer.setData(TYPE, JSON.stringify(dragged));
  event.dataTransfer.effectAllowed = "move";
}

export const carriesItems = (event: DragEvent) => event.dataTransfer.types.includes(TYPE);

export function dropped(event: DragEvent): Dragged | null {
  try {
    const data = JSON.parse(event.dataTransfer.getData(TYPE)) as Dragged;
    if ((data.kind === "assets" || data.kind === "jobs") && Array.isArray(data.ids) && data.ids.every(Number.isInteger)) {
      return data;
    }
  } catch {
    // not ours
  }
  return null;
}
