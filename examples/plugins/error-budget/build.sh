#!/usr/bin/env bash
# Builds the error-budget plugin (Python) into build/error-budget.wasm with componentize-py.
#
# Idempotent: the virtual environment is made once (build/venv, componentize-py pinned by hash
# in requirements.txt), and the component is rebuilt only when a source, the WIT or the pin
# changed. Runs the native unit tests before building.
#
# Usage: examples/plugins/error-budget/build.sh   (PYTHON=python3.12 to pick the interpreter)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
build="$here/build"
venv="$build/venv"
out="$build/error-budget.wasm"
stamp="$build/inputs.sha256"
world="rhyme-examples:error-budget/error-budget@0.1.0"

inputs_digest() {
    (cd "$here" && cat build.sh requirements.txt src/*.py wit/*.wit "$repo"/wit/0.1.0/*.wit) | sha256sum | cut -d' ' -f1
}

digest="$(inputs_digest)"
if [[ -s "$out" && -f "$stamp" && "$(cat "$stamp")" == "$digest" ]]; then
    echo "error-budget: up to date ($out)"
    exit 0
fi

mkdir -p "$build"
if [[ ! -f "$venv/requirements.txt" ]] || ! cmp -s "$venv/requirements.txt" "$here/requirements.txt"; then
    echo "error-budget: installing componentize-py into $venv"
    rm -rf "$venv"
    if ! "${PYTHON:-python3}" -m venv "$venv"; then
        echo "error-budget: could not make a virtual environment with ${PYTHON:-python3} (on Debian or Ubuntu: apt-get install python3-venv)" >&2
        exit 1
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
        --require-hashes -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$venv/requirements.txt"
fi

"$venv/bin/python" -m unittest discover --quiet -s "$here/tests" -t "$here/tests"

# --stub-wasi: the component imports no WASI at all (Rhyme refuses the filesystem and sockets
# the interpreter would otherwise import); src/rhyme_guest.py keeps print, late imports and
# exceptions from reaching the stubs.
started=$SECONDS
"$venv/bin/componentize-py" --quiet -d "$repo/wit/0.1.0" -d "$here/wit" -w "$world" \
    componentize --stub-wasi -p "$here/src" app -o "$out.tmp"
mv "$out.tmp" "$out"
echo "$digest" > "$stamp"
echo "error-budget: built $out ($(( $(wc -c < "$out") / 1024 )) KiB in $(( SECONDS - started )) s)"
