import { useCallback, useEffect, useState, type RefObject } from "react";

/** Whether `target` is fullscreen, and a toggle (which must run from a user gesture). */
export function useFullscreen(target: RefObject<HTMLElement | null>) {
  const [active, setActive] = useState(false);

  useEffect(() => {
    const changed = () => setActive(document.fullscreenElement === target.current);
    document.addEventListener("fullscreenchange", changed);
    return () => document.removeEventListener("fullscreenchange", changed);
  }, [target]);

  const toggle = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void target.current?.requestFullscreen?.().catch(() => undefined);
  }, [target]);

  return { active, toggle };
}
