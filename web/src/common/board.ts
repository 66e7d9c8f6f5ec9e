/**
 * The board (workspace) the user works in: the queue, the gallery and Generate are scoped to
 * it, and new jobs and uploads land in it. Kept in localStorage, so it holds across pages,
 * reloads and tabs (a change in one tab reaches the others through the storage event).
 */
import { useSyncExternalStore } from "react";

export const BOARD_KEY = "pixsim7.board";
const listeners = new Set<() => void>();

function read(): number | null {
  const value = Number(localStorage.getItem(BOARD_KEY));
  return Number.isInteger(value) && value > 0 ? value : null;
}

export function currentBoard(): number | null {
  return read();
}

/** Work in this board (null: in none, everything shown). */
export function setBoard(id: number | null) {
  if (id === null) localStorage.removeItem(BOARD_KEY);
  else localStorage.setItem(BOARD_KEY, String(id));
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => event.key === BOARD_KEY && listener();
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/** The current board's id, or null; re-renders when it changes. */
export function useBoard(): number | null {
  return useSyncExternalStore(subscribe, read, () => null);
}
