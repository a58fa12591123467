#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh Debian machine: installs what is missing,
# builds, lints, checks the generated docs, starts the real services (PostgreSQL, Prometheus,
# Alertmanager, Docker Engine) and runs every package's tests against them.
# Ends with one line totalled over every suite: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$*" "$(($(date +%s) - started))" >&2; }

step "npm ci"
npm ci --no-audit --no-fund --loglevel=error

step "build, typecheck, publint"
npx turbo run build typecheck publint --output-logs=errors-only

step "lint"
npx biome check .

step "generated docs are current"
node scripts/generate-docs.mjs --check

rm -f packages/*/test-results*.json tests/*/test-results*.json
status=0
step "tests against real services (Node $(node --version))"
# One package at a time (they share the services), each on every CPU: vitest's default leaves one
# CPU to itself, which on a two-CPU machine is one test file at a time.
bash scripts/with-services.sh npx turbo run test --concurrency=1 --continue --output-logs=full \
  -- --maxWorkers=100% || status=1

step "the README's Quickstart in a fresh clone (no dist/, no node_modules/)"
npx vitest run --root tests/fresh-clone || status=1

step "the test summary and the services rule"
npx vitest run --root tests/summary || status=1

step "packed tarballs install and work"
npx vitest run --root tests/smoke || status=1

step "documentation snippets compile"
npx vitest run --root tests/docs || status=1

step "changeset version gives coherent versions and changelogs"
npx vitest run --root tests/release || status=1

step "unit tests on Node 24"
bash scripts/test-node24.sh || status=1

step "summary"
node scripts/test-summary.mjs --node24 || status=1
exit "$status"
