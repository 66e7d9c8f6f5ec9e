/**
 * The play in progress: opens plays through the store, applies inputs with the engine at
 * once (nothing waits for a save), and saves each accepted input behind the scenes; what is
 * not saved yet when the page is hidden or closed is handed to the store to send at once.
 * A play that moved on elsewhere is no longer saved here (`movedOn`: the player says so).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { advance, InvalidInput, load, type Loaded } from "src/features/scenes/engine/engine";
import type { Bundle, Input, State } from "src/features/scenes/engine/types";
import { PlayMovedOn, type OpenPlay, type PlayStore } from "src/features/scenes/player/store";

export interface Playing {
  id: string;
  bundle: Bundle;
  loaded: Loaded;
  state: State;
  /** Counts accepted inputs: each state the play moves to is a new one to show. */
  token: number;
}

export type SaveStatus = "saved" | "saving" | "failed";

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function usePlay(store: PlayStore) {
  const [play, setPlay] = useState<Playing | null>(null);
  const [opening, setOpening] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saveStatus, setSaveStatus] = useState<SaveStatus>("saved");
  const [movedOn, setMovedOn] = useState(false);
  const current = useRef<Playing | null>(null);
  const saving = useRef(0);
  const playId = play?.id;

  useEffect(() => {
    if (playId === undefined || !store.watch) return;
    return store.watch(playId, () => setMovedOn(true));
  }, [store, playId]);

  useEffect(() => {
    const leave = () => store.leave?.();
    const hidden = () => {
      if (document.visibilityState === "hidden") leave();
    };
    addEventListener("pagehide", leave);
    document.addEventListener("visibilitychange", hidden);
    return () => {
      removeEventListener("pagehide", leave);
      document.removeEventListener("visibilitychange", hidden);
    };
  }, [store]);

  const show = useCallback((next: Playing | null) => {
    current.current = next;
    setPlay(next);
  }, []);

  const openWith = useCallback(
    async (opened: () => Promise<OpenPlay>) => {
      setOpening(true);
      setError(null);
      try {
        const { id, bundle, state } = await opened();
        const token = (current.current?.token ?? 0) + 1;
        show({ id, bundle, loaded: load(bundle), state, token });
        setMovedOn(false);
        if (saving.current === 0) setSaveStatus("saved");
      } catch (failure) {
        setError(message(failure));
      } finally {
        setOpening(false);
      }
    },
    [show],
  );

  const save = useCallback(
    (id: string, inputs: Input[], state: State) => {
      saving.current += 1;
      setSaveStatus("saving");
      store.record(id, inputs, state).then(
        () => {
          saving.current -= 1;
          if (saving.current === 0) setSaveStatus("saved");
        },
        (failure: unknown) => {
          saving.current -= 1;
          setSaveStatus("failed");
          if (failure instanceof PlayMovedOn) setMovedOn(true);
          else setError(`Not saved: ${message(failure)}`);
        },
      );
    },
    [store],
  );

  /** Apply an input; false if the play does not take it now (or `at` is no longer the state). */
  const send = useCallback(
    (input: Input, at?: number): boolean => {
      const was = current.current;
      if (!was || (at !== undefined && at !== was.token)) return false;
      let state: State;
      try {
        state = advance(was.loaded, was.state, input);
      } catch (failure) {
        if (failure instanceof InvalidInput) return false;
        throw failure;
      }
      show({ ...was, state, token: was.token + 1 });
      save(was.id, [input], state);
      return true;
    },
    [save, show],
  );

  /** Save again what is not saved yet (and the current state). */
  const saveNow = useCallback(() => {
    const was = current.current;
    if (was) save(was.id, [], was.state);
  }, [save]);

  return {
    play,
    opening,
    error,
    saveStatus,
    movedOn,
    begin: useCallback(() => openWith(() => store.begin()), [openWith, store]),
    resume: useCallback((id: string) => openWith(() => store.open(id)), [openWith, store]),
    send,
    saveNow,
  };
}

export type PlaySession = ReturnType<typeof usePlay>;
