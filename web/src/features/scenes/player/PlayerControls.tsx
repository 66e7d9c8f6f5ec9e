import { CopyLink } from "src/features/scenes/player/CopyLink";
import { KEY_HELP } from "src/features/scenes/player/keys";
import type { SaveStatus } from "src/features/scenes/player/usePlay";

interface Props {
  canGoBack: boolean;
  saveStatus: SaveStatus;
  muted: boolean;
  fullscreen: boolean;
  /** A link that opens this play, offered to copy. */
  link?: string;
  onBack: () => void;
  onRestart: () => void;
  onSave: () => void;
  onMute: () => void;
  onFullscreen: () => void;
}

const SAVE_WORDS: Record<SaveStatus, string> = {
  saved: "Saved",
  saving: "Saving…",
  failed: "Not saved",
};

/** The bar under the picture: back, restart, save, sound, fullscreen, and the keys. */
export function PlayerControls(props: Props) {
  return (
    <div className="scene-controls" role="toolbar" aria-label="Player">
      <button type="button" onClick={props.onBack} disabled={!props.canGoBack} aria-keyshortcuts="B">
        Back
      </button>
      <button type="button" onClick={props.onRestart} aria-keyshortcuts="R">
        Restart
      </button>
      <button type="button" onClick={props.onSave} aria-keyshortcuts="S">
        Save
      </button>
      <span className={`scene-save scene-save-${props.saveStatus}`} role="status">
        {SAVE_WORDS[props.saveStatus]}
      </span>
      {props.link && <CopyLink url={props.link} />}
      <span className="scene-spacer" />
      <button type="button" onClick={props.onMute} aria-pressed={props.muted} aria-keyshortcuts="M">
        {props.muted ? "Sound off" : "Sound on"}
      </button>
      <button type="button" onClick={props.onFullscreen} aria-pressed={props.fullscreen} aria-keyshortcuts="F">
        Fullscreen
      </button>
      <small className="scene-keys muted">{KEY_HELP}</small>
    </div>
  );
}
