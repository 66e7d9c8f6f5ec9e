#!/usr/bin/env bash
# Install the web app's locked npm packages and build it, and the standalone scene player
# that exported scenes carry (web/dist-player), each only when its sources changed.
set -euo pipefail
cd "$(dirname "$0")/../web"
stamp=node_modules/.pixsim7-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
if [ ! -f dist/index.html ] || [ -n "$(find src index.html vite.config.ts package.json -newer dist/index.html 2>/dev/null | head -1)" ]; then
  npm run --silent build
fi
if [ ! -f dist-player/index.html ] || [ -n "$(find src player vite.player.config.ts package.json -newer dist-player/index.html 2>/dev/null | head -1)" ]; then
  npm run --silent build:player
fi
