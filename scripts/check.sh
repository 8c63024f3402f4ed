#!/usr/bin/env bash
# The gate CI runs: ruff format check, ruff lint, mypy --strict, import-linter, pytest.
# Run it through ./dev test, which sets up the venv and a keychain session first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export QT_QPA_PLATFORM=offscreen
bin=.venv/bin
echo "== ruff format --check"; "$bin/ruff" format --check src tests bench
echo "== ruff check";          "$bin/ruff" check src tests bench
echo "== mypy --strict";       "$bin/mypy"
echo "== lint-imports";        "$bin/lint-imports"
echo "== pytest";              "$bin/pytest" "$@"
