/**
 * Several videos played as one: the first leads; the others follow its play, pause, seek
 * and rate, and are pulled back to its time whenever they drift further than MAX_DRIFT_S
 * (each decoder runs at its own pace). A follower shorter than the leader rests on its last
 * frame until the leader comes back within it.
 */

export const MAX_DRIFT_S = 0.08;

export interface Clip {
  currentTime: number;
  duration: number;
  paused: boolean;
  playbackRate: number;
  play(): Promise<void> | void;
  pause(): void;
}

/** Where a follower should be for the leader's time (its end, if shorter). */
export function followerTime(leaderTime: number, duration: number): number {
  return Number.isFinite(duration) && duration > 0 ? Math.min(leaderTime, duration) : leaderTime;
}

/** Bring the followers to the leader: same time (within the drift allowed), same state. */
export function align(leader: Clip, followers: readonly Clip[], { force = false } = {}) {
  for (const clip of followers) {
    const target = followerTime(leader.currentTime, clip.duration);
    if (force || Math.abs(clip.currentTime - target) > MAX_DRIFT_S) clip.currentTime = target;
    if (clip.playbackRate !== leader.playbackRate) clip.playbackRate = leader.playbackRate;
    const ended = Number.isFinite(clip.duration) && target >= clip.duration;
    if (leader.paused || ended) {
      if (!clip.paused) clip.pause();
    } else if (clip.paused) {
      void clip.play();
    }
  }
}
