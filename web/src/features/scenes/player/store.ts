/**
 * The player's storage seam: where plays start, are saved and resumed. The web app keeps
 * them on the server (play sessions, resumable on another device); the exported page keeps
 * them in localStorage. The player applies inputs itself and hands the store each accepted
 * one with the state it led to.
 */
import type { Bundle, Input, State } from "src/features/scenes/engine/types";

/** A play ready to go on: its id in the store, the bundle it plays and where it stands. */
export interface OpenPlay {
  id: string;
  bundle: Bundle;
  state: State;
}

/** A saved play as the start screen lists it. */
export interface PlaySlot {
  id: string;
  label: string | null;
  updatedAt: string;
  ended: boolean;
}

/** The play was saved past this device's copy (played on elsewhere): it is not saved over. */
export class PlayMovedOn extends Error {
  constructor() {
    super("This play continued elsewhere.");
  }
}

export interface PlayStore {
  /** Saved plays, newest first. */
  slots(): Promise<PlaySlot[]>;
  /** A new play from the scene's start. */
  begin(): Promise<OpenPlay>;
  /** A saved play, where it was left. */
  open(id: string): Promise<OpenPlay>;
  /** Save inputs the player applied, and the state they led to; resolves once stored,
   * rejects with PlayMovedOn (and saves nothing) once the play moved on elsewhere. */
  record(id: string, inputs: Input[], state: State): Promise<void>;
  /** The page is being hidden or closed: send what is not stored yet in a way that
   * outlives the page. (A store that stores at once has nothing to do.) */
  leave?(): void;
  /** Call `moved` when the play is found saved past this device's copy (another device
   * played on); returns what stops listening. */
  watch?(id: string, moved: () => void): () => void;
}
