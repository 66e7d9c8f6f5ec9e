/**
 * Plays kept in localStorage, for the exported page that runs with no server. A bundle's
 * plays are kept under its root scene and a fingerprint of its text, so a re-exported,
 * edited scene does not resume a state its graph no longer has.
 */
import type { Bundle, State } from "src/features/scenes/engine/types";
import type { OpenPlay, PlaySlot, PlayStore } from "src/features/scenes/player/store";

const MAX_SLOTS = 5;

interface Saved {
  id: string;
  updatedAt: string;
  state: State;
}

/** A short, stable digest of a text (FNV-1a, 32 bits): enough to tell bundles apart. */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  return (hash >>> 0).toString(16);
}

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

export class LocalPlayStore implements PlayStore {
  private readonly key: string;

  constructor(
    private readonly bundle: Bundle,
    private readonly startPlay: (bundle: Bundle, seed: number) => State,
    private readonly storage: Storage = localStorage,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.key = `pixsim7.plays.${bundle.root}.${fingerprint(JSON.stringify(bundle))}`;
  }

  private read(): Saved[] {
    try {
      const saved: unknown = JSON.parse(this.storage.getItem(this.key) ?? "[]");
      return Array.isArray(saved) ? (saved as Saved[]) : [];
    } catch {
      return [];
    }
  }

  private write(saved: Saved[]) {
    this.storage.setItem(this.key, JSON.stringify(saved.slice(0, MAX_SLOTS)));
  }

  async slots(): Promise<PlaySlot[]> {
    return this.read().map((s) => ({
      id: s.id,
      label: null,
      updatedAt: s.updatedAt,
      ended: s.state.phase === "ended",
    }));
  }

  async begin(): Promise<OpenPlay> {
    const state = this.startPlay(this.bundle, randomSeed());
    const id = `${this.now().getTime().toString(36)}-${randomSeed().toString(36)}`;
    this.write([{ id, updatedAt: this.now().toISOString(), state }, ...this.read()]);
    return { id, bundle: this.bundle, state };
  }

  async open(id: string): Promise<OpenPlay> {
    const saved = this.read().find((s) => s.id === id);
    if (!saved) throw new Error("That saved play is gone.");
    return { id, bundle: this.bundle, state: saved.state };
  }

  async record(id: string, _inputs: unknown[], state: State): Promise<void> {
    const others = this.read().filter((s) => s.id !== id);
    this.write([{ id, updatedAt: this.now().toISOString(), state }, ...others]);
  }
}
