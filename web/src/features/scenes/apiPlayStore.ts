/**
 * Plays kept on the server as play sessions. The player plays ahead locally, so a choice
 * never waits for the network; its inputs follow in order, batched, one request at a time,
 * each naming the version it follows (the server replays them with the same engine).
 * Inputs that could not be sent stay queued and go with the next batch; those still queued
 * when the page is hidden or closed go at once, in a request that outlives the page.
 *
 * A play saved past this device's copy (another device played on: heard as `play.updated`
 * through the query cache, or answered 409) is not saved over: the store stops saving it
 * and tells the player, which offers to reload it.
 */
import { QueryObserver, type QueryClient } from "@tanstack/react-query";
import { ApiError } from "src/api/client";
import {
  advancePlay,
  advancePlayOnLeave,
  createPlay,
  getPlay,
  listPlays,
  playKey,
  type PlayDetail,
} from "src/api/scenes";
import type { Input } from "src/features/scenes/engine/types";
import { PlayMovedOn, type OpenPlay, type PlaySlot, type PlayStore } from "src/features/scenes/player/store";

const BATCH = 100;

/** One queued input, boxed: the same input given twice is two entries. */
interface Queued {
  input: Input;
}

/** What the cache holds of a play: enough to tell that it moved on. */
interface Saved {
  id: number;
  version: number;
  updated_at?: string;
}

export class ApiPlayStore implements PlayStore {
  /** The version this device's copy of each play is at. */
  private readonly versions = new Map<string, number>();
  /** The newest version the server is known to hold (its answers, its events). */
  private readonly heard = new Map<string, number>();
  private readonly pending = new Map<string, Queued[]>();
  /** How many queued inputs, at the head of the queue, a request under way carries. */
  private readonly sending = new Map<string, number>();
  /** Requests sent as the page was hidden; the queue goes on once they are answered. */
  private readonly handoffs = new Map<string, Promise<void>>();
  private readonly movedOn = new Set<string>();
  private readonly watchers = new Map<string, Set<() => void>>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly sceneId: number,
    private readonly queryClient: QueryClient,
  ) {}

  private opened(play: PlayDetail): OpenPlay {
    const id = String(play.id);
    // Opened afresh: the server's copy is the one to go on from.
    this.versions.set(id, play.version);
    this.heard.set(id, play.version);
    this.pending.delete(id);
    this.movedOn.delete(id);
    const saved: Saved = { id: play.id, version: play.version, updated_at: play.updated_at };
    this.queryClient.setQueryData(playKey(play.id), saved);
    return { id, bundle: play.bundle, state: play.state };
  }

  async slots(): Promise<PlaySlot[]> {
    return (await listPlays(this.sceneId)).map((p) => ({
      id: String(p.id),
      label: p.label,
      updatedAt: p.updated_at,
      ended: p.status === "ended",
    }));
  }

  async begin(): Promise<OpenPlay> {
    return this.opened(await createPlay(this.sceneId));
  }

  async open(id: string): Promise<OpenPlay> {
    const play = await getPlay(Number(id));
    if (play.scene_id !== this.sceneId) throw new Error("That saved play is of another scene.");
    return this.opened(play);
  }

  record(id: string, inputs: Input[]): Promise<void> {
    if (this.movedOn.has(id)) return Promise.reject(new PlayMovedOn());
    this.pending.set(id, [...(this.pending.get(id) ?? []), ...inputs.map((input) => ({ input }))]);
    const sent = this.chain.then(() => this.flush(id));
    this.chain = sent.catch(() => undefined);
    return sent;
  }

  private async flush(id: string): Promise<void> {
    for (;;) {
      const handoff = this.handoffs.get(id);
      if (handoff) {
        await handoff;
        continue;
      }
      if (this.movedOn.has(id)) throw new PlayMovedOn();
      const batch = (this.pending.get(id) ?? []).slice(0, BATCH);
      if (batch.length === 0) return;
      this.sending.set(id, batch.length);
      try {
        const play = await advancePlay(Number(id), batch.map((q) => q.input), this.versions.get(id) ?? 1);
        this.saved(id, batch.at(-1)!, play.version);
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) this.moveOn(id);
        throw this.movedOn.has(id) ? new PlayMovedOn() : error;
      } finally {
        this.sending.delete(id);
        this.check(id);
      }
    }
  }

  /** The server holds everything queued up to `last` (and what came before), at `version`. */
  private saved(id: string, last: Queued, version: number) {
    this.versions.set(id, Math.max(version, this.versions.get(id) ?? 0));
    this.hear(id, version);
    const queue = this.pending.get(id) ?? [];
    this.pending.set(id, queue.slice(queue.indexOf(last) + 1));
  }

  /** The page is going: send what is queued now (beyond a request under way, which most
   * likely reached the server already: these follow it), in a request that outlives it. */
  leave(): void {
    for (const [id, queue] of this.pending) {
      if (this.handoffs.has(id) || this.movedOn.has(id)) continue;
      const underWay = this.sending.get(id) ?? 0;
      const rest = queue.slice(underWay, underWay + BATCH);
      if (rest.length === 0) continue;
      const version = (this.versions.get(id) ?? 1) + (underWay > 0 ? 1 : 0);
      const handoff = advancePlayOnLeave(Number(id), rest.map((q) => q.input), version)
        .then(
          (play) => this.saved(id, rest.at(-1)!, play.version),
          () => undefined, // the page stayed after all: they are still queued
        )
        .finally(() => {
          this.handoffs.delete(id);
          this.check(id);
        });
      this.handoffs.set(id, handoff);
    }
  }

  /** Hear, through the query cache (`play.updated`, or a refetch after the event stream
   * was down), where the server's copy of the play stands. */
  watch(id: string, moved: () => void): () => void {
    const listeners = this.watchers.get(id) ?? new Set();
    listeners.add(moved);
    this.watchers.set(id, listeners);
    const observer = new QueryObserver<Saved>(this.queryClient, {
      queryKey: playKey(Number(id)),
      queryFn: () => getPlay(Number(id)),
      staleTime: Infinity,
    });
    const stop = observer.subscribe((result) => {
      if (result.data) this.hear(id, result.data.version);
    });
    return () => {
      stop();
      listeners.delete(moved);
    };
  }

  private hear(id: string, version: number) {
    this.heard.set(id, Math.max(version, this.heard.get(id) ?? 0));
    this.check(id);
  }

  /** Moved on: the server holds a newer version than this device wrote (judged only when no
   * request of ours is under way, whose answer may be the very version heard). */
  private check(id: string) {
    if (this.sending.has(id) || this.handoffs.has(id)) return;
    if ((this.heard.get(id) ?? 0) > (this.versions.get(id) ?? 0)) this.moveOn(id);
  }

  private moveOn(id: string) {
    if (this.movedOn.has(id)) return;
    this.movedOn.add(id);
    for (const moved of this.watchers.get(id) ?? []) moved();
  }
}
