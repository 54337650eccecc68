#!/usr/bin/env bash
# Makes models/.venv with sentence-transformers from PyPI, the reference `rhyme bench
# seen-before` compares rhyme-embed's throughput with. Opt-in (`make bench-reference`):
# it pulls torch, several GB, which `make test` and `make bench` do not need.
#
# Idempotent: an existing venv that imports sentence_transformers is kept.
# Usage: models/st-venv.sh   (prints the interpreter's path last)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"

if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c "import sentence_transformers" 2>/dev/null; then
    echo "st-venv.sh: sentence-transformers already in $venv"
else
    command -v python3 >/dev/null 2>&1 || { echo "st-venv.sh: need python3 (3.9 or later) to make $venv" >&2; exit 1; }
    echo "st-venv.sh: making $venv and installing sentence-transformers (pulls torch; several GB)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --disable-pip-version-check --quiet "sentence-transformers>=3,<7"
fi
echo "$venv/bin/python"
