import { useCallback, useEffect, useRef, useState } from "react";
import type { ReflexConfig } from "src/features/scenes/engine/types";

interface Props {
  config: ReflexConfig;
  /** The engine's delays before each round's cue. */
  delays: number[];
  onDone: (reactions: (number | null)[]) => void;
}

type Round = "wait" | "cue" | "hit" | "early" | "missed";

const FEEDBACK_MS = 600;
const WORDS: Record<Round, string> = {
  wait: "Wait for it…",
  cue: "Hit!",
  hit: "Hit",
  early: "Too early",
  missed: "Missed",
};

/**
 * The reflex game: each round shows a cue after the engine's delay; a hit (Space, a click or
 * a tap) within the window counts. A hit before the cue or none at all is no time (null).
 */
export function ReflexGame({ config, delays, onDone }: Props) {
  const [round, setRound] = useState(0);
  const [stage, setStage] = useState<Round>("wait");
  const [lastMs, setLastMs] = useState<number | null>(null);
  const times = useRef<(number | null)[]>([]);
  const cueAt = useRef(0);
  const timer = useRef(0);
  const done = useRef(onDone);

  useEffect(() => {
    done.current = onDone;
  });

  const settle = useCallback(
    (outcome: Round, reaction: number | null) => {
      window.clearTimeout(timer.current);
      times.current = [...times.current, reaction];
      setLastMs(reaction);
      setStage(outcome);
      timer.current = window.setTimeout(() => {
        if (times.current.length >= config.rounds) done.current(times.current);
        else {
          setRound((r) => r + 1);
          setStage("wait");
        }
      }, FEEDBACK_MS);
    },
    [config.rounds],
  );

  useEffect(() => {
    timer.current = window.setTimeout(() => {
      cueAt.current = performance.now();
      setStage("cue");
      timer.current = window.setTimeout(() => settle("missed", null), config.window_ms);
    }, delays[round] ?? 0);
    return () => window.clearTimeout(timer.current);
  }, [round, delays, config.window_ms, settle]);

  const hit = useCallback(() => {
    if (stage === "wait") settle("early", null);
    else if (stage === "cue") {
      settle("hit", Math.min(600_000, Math.round(performance.now() - cueAt.current)));
    }
  }, [stage, settle]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.code !== "Space" || event.repeat) return;
      event.preventDefault();
      hit();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [hit]);

  return (
    <div className="scene-overlay scene-game" aria-label="Reflex game" role="group">
      <p className="muted">
        Round {Math.min(round + 1, config.rounds)} of {config.rounds} · hit within {config.window_ms} ms
      </p>
      <button type="button" className={`scene-reflex scene-reflex-${stage}`} onPointerDown={hit}>
        <span role="status">{WORDS[stage]}</span>
        {stage === "hit" && lastMs !== null && <small> {lastMs} ms</small>}
      </button>
      <p className="muted">Space, click or tap</p>
    </div>
  );
}
