import type { SaveState } from "src/features/scenes/editor/autosave";

const WORDS: Record<SaveState["status"], string> = {
  saved: "Saved",
  pending: "Unsaved changes",
  saving: "Saving…",
  failed: "Not saved: retrying",
  conflict: "Saved elsewhere meanwhile",
  refused: "Not saved",
};

/** Where saving stands: quiet while all is well, explicit when it is not. */
export function SaveStatus({ state }: { state: SaveState }) {
  const tone = state.status === "saved" ? "badge ok" : state.status === "pending" || state.status === "saving" ? "badge" : "badge bad";
  return (
    <span className="save-status" role="status" aria-live="polite">
      <span className={tone}>{WORDS[state.status]}</span> <span className="muted">v{state.version}</span>
    </span>
  );
}

interface ConflictProps {
  /** What both sides changed, when known. */
  conflicts: string[];
  busy: boolean;
  onReload(): void;
  onOverwrite(): void;
}

/** After a 409, or changes saved elsewhere that touch what was changed here: the user decides. */
export function ConflictBanner({ conflicts, busy, onReload, onOverwrite }: ConflictProps) {
  return (
    <div className="conflict-banner" role="alertdialog" aria-label="Saved elsewhere">
      <p>
        <strong>This scene was saved elsewhere</strong> (another tab or device) while you were editing it here.
        {conflicts.length > 0 && ` Both changed: ${conflicts.slice(0, 8).join(", ")}${conflicts.length > 8 ? "…" : ""}.`}
      </p>
      <div className="row">
        <button type="button" onClick={onReload} disabled={busy}>
          Reload theirs (drop my changes)
        </button>
        <button type="button" className="danger" onClick={onOverwrite} disabled={busy}>
          Overwrite with mine
        </button>
      </div>
    </div>
  );
}
