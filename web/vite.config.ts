/// <reference types="vitest/config" />
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const api = process.env.PIXSIM7_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { src: fileURLToPath(new URL("./src", import.meta.url)) } },
  // `npm run dev` talks to a running `pixsim7 serve`.
  server: { proxy: { "/api": { target: api, changeOrigin: false } } },
  build: { target: "es2022", sourcemap: false },
  test: {
    environment: "jsdom",
    setupFiles: ["src/test/setup.ts"],
    css: false,
    restoreMocks: true,
    unstubGlobals: true,
    globals: true,
    // Form tests type key by key: on a loaded 2-core machine one took over the default 5 s.
    testTimeout: 20_000,
  },
});
