import type { EndState } from "src/features/scenes/engine/types";

interface Props {
  end: EndState;
  canGoBack: boolean;
  onRestart: () => void;
  onBack: () => void;
}

const HEADINGS: Record<EndState["outcome"], string> = {
  success: "You made it",
  failure: "Game over",
  neutral: "The end",
  stuck: "The scene ran out of ways to go on",
};

/** How the play ended (success, failure, neutral, or stuck), with its message. */
export function EndScreen({ end, canGoBack, onRestart, onBack }: Props) {
  return (
    <div className={`scene-overlay scene-end scene-end-${end.outcome}`} role="group" aria-label="The end">
      <h2>{HEADINGS[end.outcome]}</h2>
      {end.message && end.outcome !== "stuck" && <p className="scene-message">{end.message}</p>}
      {end.outcome === "stuck" && <p className="muted">Reason: {end.message ?? "unknown"}</p>}
      <div className="scene-options">
        <button type="button" className="primary" onClick={onRestart}>
          Play again
        </button>
        {canGoBack && (
          <button type="button" onClick={onBack}>
            Back to the last choice
          </button>
        )}
      </div>
    </div>
  );
}
