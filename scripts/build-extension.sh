#!/usr/bin/env bash
# Install the extension's locked npm packages and build it into extension/dist and
# extension/pixsim7-extension.zip (served by the API), only when its sources changed.
set -euo pipefail
cd "$(dirname "$0")/../extension"
stamp=node_modules/.pixsim7-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
zip=pixsim7-extension.zip
if [ ! -f "$zip" ] || [ -n "$(find src public scripts package.json -newer "$zip" 2>/dev/null | head -1)" ]; then
  npm run --silent build
  rm -f "$zip.tmp"
  (cd dist && python3 -m zipfile -c "../$zip.tmp" ./*)
  mv "$zip.tmp" "$zip"
fi
