/** The context menus on images and videos, and what a click on them does. */

import { describe } from "src/background/api";
import { openDialog } from "src/background/animate";
import { addToLibrary } from "src/background/capture";
import { notify } from "src/background/notify";
import { store } from "src/background/storage";

export const ADD = "pixsim7.add";
export const ANIMATE = "pixsim7.animate";

export function createMenus(): void {
  chrome.contextMenus.removeAll(() => {
    chrome.contextMenus.create({ id: ADD, title: "Add to PixSim7", contexts: ["image", "video"] });
    chrome.contextMenus.create({ id: ANIMATE, title: "Animate with PixSim7…", contexts: ["image"] });
  });
}

/** What a menu click passes on: the clicked media, its page, the tab and frame. */
export async function onMenuClick(info: chrome.contextMenus.OnClickData, tab?: chrome.tabs.Tab): Promise<void> {
  if (!info.srcUrl || tab?.id === undefined || tab.id < 0) return;
  if (!(await store.connection())) {
    await notify({ kind: "none" }, "PixSim7", "Connect the extension to your PixSim7 server first (its toolbar button).");
    return;
  }
  const target = {
    tabId: tab.id,
    frameId: info.frameId ?? 0,
    srcUrl: info.srcUrl,
    pageUrl: info.frameUrl ?? info.pageUrl ?? tab.url ?? "",
    title: tab.title ?? "",
  };
  try {
    if (info.menuItemId === ANIMATE) {
      await openDialog(target);
      return;
    }
    if (info.menuItemId !== ADD) return;
    const { asset, created } = await addToLibrary(target);
    await notify(
      { kind: "asset", id: asset.id },
      created ? "Added to PixSim7" : "Already in your library",
      created ? `Asset #${asset.id} from ${target.title || target.pageUrl}` : `Asset #${asset.id}`,
    );
  } catch (error) {
    await notify({ kind: "none" }, "PixSim7 could not add this", describe(error));
  }
}

export function installMenus(): void {
  chrome.runtime.onInstalled.addListener(createMenus);
  chrome.contextMenus.onClicked.addListener((info, tab) => void onMenuClick(info, tab));
}
