// Builds the extension into dist/: the popup and the service worker as ES modules, and the
// on-page dialog as one classic script (chrome.scripting injects files as classic scripts,
// so it may import nothing at run time).
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = `${root}dist`;
const alias = { src: `${root}src` };

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);
cpSync(`${root}public`, dist, { recursive: true });

await build({
  root: `${root}src`,
  configFile: false,
  logLevel: "warn",
  resolve: { alias },
  build: {
    outDir: dist,
    emptyOutDir: false,
    target: "chrome120",
    minify: false,
    modulePreload: false,
    rollupOptions: {
      input: { popup: `${root}src/popup/popup.html`, background: `${root}src/background/index.ts` },
      output: { entryFileNames: "[name].js", chunkFileNames: "chunks/[name].js", assetFileNames: "assets/[name][extname]" },
    },
  },
});

await build({
  configFile: false,
  logLevel: "warn",
  resolve: { alias },
  build: {
    outDir: dist,
    emptyOutDir: false,
    target: "chrome120",
    minify: false,
    lib: { entry: `${root}src/dialog/dialog.ts`, formats: ["iife"], name: "pixsim7Dialog", fileName: () => "dialog.js" },
  },
});
