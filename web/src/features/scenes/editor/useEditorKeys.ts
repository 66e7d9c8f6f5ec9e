/**
 * The editor's keyboard: undo and redo, copy and paste of nodes and frames (through the system
 * clipboard, as JSON), select all, a frame around the selection. Keys typed into a field
 * are the field's.
 */
import { useEffect } from "react";
import { type Clip, parseClip } from "src/features/scenes/editor/doc";
import { useLatest } from "src/common/useLatest";

interface Handlers {
  undo(): void;
  redo(): void;
  selectAll(): void;
  /** A frame around the selected nodes (Ctrl+G, as in Figma and draw.io). */
  frame(): void;
  /** What to put on the clipboard, or null when nothing is selected. */
  copy(): Clip | null;
  paste(clip: Clip): void;
}

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function useEditorKeys(handlers: Handlers) {
  const latest = useLatest(handlers);

  useEffect(() => {
    // The last clip copied here, for a clipboard the browser would not let us read.
    let kept: Clip | null = null;
    const onKey = (event: KeyboardEvent) => {
      if (typing(event.target) || !(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) latest.current.undo();
      else if ((key === "z" && event.shiftKey) || key === "y") latest.current.redo();
      else if (key === "a") latest.current.selectAll();
      else if (key === "g" && !event.shiftKey) latest.current.frame();
      else return;
      event.preventDefault();
    };
    const onCopy = (event: ClipboardEvent) => {
      if (typing(event.target) || document.getSelection()?.toString()) return;
      const clip = latest.current.copy();
      if (!clip || !event.clipboardData) return;
      kept = clip;
      event.clipboardData.setData("text/plain", JSON.stringify(clip));
      event.preventDefault();
    };
    const onPaste = (event: ClipboardEvent) => {
      if (typing(event.target)) return;
      const text = event.clipboardData?.getData("text/plain") ?? "";
      const clip = (text ? parseClip(text) : null) ?? (text ? null : kept);
      if (!clip) return;
      event.preventDefault();
      latest.current.paste(clip);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("copy", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, [latest]);
}
