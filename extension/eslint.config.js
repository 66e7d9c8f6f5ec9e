import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules"] },
  {
    files: ["**/*.{ts,mjs,js}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      globals: { ...globals.browser, ...globals.serviceworker, ...globals.node, chrome: "readonly" },
    },
    rules: {
      // Nothing secret in logs: the extension logs through no console at all.
      "no-console": "error",
    },
  },
);
