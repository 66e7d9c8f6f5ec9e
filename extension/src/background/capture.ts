/**
 * "Add to PixSim7": the extension fetches the clicked image or video itself, with the
 * browser's cookies for its site (so media behind the page's login works), and uploads it
 * with the page's URL and title as its source. The same bytes answer with the asset the
 * library has already.
 *
 * The fetch runs in the service worker first (host access to the page's origin comes from
 * activeTab when the menu is clicked, or from the provider domains). Where that cannot
 * read it (a blob: URL, an origin without access), the page fetches it in its own context
 * through a short-lived injected function, as the page itself would.
 */

import { send } from "src/background/api";
import type { Asset } from "src/common/types";

export interface MediaSource {
  tabId: number;
  frameId: number;
  srcUrl: string;
  pageUrl: string;
  title: string;
}

export interface Captured {
  asset: Asset;
  created: boolean;
}

const MAX_BYTES = 500 * 1024 * 1024; // the server's default upload limit

export async function fetchMedia(source: MediaSource): Promise<Blob> {
  try {
    const response = await fetch(source.srcUrl, { credentials: "include" });
    if (response.ok) return await response.blob();
  } catch {
    // no access from here: the page fetches it below
  }
  return fetchInPage(source);
}

async function fetchInPage(source: MediaSource): Promise<Blob> {
  const [result] = await chrome.scripting.executeScript({
    target: { tabId: source.tabId, frameIds: [source.frameId] },
    args: [source.srcUrl, MAX_BYTES],
    func: async (url: string, maxBytes: number) => {
      const response = await fetch(url, { credentials: "include" });
      if (!response.ok) return { error: `the page answered HTTP ${response.status}` };
      const buffer = await response.arrayBuffer();
      if (buffer.byteLength > maxBytes) return { error: "the file is too large" };
      let binary = "";
      const bytes = new Uint8Array(buffer);
      for (let i = 0; i < bytes.length; i += 0x8000) {
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      }
      return { type: response.headers.get("content-type") ?? "", data: btoa(binary) };
    },
  });
  const answer = result?.result as { error?: string; type?: string; data?: string } | undefined;
  if (!answer || answer.error || answer.data === undefined) {
    throw new Error(`cannot fetch the media: ${answer?.error ?? "the page did not answer"}`);
  }
  const bytes = Uint8Array.from(atob(answer.data), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type: answer.type });
}

/** A file name for the upload, from the media URL (display only: the server reads bytes). */
export function fileName(srcUrl: string): string {
  try {
    const url = new URL(srcUrl);
    if (url.protocol === "http:" || url.protocol === "https:") {
      const last = decodeURIComponent(url.pathname.split("/").pop() ?? "");
      if (last) return last.slice(0, 200);
    }
  } catch {
    // not a URL we can name a file after
  }
  return "capture";
}

/** The page's URL as the asset's source: only http(s) pages (the server takes no others). */
export function sourceUrl(pageUrl: string): string | null {
  return /^https?:\/\//i.test(pageUrl) ? pageUrl : null;
}

export async function addToLibrary(source: MediaSource): Promise<Captured> {
  const blob = await fetchMedia(source);
  if (blob.size > MAX_BYTES) throw new Error("the file is too large");
  const form = new FormData();
  form.append("file", blob, fileName(source.srcUrl));
  const page = sourceUrl(source.pageUrl);
  if (page) form.append("source_url", page);
  if (source.title) form.append("source_title", source.title.slice(0, 500));
  const answer = await send<Asset>("POST", "/assets/upload", { form });
  return { asset: answer.data, created: answer.status === 201 };
}
