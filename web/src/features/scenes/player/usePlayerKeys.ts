import { useEffect, useRef } from "react";
import { keyAction, type KeyAction } from "src/features/scenes/player/keys";

/** Runs `act` for the player's keys, pressed anywhere on the page. */
export function usePlayerKeys(inGame: boolean, act: (action: KeyAction) => void) {
  const latest = useRef(act);

  useEffect(() => {
    latest.current = act;
  });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = keyAction(event, inGame);
      if (!action || event.repeat) return;
      event.preventDefault();
      latest.current(action);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [inGame]);
}
