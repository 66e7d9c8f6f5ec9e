import { Countdown } from "src/features/scenes/player/Countdown";
import type { Options } from "src/features/scenes/engine/types";

interface Props {
  prompt: string | null;
  offered: Options;
  /** Labels to show when an edge has none (the target node's label, or "Option n"). */
  labels: string[];
  onChoose: (edge: string) => void;
  onTimeout: () => void;
}

/** The options over the picture, numbered for the keyboard, with a countdown when timed. */
export function ChoiceOverlay({ prompt, offered, labels, onChoose, onTimeout }: Props) {
  return (
    <div className="scene-overlay" role="group" aria-label={prompt ?? "Choose"}>
      {prompt && <p className="scene-prompt">{prompt}</p>}
      <div className="scene-options">
        {offered.options.map((option, i) => (
          <button
            key={option.edge}
            type="button"
            className="scene-option"
            aria-keyshortcuts={i < 9 ? String(i + 1) : undefined}
            onClick={() => onChoose(option.edge)}
          >
            {i < 9 && <kbd aria-hidden>{i + 1}</kbd>}
            {labels[i]}
          </button>
        ))}
      </div>
      {offered.timeout && <Countdown seconds={offered.timeout.seconds} onTimeout={onTimeout} />}
    </div>
  );
}
