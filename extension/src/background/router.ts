/**
 * Every message the service worker answers. The popup (an extension page) may ask
 * anything of PopupRequest; a tab frame only the dialog's requests, and only the frame the
 * extension opened a dialog in. Each reply is {ok, data} or {ok: false, error}; secrets
 * (the password, tokens) are never in a reply or a log.
 */

import { listAccounts, openSignedIn, syncAccount } from "src/background/accounts";
import { ApiError, call, describe } from "src/background/api";
import { handleDialog } from "src/background/animate";
import { connect, logout } from "src/background/auth";
import { importSession, siteStatuses } from "src/background/importer";
import { closeStream, ensureStream, refresh } from "src/background/jobs";
import { store } from "src/background/storage";
import {
  type PopupRequest,
  type Reply,
  parseDialogRequest,
  parsePopupRequest,
  senderKind,
} from "src/common/messages";

export interface Status {
  connected: boolean;
  server: string | null;
  email: string | null;
  autoImport: boolean;
}

/** The connection as the server sees it now: a session revoked in the web app (or expired)
 * answers 401, which forgets the token, and the popup asks to connect again. */
async function status(): Promise<Status> {
  if (await store.connection()) await call("GET", "/users/me").catch(() => undefined);
  const conn = await store.connection();
  const remembered = await store.remembered();
  return {
    connected: Boolean(conn),
    server: conn?.server ?? remembered?.server ?? null,
    email: conn?.user.email ?? remembered?.email ?? null,
    autoImport: (await store.settings()).autoImport,
  };
}

async function handlePopup(request: PopupRequest): Promise<unknown> {
  switch (request.type) {
    case "status":
      return status();
    case "connect": {
      await connect(request.server, request.email, request.password);
      ensureStream();
      await refresh().catch(() => undefined);
      return status();
    }
    case "logout":
      closeStream();
      await logout();
      return status();
    case "sites":
      return siteStatuses();
    case "import":
      return importSession(request.providerId);
    case "autoImport":
      await store.setSettings({ ...(await store.settings()), autoImport: request.enabled });
      return status();
    case "accounts": {
      const conn = await store.connection();
      return conn ? listAccounts(conn.user.id) : [];
    }
    case "sync":
      return syncAccount(request.accountId);
    case "openSignedIn":
      await openSignedIn(request.accountId);
      return null;
  }
}

/** The reply to one message, or null for a message that is not ours to answer. */
export async function route(message: unknown, sender: chrome.runtime.MessageSender, extensionId: string): Promise<Reply<unknown> | null> {
  const from = senderKind(sender, extensionId);
  if (!from) return null;
  try {
    if (from.kind === "page") {
      const request = parsePopupRequest(message);
      return request ? { ok: true, data: await handlePopup(request) } : null;
    }
    const request = parseDialogRequest(message);
    const target = request ? await store.dialog(from.tabId) : undefined;
    if (!request || !target || target.frameId !== from.frameId) return null;
    return { ok: true, data: await handleDialog(request, target) };
  } catch (error) {
    const fields = error instanceof ApiError ? error.fields : undefined;
    return { ok: false, error: describe(error), ...(fields ? { fields } : {}) };
  }
}

export function installRouter(): void {
  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    void route(message, sender, chrome.runtime.id).then((reply) => sendResponse(reply ?? { ok: false, error: "not accepted" }));
    return true; // the answer comes asynchronously
  });
}
