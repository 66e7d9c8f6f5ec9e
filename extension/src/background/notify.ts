/** Desktop notifications whose click opens the asset or job in the web app. */

import { store } from "src/background/storage";

export type Target = { kind: "job" | "asset"; id: number } | { kind: "none" };

const PREFIX = "pixsim7";

export function notificationId(target: Target): string {
  const suffix = Math.random().toString(36).slice(2, 8);
  return target.kind === "none" ? `${PREFIX}-none-${suffix}` : `${PREFIX}-${target.kind}-${target.id}-${suffix}`;
}

/** The web app's page for a notification, from its id. */
export function pageFor(id: string, server: string): string | null {
  const match = /^pixsim7-(job|asset)-(\d+)-/.exec(id);
  if (!match) return null;
  return match[1] === "job" ? `${server}/jobs/${match[2]}` : `${server}/gallery/${match[2]}`;
}

export async function notify(target: Target, title: string, message: string): Promise<string> {
  const id = notificationId(target);
  await chrome.notifications.create(id, {
    type: "basic",
    iconUrl: chrome.runtime.getURL("icons/icon128.png"),
    title,
    message,
  });
  return id;
}

export function installNotificationClicks(): void {
  chrome.notifications.onClicked.addListener((id) => {
    void (async () => {
      const conn = await store.connection();
      const url = conn ? pageFor(id, conn.server) : null;
      if (url) await chrome.tabs.create({ url });
      await chrome.notifications.clear(id);
    })();
  });
}
