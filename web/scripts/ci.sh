#!/bin/sh
# The web app's whole check, as CI runs it (from the repository root: sh web/scripts/ci.sh).
# Needs the repository's .venv (make install) for the end-to-end tests' server.
set -eu
cd "$(dirname "$0")/.."
sh scripts/ensure-chromium.sh
npm ci --no-audit --no-fund
npm run codegen
git diff --exit-code -- src/gql || { echo "src/gql is stale: run 'npm run codegen' and commit it" >&2; exit 1; }
npm run build
npm test
npm run e2e
