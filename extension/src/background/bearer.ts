/**
 * The session token a provider's web app sends on its own API requests, read from the
 * request headers (webRequest with extraHeaders: observed, never changed). Kept in
 * chrome.storage.session (memory only) until the next import.
 */

import { tokenFrom } from "src/background/cookies";
import { scheduleAutoImport } from "src/background/importer";
import { store } from "src/background/storage";
import { SITES } from "src/common/sites";

export function installBearerCapture(): void {
  for (const site of SITES) {
    chrome.webRequest.onSendHeaders.addListener(
      (details) => {
        const token = tokenFrom(details.requestHeaders, site.tokenHeader);
        if (!token) return;
        void (async () => {
          if ((await store.bearer(site.providerId)) === token) return;
          await store.setBearer(site.providerId, token);
          scheduleAutoImport(site.providerId);
        })();
      },
      { urls: site.apiPatterns },
      ["requestHeaders", "extraHeaders"],
    );
  }
}
