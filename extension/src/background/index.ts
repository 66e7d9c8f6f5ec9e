/**
 * The service worker. Every listener is registered at the top level, on each start, so
 * that an event wakes a suspended worker and finds its handler; state lives in
 * chrome.storage, never only in memory.
 */

import { installBearerCapture } from "src/background/bearer";
import { installAutoImport } from "src/background/importer";
import { ensureStream, installJobFollowing, refresh } from "src/background/jobs";
import { installMenus, onMenuClick } from "src/background/menus";
import { installNotificationClicks } from "src/background/notify";
import { installRouter } from "src/background/router";

installRouter();
installMenus();
installBearerCapture();
installAutoImport();
installNotificationClicks();
installJobFollowing();

// A wake-up: catch up on what happened while suspended, and follow live again.
void refresh().catch(() => undefined);
ensureStream();

// The context-menu handler, reachable from the extension's own pages and worker (browser
// tests call it the way a click on the menu does; web pages cannot reach it).
Object.assign(globalThis, { pixsim7: { onMenuClick } });
