/**
 * The video elements behind the player, double-buffered: every clip the next inputs can
 * lead to waits in its own hidden <video>, loaded and decoded at its first frame, so a
 * choice swaps to a picture that is already there. The shown element stays visible until
 * the next one has its frame, so consecutive clips never pass through black; a clip that
 * starts where the shown one stands (the next progression step) plays on in the same element.
 */
import type { Clip } from "src/features/scenes/player/clips";

export interface DeckEvents {
  /** The segment shown for `token` reached its end (never for a loop). */
  onEnd(token: number): void;
  /** The browser refused to play without a user gesture. */
  onBlocked(): void;
}

interface Entry {
  clip: Clip;
  el: HTMLVideoElement;
  /** Played before: must seek back to its start before it can serve again. */
  used: boolean;
}

const END_SLACK = 0.03; // s: a frame's worth, so the segment stops on its last frame
const SAME_PLACE = 0.1; // s: a clip starting this close to where the shown one stands plays on

export class ClipDeck {
  private entries: Entry[] = [];
  private current: Entry | null = null;
  private token = -1;
  private ended = false;
  private muted = false;

  constructor(
    private readonly stage: HTMLElement,
    private readonly events: DeckEvents,
  ) {}

  /** Play `clip` as the segment of `token` (a new token restarts it). */
  show(clip: Clip, token: number): void {
    if (token === this.token) return;
    this.token = token;
    this.ended = false;
    const shown = this.current;
    if (shown && this.playsOn(shown, clip)) {
      shown.clip = clip;
      this.start(shown);
      return;
    }
    const entry = this.entries.find((e) => e !== shown && e.clip.key === clip.key) ?? this.create(clip);
    entry.clip = clip;
    this.rewind(entry);
    this.current = entry;
    entry.used = true;
    this.whenReady(entry, () => {
      if (this.current !== entry) return;
      this.swapTo(entry);
      this.start(entry);
    });
  }

  /** Keep one element ready for each of these clips (besides the one shown); drop the others. */
  preload(clips: Clip[]): void {
    const keep = new Set<Entry>(this.current ? [this.current] : []);
    for (const clip of clips) {
      const spares = this.entries.filter((e) => !keep.has(e) && e.clip.key === clip.key);
      const spare = spares.find((e) => !e.used) ?? spares[0] ?? this.create(clip);
      this.rewind(spare);
      keep.add(spare);
    }
    for (const entry of this.entries) if (!keep.has(entry)) this.drop(entry);
    this.entries = this.entries.filter((e) => keep.has(e));
  }

  /** Try again to play what is shown (after a refusal, from a user gesture). */
  resume(): void {
    if (this.current && !this.ended) this.start(this.current);
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    for (const entry of this.entries) entry.el.muted = muted;
  }

  destroy(): void {
    for (const entry of this.entries) this.drop(entry);
    this.entries = [];
    this.current = null;
  }

  private playsOn(shown: Entry, clip: Clip): boolean {
    const { el } = shown;
    return shown.clip.src === clip.src && !el.ended && Math.abs(el.currentTime - clip.start) < SAME_PLACE;
  }

  private create(clip: Clip): Entry {
    const el = document.createElement("video");
    el.className = "scene-video";
    el.preload = "auto";
    el.playsInline = true;
    el.muted = this.muted;
    el.dataset.clip = clip.key;
    // A media fragment makes the first load decode the frame at the clip's start.
    el.src = clip.start > 0 ? `${clip.src}#t=${clip.start}` : clip.src;
    el.loop = clip.loop !== null && clip.loop.start === 0 && clip.loop.end === null;
    const entry: Entry = { clip, el, used: false };
    el.addEventListener("timeupdate", () => this.check(entry));
    el.addEventListener("ended", () => this.reachedEnd(entry));
    this.stage.appendChild(el);
    this.entries.push(entry);
    return entry;
  }

  private rewind(entry: Entry): void {
    const { el, clip } = entry;
    el.loop = clip.loop !== null && clip.loop.start === 0 && clip.loop.end === null;
    if (entry.used && el.readyState >= HTMLMediaElement.HAVE_METADATA) el.currentTime = clip.start;
    entry.used = false;
  }

  private whenReady(entry: Entry, then: () => void): void {
    const { el } = entry;
    if (el.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && !el.seeking) return then();
    const ready = () => {
      if (el.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || el.seeking) return;
      el.removeEventListener("loadeddata", ready);
      el.removeEventListener("seeked", ready);
      then();
    };
    el.addEventListener("loadeddata", ready);
    el.addEventListener("seeked", ready);
  }

  private swapTo(entry: Entry): void {
    for (const other of this.entries) {
      if (other === entry) continue;
      other.el.classList.remove("active");
      if (!other.el.paused) other.el.pause();
    }
    entry.el.classList.add("active");
  }

  private start(entry: Entry): void {
    entry.el.play().catch((error: unknown) => {
      if (error instanceof DOMException && error.name === "NotAllowedError") this.events.onBlocked();
    });
    this.watchFrames(entry);
  }

  /** Checks the end on every painted frame (timeupdate alone comes only every ~250 ms). */
  private watchFrames(entry: Entry): void {
    const { el } = entry;
    if (!("requestVideoFrameCallback" in el)) return;
    const onFrame = () => {
      if (this.current !== entry || this.ended) return;
      this.check(entry);
      el.requestVideoFrameCallback(onFrame);
    };
    el.requestVideoFrameCallback(onFrame);
  }

  private check(entry: Entry): void {
    const { el, clip } = entry;
    if (this.current !== entry || this.ended || clip.end === null) return;
    if (el.currentTime >= clip.end - END_SLACK) this.reachedEnd(entry);
  }

  private reachedEnd(entry: Entry): void {
    if (this.current !== entry || this.ended) return;
    const { el, clip } = entry;
    if (clip.loop) {
      el.currentTime = clip.loop.start;
      if (el.paused) void el.play().catch(() => undefined);
      return;
    }
    this.ended = true;
    el.pause();
    this.events.onEnd(this.token);
  }

  private drop(entry: Entry): void {
    entry.el.pause();
    entry.el.removeAttribute("src");
    entry.el.load();
    entry.el.remove();
  }
}
