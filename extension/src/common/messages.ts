/**
 * What the popup and the on-page dialog may ask the service worker, and the checks every
 * message passes before it is acted on: who sent it (the extension's own page, or a tab
 * frame the extension opened a dialog in) and its exact shape. Anything else is dropped.
 */

export type PopupRequest =
  | { type: "status" }
  | { type: "connect"; server: string; email: string; password: string }
  | { type: "logout" }
  | { type: "sites" }
  | { type: "import"; providerId: string }
  | { type: "autoImport"; enabled: boolean }
  | { type: "accounts" }
  | { type: "sync"; accountId: number }
  | { type: "openSignedIn"; accountId: number };

export type DialogRequest =
  | { type: "dialog.init" }
  | { type: "dialog.estimate"; providerId: string; operation: string; prompt: string }
  | { type: "dialog.submit"; providerId: string; operation: string; prompt: string }
  | { type: "dialog.close" };

export type Reply<T> = { ok: true; data: T } | { ok: false; error: string; fields?: Record<string, string> };

export type SenderKind = { kind: "page" } | { kind: "tab"; tabId: number; frameId: number };

const MAX_TEXT = 4000;

/** Who sent a message: one of the extension's own pages (the popup, in its bubble or in a
 * tab), a frame of a web page (a content script of ours), or nobody we answer (other
 * extensions; web pages cannot message us at all). The browser sets `url`: a content
 * script reports its page's URL, never the extension's. */
export function senderKind(sender: chrome.runtime.MessageSender, extensionId: string): SenderKind | null {
  if (sender.id !== extensionId) return null;
  if (sender.url?.startsWith(`chrome-extension://${extensionId}/`)) return { kind: "page" };
  if (sender.tab?.id === undefined || sender.tab.id < 0) return null;
  return { kind: "tab", tabId: sender.tab.id, frameId: sender.frameId ?? 0 };
}

type Shape = Record<string, "string" | "number" | "boolean">;

const POPUP: Record<PopupRequest["type"], Shape> = {
  status: {},
  connect: { server: "string", email: "string", password: "string" },
  logout: {},
  sites: {},
  import: { providerId: "string" },
  autoImport: { enabled: "boolean" },
  accounts: {},
  sync: { accountId: "number" },
  openSignedIn: { accountId: "number" },
};

const DIALOG: Record<DialogRequest["type"], Shape> = {
  "dialog.init": {},
  "dialog.estimate": { providerId: "string", operation: "string", prompt: "string" },
  "dialog.submit": { providerId: "string", operation: "string", prompt: "string" },
  "dialog.close": {},
};

function matches(message: unknown, shapes: Record<string, Shape>): boolean {
  if (typeof message !== "object" || message === null || Array.isArray(message)) return false;
  const record = message as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== "string" || !Object.hasOwn(shapes, type)) return false;
  const shape = shapes[type] as Shape;
  const keys = Object.keys(record).filter((k) => k !== "type");
  if (keys.length !== Object.keys(shape).length) return false;
  return keys.every((key) => {
    const value = record[key];
    const want = shape[key];
    if (want === undefined || typeof value !== want) return false;
    if (typeof value === "string") return value.length <= MAX_TEXT;
    if (typeof value === "number") return Number.isSafeInteger(value) && value > 0;
    return true;
  });
}

export function parsePopupRequest(message: unknown): PopupRequest | null {
  return matches(message, POPUP) ? (message as PopupRequest) : null;
}

export function parseDialogRequest(message: unknown): DialogRequest | null {
  return matches(message, DIALOG) ? (message as DialogRequest) : null;
}
