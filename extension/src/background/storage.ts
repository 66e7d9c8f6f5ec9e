/**
 * Everything the extension keeps. chrome.storage.local (this profile only, never synced):
 * the connection (server URL and the extension's token; never the password), settings,
 * the dialog's remembered choice, the jobs started from here. chrome.storage.session
 * (memory only, gone when the browser closes): tokens seen on providers' requests and
 * the open on-page dialogs. Nothing goes to chrome.storage.sync.
 */

export interface Connection {
  server: string; // origin, e.g. "https://pixsim7.example"
  token: string;
  user: { id: number; email: string };
  expiresAt: string;
}

export interface Settings {
  autoImport: boolean;
}

export interface DialogTarget {
  tabId: number;
  frameId: number;
  srcUrl: string;
  pageUrl: string;
  title: string;
}

export interface Choice {
  providerId: string;
  operation: string;
}

export interface Remembered {
  server: string;
  email: string;
}

async function getLocal<T>(key: string): Promise<T | undefined> {
  return (await chrome.storage.local.get(key))[key] as T | undefined;
}

async function getSession<T>(key: string): Promise<T | undefined> {
  return (await chrome.storage.session.get(key))[key] as T | undefined;
}

export const store = {
  connection: () => getLocal<Connection>("connection"),
  setConnection: (value: Connection) => chrome.storage.local.set({ connection: value }),
  clearConnection: () => chrome.storage.local.remove("connection"),
  // The server and email of the last connection, to fill the form in again (no password).
  remembered: () => getLocal<Remembered>("remembered"),
  setRemembered: (value: Remembered) => chrome.storage.local.set({ remembered: value }),

  settings: async (): Promise<Settings> => ({ autoImport: false, ...(await getLocal<Settings>("settings")) }),
  setSettings: (value: Settings) => chrome.storage.local.set({ settings: value }),

  choice: () => getLocal<Choice>("animateChoice"),
  setChoice: (value: Choice) => chrome.storage.local.set({ animateChoice: value }),

  tracked: async (): Promise<number[]> => (await getLocal<number[]>("trackedJobs")) ?? [],
  setTracked: (ids: number[]) => chrome.storage.local.set({ trackedJobs: ids }),

  bearer: (providerId: string) => getSession<string>(`bearer:${providerId}`),
  setBearer: (providerId: string, token: string) => chrome.storage.session.set({ [`bearer:${providerId}`]: token }),

  dialog: (tabId: number) => getSession<DialogTarget>(`dialog:${tabId}`),
  setDialog: (value: DialogTarget) => chrome.storage.session.set({ [`dialog:${value.tabId}`]: value }),
  clearDialog: (tabId: number) => chrome.storage.session.remove(`dialog:${tabId}`),
};
