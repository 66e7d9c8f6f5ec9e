import { useEffect, useState } from "react";
import type { PlaySlot, PlayStore } from "src/features/scenes/player/store";

interface Props {
  title: string;
  store: PlayStore;
  /** A saved play a link asked for, offered first. */
  linked: string | null;
  opening: boolean;
  error: string | null;
  onBegin: () => void;
  onResume: (id: string) => void;
}

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** Before the first frame: a new play or a saved one. The click is the gesture that lets video play. */
export function StartScreen({ title, store, linked, opening, error, onBegin, onResume }: Props) {
  const [slots, setSlots] = useState<PlaySlot[]>([]);
  const playLabel = linked === null ? "Play" : "Play from the start";

  useEffect(() => {
    let live = true;
    store.slots().then(
      (found) => live && setSlots(found.filter((s) => !s.ended)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [store]);

  return (
    <div className="scene-start">
      <h1>{title}</h1>
      {linked !== null && (
        <button type="button" className="primary scene-play" onClick={() => onResume(linked)} disabled={opening}>
          {opening ? "Opening…" : "Resume the linked save"}
        </button>
      )}
      <button
        type="button"
        className={linked === null ? "primary scene-play" : undefined}
        onClick={onBegin}
        disabled={opening}
      >
        {opening && linked === null ? "Opening…" : playLabel}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {slots.length > 0 && (
        <section className="scene-slots" aria-label="Saved plays">
          <h2>Saved plays</h2>
          <ul>
            {slots.map((slot) => (
              <li key={slot.id}>
                <button type="button" onClick={() => onResume(slot.id)} disabled={opening}>
                  Resume
                </button>{" "}
                {slot.label ?? "Saved play"} <span className="muted">· {when(slot.updatedAt)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
