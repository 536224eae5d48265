#!/usr/bin/env bash
# Runs the Electron suite with a display: the desktop's own, or a virtual one (xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISPLAY:-}" ] && [ "$(uname -s)" = Linux ] && command -v xvfb-run >/dev/null; then
  exec scripts/with-keyring.sh xvfb-run -a npx vitest run --config vitest.electron.config.ts
fi
exec scripts/with-keyring.sh npx vitest run --config vitest.electron.config.ts
