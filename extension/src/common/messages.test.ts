import { parseDialogRequest, parsePopupRequest, senderKind } from "src/common/messages";

const ID = "abcdefghijklmnopabcdefghijklmnop";

describe("senderKind", () => {
  it("knows the extension's own pages, in the bubble or in a tab", () => {
    expect(senderKind({ id: ID, url: `chrome-extension://${ID}/popup/popup.html` }, ID)).toEqual({ kind: "page" });
    const inTab = { id: ID, url: `chrome-extension://${ID}/popup/popup.html`, tab: { id: 4 } as chrome.tabs.Tab };
    expect(senderKind(inTab, ID)).toEqual({ kind: "page" });
  });

  it("knows a content script's tab and frame by the page it runs in", () => {
    const sender = { id: ID, url: "https://example.com/a", tab: { id: 7 } as chrome.tabs.Tab, frameId: 3 };
    expect(senderKind(sender, ID)).toEqual({ kind: "tab", tabId: 7, frameId: 3 });
  });

  it("answers nobody else", () => {
    expect(senderKind({ id: "another-extension", url: `chrome-extension://another-extension/x.html` }, ID)).toBeNull();
    expect(senderKind({ id: ID, url: "https://example.com/" }, ID)).toBeNull(); // no tab
    expect(senderKind({ id: ID, url: "https://example.com/", tab: { id: -1 } as chrome.tabs.Tab }, ID)).toBeNull();
    expect(senderKind({ url: `chrome-extension://${ID}/popup/popup.html` }, ID)).toBeNull();
  });
});

describe("parsePopupRequest", () => {
  it("accepts each request in its exact shape", () => {
    const connect = { type: "connect", server: "http://h", email: "a@b", password: "pw" };
    expect(parsePopupRequest(connect)).toEqual(connect);
    expect(parsePopupRequest({ type: "sync", accountId: 3 })).toEqual({ type: "sync", accountId: 3 });
    expect(parsePopupRequest({ type: "autoImport", enabled: false })).toEqual({ type: "autoImport", enabled: false });
  });

  it("refuses unknown types, missing, extra or mistyped fields", () => {
    for (const bad of [
      null,
      "status",
      [],
      { type: "eval", code: "x" },
      { type: "toString" },
      { type: "connect", server: "http://h", email: "a@b" },
      { type: "connect", server: "http://h", email: "a@b", password: "pw", extra: 1 },
      { type: "sync", accountId: "3" },
      { type: "sync", accountId: 1.5 },
      { type: "sync", accountId: -2 },
      { type: "import", providerId: "x".repeat(5000) },
    ]) {
      expect(parsePopupRequest(bad)).toBeNull();
    }
  });

  it("keeps the popup's and the dialog's requests apart", () => {
    expect(parsePopupRequest({ type: "dialog.init" })).toBeNull();
    expect(parseDialogRequest({ type: "logout" })).toBeNull();
    const submit = { type: "dialog.submit", providerId: "local", operation: "image_to_video", prompt: "" };
    expect(parseDialogRequest(submit)).toEqual(submit);
    expect(parseDialogRequest({ ...submit, srcUrl: "https://elsewhere/" })).toBeNull();
  });
});
