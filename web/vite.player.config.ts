/**
 * The standalone scene player for exported scenes (web/dist-player): index.html, player.js
 * (one classic script: pages opened from file:// load no modules) and player.css, with
 * relative paths. The server's export copies this folder into the zip beside scene.js and
 * the media (src/pixsim7/scenes/export.py).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const page: Plugin = {
  name: "pixsim7-player-page",
  generateBundle() {
    const source = readFileSync(new URL("./player/index.html", import.meta.url), "utf8");
    this.emitFile({ type: "asset", fileName: "index.html", source });
  },
};

export default defineConfig({
  plugins: [react(), page],
  resolve: { alias: { src: fileURLToPath(new URL("./src", import.meta.url)) } },
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  publicDir: false,
  build: {
    target: "es2022",
    outDir: "dist-player",
    emptyOutDir: true,
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL("./src/player/standalone.tsx", import.meta.url)),
      formats: ["iife"],
      name: "PixSim7Player",
      fileName: () => "player.js",
      cssFileName: "player",
    },
  },
});
