import type { Provider } from "src/api/providers";

/** The providers the user can run now, then the others (each in the API's order). */
export function readyFirst(providers: Provider[]): { ready: Provider[]; notReady: Provider[] } {
  return {
    ready: providers.filter((p) => p.ready !== false),
    notReady: providers.filter((p) => p.ready === false),
  };
}

/** A provider as the Provider list names it; one not ready says what is missing. */
export function providerLabel(p: Provider): string {
  if (p.ready === false && p.missing) return `${p.name} (${p.missing})`;
  return p.is_local ? `${p.name} (this machine)` : p.name;
}
