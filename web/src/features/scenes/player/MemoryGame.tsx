import { useEffect, useRef, useState } from "react";
import type { MemoryConfig } from "src/features/scenes/engine/types";

interface Props {
  config: MemoryConfig;
  /** The engine's sequence of symbol indexes to repeat. */
  sequence: number[];
  onDone: (entered: number[]) => void;
}

const GAP_MS = 150;

/**
 * The memory game: the sequence is shown one symbol at a time, then the player repeats it
 * (buttons, or the number keys). The first wrong symbol ends the game.
 */
export function MemoryGame({ config, sequence, onDone }: Props) {
  const [shown, setShown] = useState(0); // symbols shown so far; the game is input once all are
  const [dark, setDark] = useState(false); // the gap between two shown symbols
  const [entered, setEntered] = useState<number[]>([]);
  const done = useRef(onDone);
  const showing = shown < sequence.length;
  const lit = showing && !dark ? sequence[shown]! : null;

  useEffect(() => {
    done.current = onDone;
  });

  useEffect(() => {
    if (!showing) return;
    const off = window.setTimeout(() => setDark(true), config.show_ms);
    const next = window.setTimeout(() => {
      setDark(false);
      setShown(shown + 1);
    }, config.show_ms + GAP_MS);
    return () => {
      window.clearTimeout(off);
      window.clearTimeout(next);
    };
  }, [showing, shown, config.show_ms]);

  // What was entered so far, read from a ref: two presses quicker than a render each add
  // their symbol (from state, the second would replace the first), and none counts after the end.
  const input = useRef<{ entered: number[]; over: boolean }>({ entered: [], over: false });
  const enter = (symbol: number) => {
    const sofar = input.current;
    if (showing || sofar.over) return;
    const now = [...sofar.entered, symbol];
    const wrong = symbol !== sequence[now.length - 1];
    input.current = { entered: now, over: wrong || now.length === sequence.length };
    setEntered(now);
    if (input.current.over) done.current(now);
  };
  const press = useRef(enter);
  useEffect(() => {
    press.current = enter;
  });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const n = Number(event.key);
      if (Number.isInteger(n) && n >= 1 && n <= config.symbols.length) press.current(n - 1);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [config.symbols.length]);

  return (
    <div className="scene-overlay scene-game" aria-label="Memory game" role="group">
      <p role="status">
        {showing ? `Watch: ${shown + 1} of ${sequence.length}` : `Repeat: ${entered.length} of ${sequence.length}`}
      </p>
      <div className="scene-options">
        {config.symbols.map((symbol, i) => (
          <button
            key={i}
            type="button"
            className={lit === i ? "scene-symbol lit" : "scene-symbol"}
            aria-pressed={lit === i}
            aria-keyshortcuts={String(i + 1)}
            disabled={showing}
            onClick={() => enter(i)}
          >
            {symbol}
          </button>
        ))}
      </div>
    </div>
  );
}
