import { route } from "src/background/router";

const ID = "abcdefghijklmnopabcdefghijklmnop";

/** chrome.storage with two in-memory areas, enough for the router's checks. */
function fakeChrome(session: Record<string, unknown>): void {
  const area = (data: Record<string, unknown>) => ({
    get: async (key: string) => (key in data ? { [key]: data[key] } : {}),
    set: async (items: Record<string, unknown>) => void Object.assign(data, items),
    remove: async (key: string) => void delete data[key],
  });
  vi.stubGlobal("chrome", { storage: { local: area({}), session: area(session) } });
}

afterEach(() => vi.unstubAllGlobals());

describe("route", () => {
  it("answers the popup's status without a connection", async () => {
    fakeChrome({});
    const reply = await route({ type: "status" }, { id: ID, url: `chrome-extension://${ID}/popup/popup.html` }, ID);
    expect(reply).toEqual({ ok: true, data: { connected: false, server: null, email: null, autoImport: false } });
  });

  it("ignores other extensions and malformed messages", async () => {
    fakeChrome({});
    expect(await route({ type: "status" }, { id: "other", url: "chrome-extension://other/p.html" }, ID)).toBeNull();
    expect(await route({ type: "status", x: 1 }, { id: ID, url: `chrome-extension://${ID}/p.html` }, ID)).toBeNull();
  });

  it("lets a tab ask nothing of the popup's, and the dialog's only where a dialog is open", async () => {
    const dialog = { tabId: 5, frameId: 0, srcUrl: "https://a/x.png", pageUrl: "https://a/", title: "A" };
    fakeChrome({ "dialog:5": dialog });
    const page = (tab: number, frameId = 0) => ({ id: ID, url: "https://a/", tab: { id: tab } as chrome.tabs.Tab, frameId });
    expect(await route({ type: "status" }, page(5), ID)).toBeNull();
    expect(await route({ type: "logout" }, page(5), ID)).toBeNull();
    expect(await route({ type: "dialog.close" }, page(6), ID)).toBeNull(); // no dialog there
    expect(await route({ type: "dialog.close" }, page(5, 2), ID)).toBeNull(); // another frame
    expect(await route({ type: "dialog.close" }, page(5), ID)).toEqual({ ok: true, data: null });
    expect(await route({ type: "dialog.close" }, page(5), ID)).toBeNull(); // closed now
  });

  it("answers a failure with the message, never throws", async () => {
    fakeChrome({});
    const reply = await route({ type: "import", providerId: "pixverse" }, { id: ID, url: `chrome-extension://${ID}/p.html` }, ID);
    expect(reply).toMatchObject({ ok: false });
  });
});
