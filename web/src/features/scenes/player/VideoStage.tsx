import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { ClipDeck } from "src/features/scenes/player/ClipDeck";
import type { Clip } from "src/features/scenes/player/clips";

interface Props {
  clip: Clip | null;
  /** A new token plays `clip` from its start, even the same clip again. */
  token: number;
  upcoming: Clip[];
  muted: boolean;
  onEnd: (token: number) => void;
}

/** The picture: the clip being played over its poster, the next clips loading unseen. */
export function VideoStage({ clip, token, upcoming, muted, onEnd }: Props) {
  const holder = useRef<HTMLDivElement>(null);
  const deck = useRef<ClipDeck | null>(null);
  const ended = useRef(onEnd);
  const [blocked, setBlocked] = useState(false);

  useLayoutEffect(() => {
    ended.current = onEnd;
  });

  useLayoutEffect(() => {
    const made = new ClipDeck(holder.current!, {
      onEnd: (at) => ended.current(at),
      onBlocked: () => setBlocked(true),
    });
    deck.current = made;
    return () => made.destroy();
  }, []);

  // Before paint: a choice's click shows the next clip in the very next frame.
  useLayoutEffect(() => {
    if (clip) deck.current?.show(clip, token);
  }, [clip, token]);

  useEffect(() => {
    deck.current?.preload(upcoming);
  }, [upcoming]);

  useEffect(() => {
    deck.current?.setMuted(muted);
  }, [muted]);

  const play = () => {
    setBlocked(false);
    deck.current?.resume();
  };

  return (
    <div className="scene-stage">
      {clip?.poster && <img className="scene-poster" src={clip.poster} alt="" />}
      <div className="scene-deck" ref={holder} />
      {blocked && (
        <button type="button" className="scene-tap primary" onClick={play}>
          Tap to play
        </button>
      )}
    </div>
  );
}
