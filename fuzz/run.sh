#!/usr/bin/env bash
# Fuzzes each reader for SECONDS (default 60): `fuzz/run.sh [SECONDS] [TARGET...]`.
# Builds the targets with the pinned cargo-fuzz (stable Rust: no sanitizer, libFuzzer's
# coverage only, debug assertions and overflow checks on), seeds each from the real payloads
# read in place (examples/ and ../shared/data, copied into target/fuzz/seeds, never into the
# repository), keeps what it learns in target/fuzz/corpus, and fails on the first crash, with
# the input under target/fuzz/artifacts. Each run's executions are appended to target/fuzz/runs.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(csv prometheus timeline corpus)
shared=../shared/data
out=target/fuzz
bash fuzz/install.sh
# All targets in one build (cargo-fuzz builds one or all).
target/tools/bin/cargo-fuzz build --fuzz-dir fuzz --sanitizer none --debug-assertions \
  --target-dir "$out/build" 2>&1 | { grep -v '^ *Compiling' || true; } >&2
bin="$out/build/x86_64-unknown-linux-gnu/release"

# seed NAME FILE...: each file (or, for JSON lines, each of its first lines) as one seed.
seed() {
  local dir="$out/seeds/$1" f
  shift
  for f in "$@"; do
    [ -f "$f" ] || continue
    case "$f" in
      *.jsonl) head -n 40 "$f" | split -l 1 - "$dir/$(basename "$f" .jsonl)-" ;;
      *.csv) head -n 80 "$f" >"$dir/$(basename "$(dirname "$f")")-$(basename "$f")" ;;
      *) cp "$f" "$dir/" ;;
    esac
  done
}

for t in "${targets[@]}"; do
  rm -rf "$out/seeds/$t"
  mkdir -p "$out/seeds/$t" "$out/corpus/$t" "$out/artifacts/$t"
  case "$t" in
    csv) seed csv examples/incidents/*.csv $(find "$shared/metrics/series" -name '*.csv' 2>/dev/null | sort) ;;
    prometheus) seed prometheus "$shared"/external/prometheus/*.json ;;
    timeline) seed timeline examples/incidents/*.json "$shared"/timelines/*.json ;;
    corpus) seed corpus "$shared"/postmortems/corpus.jsonl "$shared"/external/postmortems/*.jsonl ;;
    *) echo "unknown fuzz target $t" >&2; exit 2 ;;
  esac
  [ -n "$(ls -A "$out/seeds/$t")" ] || echo "warning: no seeds for $t ($shared missing?)" >&2
  log="$out/artifacts/$t/last.log"
  # Inputs take milliseconds; a 60 s timeout still catches a hang without taking a busy
  # 2-core machine's stall for one (a 10 s timeout once did, not reproducible alone).
  rc=0
  "$bin/$t" "$out/corpus/$t" "$out/seeds/$t" -max_total_time="$seconds" -max_len=16384 \
    -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$t/" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$seconds" "${execs:-0}" "$rc" >>"$out/runs.tsv"
  echo "fuzz $t: ${seconds}s, ${execs:-0} executions, corpus $(ls "$out/corpus/$t" | wc -l) inputs" >&2
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "fuzz $t failed (exit $rc); the input is in $out/artifacts/$t/" >&2
    exit 1
  fi
done
