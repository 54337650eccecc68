#!/usr/bin/env bash
# `make demo`: the example incident, as each person sees it. Run after `make build`.
# Usage: examples/demo.sh [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-data}
rhyme() { target/release/rhyme --data "$data" "$@"; }
section() { if [ -t 1 ]; then printf '\n\033[1m━━ %s\033[0m\n' "$1"; else printf '\n━━ %s\n' "$1"; fi; }
mkdir -p "$data/demo"

section "Installed plugins (the operator's view)"
rhyme plugin list

section "Responder: what shape are the metrics? (graph-signature)"
rhyme signature examples/incidents/checkout-rps.csv --plot "$data/demo/checkout-rps.svg"
echo
rhyme signature examples/incidents/db-pool-in-use.csv --plot "$data/demo/db-pool-in-use.svg"

section "Incident commander: the incident replayed, nudges as they fire (anti-patterns)"
rhyme replay examples/incidents/checkout-outage.json --speed "${RHYME_DEMO_SPEED:-1200}" --show-events

section "Responder: seen this before? (seen-before)"
rhyme corpus import examples/postmortems
if [ -f ../shared/data/postmortems/corpus.jsonl ]; then
    rhyme corpus import ../shared/data/postmortems/corpus.jsonl
fi
rhyme ask "checkout requests dropped right after the cart-service deploy; db connection pool pinned at max but the database is idle" -k 3

section "Done"
echo "Plots: $data/demo/*.svg. Try: rhyme ask \"what you see\", rhyme signature FILE.csv, rhyme replay TIMELINE.json, rhyme plugin --help"
