import { useEffect, useRef, useState } from "react";

interface Props {
  seconds: number;
  onTimeout: () => void;
}

/** A timed choice's countdown: a draining bar and the seconds left; calls onTimeout at zero. */
export function Countdown({ seconds, onTimeout }: Props) {
  const [left, setLeft] = useState(seconds);
  const timedOut = useRef(onTimeout);

  useEffect(() => {
    timedOut.current = onTimeout;
  });

  useEffect(() => {
    const began = performance.now();
    let frame = 0;
    const tick = () => {
      const remaining = Math.max(0, seconds - (performance.now() - began) / 1000);
      setLeft(remaining);
      if (remaining === 0) timedOut.current();
      else frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [seconds]);

  return (
    <div className="scene-countdown">
      <progress max={seconds} value={left} aria-label="Time left to choose" />
      <span role="timer" aria-live="off">
        {Math.ceil(left)} s
      </span>
    </div>
  );
}
