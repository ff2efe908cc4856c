#!/usr/bin/env bash
# `make budget-check`: the budget's counting against pabutools (end2end/budget-check.py).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/pabutools
VERSION=$(sed -n 's/^pabutools==//p' end2end/requirements-budget.txt)
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('pabutools') != '$VERSION')" 2>/dev/null; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r end2end/requirements-budget.txt
fi
"$VENV/bin/python" end2end/budget-check.py target/release/mitreden
