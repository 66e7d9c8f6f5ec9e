/** The player's keyboard: which key does what (the mini-games read their own keys). */

export type KeyAction =
  | { kind: "option"; index: number }
  | { kind: "back" }
  | { kind: "restart" }
  | { kind: "save" }
  | { kind: "mute" }
  | { kind: "fullscreen" };

export const KEY_HELP = "1–9 choose · Space hit · B back · R restart · S save · M mute · F fullscreen";

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** The action of a key press, or null; `inGame`: digits belong to the mini-game then. */
export function keyAction(event: KeyLike, inGame: boolean): KeyAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return null;
  const key = event.key.toLowerCase();
  if (/^[1-9]$/.test(key)) return inGame ? null : { kind: "option", index: Number(key) - 1 };
  switch (key) {
    case "b":
      return { kind: "back" };
    case "r":
      return { kind: "restart" };
    case "s":
      return { kind: "save" };
    case "m":
      return { kind: "mute" };
    case "f":
      return { kind: "fullscreen" };
  }
  return null;
}
