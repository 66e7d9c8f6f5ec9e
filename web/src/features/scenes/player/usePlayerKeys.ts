import { useEffect } from "react";
import { keyAction, type KeyAction } from "src/features/scenes/player/keys";
import { useLatest } from "src/common/useLatest";

/** Runs `act` for the player's keys, pressed anywhere on the page. */
export function usePlayerKeys(inGame: boolean, act: (action: KeyAction) => void) {
  const latest = useLatest(act);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = keyAction(event, inGame);
      if (!action || event.repeat) return;
      event.preventDefault();
      latest.current(action);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [inGame, latest]);
}
