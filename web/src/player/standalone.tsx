/**
 * The exported scene's page: the same player as /play, its plays kept in localStorage and
 * its media read from the files beside the page. Built apart (vite.player.config.ts) as one
 * classic script, since a page opened from disk may load neither modules nor fetch() files:
 * the bundle comes from scene.js (`window.PIXSIM7_SCENE = {...}`), or from scene.json when
 * the folder is served over HTTP.
 */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { load, start } from "src/features/scenes/engine/engine";
import type { Bundle } from "src/features/scenes/engine/types";
import { LocalPlayStore } from "src/features/scenes/player/localStore";
import { Player } from "src/features/scenes/player/Player";
import "src/styles.css";

declare global {
  interface Window {
    PIXSIM7_SCENE?: Bundle;
  }
}

async function readBundle(): Promise<Bundle> {
  if (window.PIXSIM7_SCENE) return window.PIXSIM7_SCENE;
  const response = await fetch("scene.json");
  if (!response.ok) throw new Error(`scene.json: ${response.status}`);
  return (await response.json()) as Bundle;
}

// Paths in an exported bundle are relative to this page (media/301.mp4).
const besideThePage = (path: string) => path;

const root = createRoot(document.getElementById("root")!);
readBundle().then(
  (bundle) => {
    const title = bundle.scenes.find((s) => s.id === bundle.root)?.title ?? "Scene";
    document.title = title;
    const store = new LocalPlayStore(bundle, (b, seed) => start(load(b), seed));
    root.render(
      <StrictMode>
        <main className="content">
          <Player title={title} store={store} mediaUrl={besideThePage} />
        </main>
      </StrictMode>,
    );
  },
  (error: unknown) => {
    root.render(
      <p className="error" role="alert">
        This page could not read its scene (scene.js beside index.html): {String(error)}
      </p>,
    );
  },
);
