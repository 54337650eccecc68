#!/usr/bin/env bash
# Writes verbs.txt: the one-word verbs of WordNet 3.0 (Princeton University; the notice is in
# LICENSE beside this script), lower case, sorted, one per line. The action-item lint reads it to
# tell an unlisted verb opening an item ("Redact card numbers ...") from a noun.
#
# WordNet comes from Debian's `wordnet-base` package, unpacked in a temporary folder (nothing is
# installed). Run from anywhere: bash plugins/review-lint/wordnet/verbs.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download wordnet-base >/dev/null)
dpkg-deb -x "$work"/wordnet-base_*.deb "$work/root"
index="$work/root/usr/share/wordnet/index.verb"
# Index lines start with the lemma; licence lines start with a space. Multi-word verbs
# ("look_into") are left out: the lint reads one word at a time.
grep -v '^ ' "$index" | cut -d' ' -f1 | grep -E '^[a-z][a-z-]*$' | LC_ALL=C sort -u >"$here/verbs.txt"
echo "wrote $(wc -l <"$here/verbs.txt") verbs to $here/verbs.txt"
