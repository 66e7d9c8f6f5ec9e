/**
 * Undo and redo over whole documents. An edit may carry a `key`: consecutive edits with the
 * same key (the keystrokes of one field, the moves of one drag) are one step to undo.
 */
export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** The key of the edit that made `present`, while it may still be merged into. */
  key: string | null;
}

export const MAX_STEPS = 200;

export const historyOf = <T>(present: T): History<T> => ({ past: [], present, future: [], key: null });

export function record<T>(history: History<T>, next: T, key: string | null = null): History<T> {
  if (next === history.present) return history;
  if (key !== null && key === history.key) return { ...history, present: next, future: [] };
  const past = [...history.past, history.present];
  if (past.length > MAX_STEPS) past.splice(0, past.length - MAX_STEPS);
  return { past, present: next, future: [], key };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past[history.past.length - 1];
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future], key: null };
}

export function redo<T>(history: History<T>): History<T> {
  const [next, ...rest] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest, key: null };
}

/** Ends merging: the next edit is a step of its own even with the same key. */
export const seal = <T>(history: History<T>): History<T> => (history.key === null ? history : { ...history, key: null });

/** The document replaced from outside (a reload, a change saved elsewhere): one step to undo. */
export const replace = <T>(history: History<T>, next: T): History<T> => record(seal(history), next);
