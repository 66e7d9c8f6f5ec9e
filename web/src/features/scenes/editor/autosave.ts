/**
 * Autosave: a short while after the last change, the document is saved with the version it
 * was made on. One save at a time; changes made during a save are saved after it. A 409
 * (saved elsewhere meanwhile) stops saving until the user reloads or overwrites; a 422 (the
 * server refuses the graph) waits for the next change; other failures are retried, waiting
 * longer each time. No React here: the editor's hook subscribes to it.
 */
import { ApiError } from "src/api/client";
import type { SceneDoc } from "src/features/scenes/editor/doc";
import type { Problem, SceneRead } from "src/features/scenes/editor/scene";

export type SaveStatus = "saved" | "pending" | "saving" | "failed" | "conflict" | "refused";

export interface Draft {
  doc: SceneDoc;
  title: string;
}

export interface SaveState {
  status: SaveStatus;
  version: number;
  /** The server's problems with the last saved (or refused) document. */
  problems: Problem[];
  error: string | null;
  /** When the last save completed (ms since epoch). */
  savedAt: number | null;
}

export type SaveCall = (draft: Draft, version: number) => Promise<SceneRead>;

export const SAVE_DELAY_MS = 700;
const RETRY_MS = 2_000;
const RETRY_MAX_MS = 30_000;

export class Autosaver {
  /** What the server has, as far as this editor knows. */
  saved: Draft;
  private current: Draft;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | null = null;
  private retry = RETRY_MS;
  private listeners = new Set<() => void>();
  state: SaveState;

  constructor(
    private readonly call: SaveCall,
    initial: Draft,
    version: number,
    problems: Problem[],
    private readonly delayMs = SAVE_DELAY_MS,
    /** Told of each completed save (to update caches). */
    private readonly onSaved: (scene: SceneRead) => void = () => {},
  ) {
    this.saved = initial;
    this.current = initial;
    this.state = { status: "saved", version, problems, error: null, savedAt: null };
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = () => this.state;

  private set(patch: Partial<SaveState>) {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  get dirty(): boolean {
    return this.current.doc !== this.saved.doc || this.current.title !== this.saved.title;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** The editor's document changed. */
  update(draft: Draft) {
    this.current = draft;
    if (this.state.status === "conflict") return;
    if (!this.dirty) {
      if (!this.running && this.state.status === "pending") this.set({ status: "saved" });
      return;
    }
    this.retry = RETRY_MS;
    if (!this.running) this.set({ status: "pending", error: this.state.status === "refused" ? this.state.error : null });
    this.schedule(this.delayMs);
  }

  private schedule(ms: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), ms);
  }

  /** Save now what is not saved yet; resolves true once everything is saved. */
  async flush(): Promise<boolean> {
    clearTimeout(this.timer);
    while (this.running) await this.running;
    if (!this.dirty) return this.state.status !== "conflict";
    if (this.state.status === "conflict") return false;
    this.running = this.saveOnce();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
    if (this.dirty && this.state.status === "saved") return this.flush();
    return !this.dirty;
  }

  private async saveOnce() {
    const sending = this.current;
    this.set({ status: "saving" });
    try {
      const scene = await this.call(sending, this.state.version);
      this.saved = sending;
      this.retry = RETRY_MS;
      this.set({ status: this.dirty ? "pending" : "saved", version: scene.version, problems: scene.problems, error: null, savedAt: Date.now() });
      this.onSaved(scene);
    } catch (failure) {
      this.failed(failure);
    }
  }

  private failed(failure: unknown) {
    if (failure instanceof ApiError && failure.status === 409) {
      this.set({ status: "conflict", error: failure.message });
    } else if (failure instanceof ApiError && failure.status === 422) {
      const problems = (failure.detail.problems as Problem[] | undefined) ?? [];
      this.set({ status: "refused", error: failure.message, problems: problems.length ? problems : this.state.problems });
    } else {
      this.set({ status: "failed", error: failure instanceof Error ? failure.message : String(failure) });
      this.schedule(this.retry);
      this.retry = Math.min(this.retry * 2, RETRY_MAX_MS);
    }
  }

  /** The server's copy was taken as it is (a reload, or a merge on top of it). */
  adopt(saved: Draft, version: number, problems: Problem[]) {
    this.saved = saved;
    this.set({ status: this.dirty ? "pending" : "saved", version, problems, error: null });
    if (this.dirty) this.schedule(this.delayMs);
  }

  /** Changes saved elsewhere clash with this editor's: stop saving until the user decides. */
  conflict(message: string) {
    clearTimeout(this.timer);
    this.set({ status: "conflict", error: message });
  }

  /** After a 409: save this editor's document over whatever was saved since. */
  async overwrite(version: number): Promise<boolean> {
    this.set({ status: "pending", version, error: null });
    return this.flush();
  }

  dispose() {
    clearTimeout(this.timer);
    this.listeners.clear();
  }
}
