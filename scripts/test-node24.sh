#!/usr/bin/env bash
# Runs every package's unit tests (not the integration tests) on Node 24 from the npm registry's
# `node` package, beside the machine's Node 20. Reports land in packages/*/test-results.node24.json.
set -uo pipefail
cd "$(dirname "$0")/.."
prefix="${IR_NODE24_PREFIX:-/tmp/ir-node24}"
node24="$prefix/node_modules/.bin/node"
if ! "$node24" --version 2>/dev/null | grep -q '^v24\.'; then
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error node@24 >&2 || exit 1
fi
echo "Node 24 unit run with $("$node24" --version)" >&2
status=0
for dir in packages/*/; do
  if ! ls "$dir"test/*.test.ts >/dev/null 2>&1; then continue; fi
  ( cd "$dir" && "$node24" ../../node_modules/vitest/vitest.mjs run \
      --exclude '**/*.integration.test.ts' --coverage.enabled=false --maxWorkers=100% \
      --reporter=dot --reporter=json --outputFile.json=test-results.node24.json ) || status=1
done
exit "$status"
