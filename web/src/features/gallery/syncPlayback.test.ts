import { align, type Clip, followerTime, MAX_DRIFT_S } from "src/features/gallery/syncPlayback";

function clip(extra: Partial<Clip> = {}): Clip {
  const c: Clip = {
    currentTime: 0,
    duration: 10,
    paused: true,
    playbackRate: 1,
    play: () => {
      c.paused = false;
    },
    pause: () => {
      c.paused = true;
    },
    ...extra,
  };
  return c;
}

describe("synchronized playback", () => {
  it("makes followers play, pause and seek with the leader", () => {
    const leader = clip({ paused: false, currentTime: 2 });
    const a = clip({ currentTime: 2 + MAX_DRIFT_S / 2 });
    const b = clip({ currentTime: 5 });
    align(leader, [a, b]);
    expect([a.paused, b.paused]).toEqual([false, false]);
    expect(a.currentTime).toBe(2 + MAX_DRIFT_S / 2); // within the drift: left alone
    expect(b.currentTime).toBe(2); // pulled back
    leader.paused = true;
    leader.currentTime = 3;
    align(leader, [a, b], { force: true });
    expect([a.paused, b.paused, a.currentTime, b.currentTime]).toEqual([true, true, 3, 3]);
  });

  it("rests a shorter follower on its last frame, and follows the rate", () => {
    const leader = clip({ paused: false, currentTime: 7, playbackRate: 0.5 });
    const short = clip({ duration: 4, paused: false });
    align(leader, [short]);
    expect([short.currentTime, short.paused, short.playbackRate]).toEqual([4, true, 0.5]);
    expect(followerTime(3, NaN)).toBe(3);
  });
});
