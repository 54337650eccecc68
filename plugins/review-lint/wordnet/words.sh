#!/usr/bin/env bash
# Writes the word lists the lint reads, from WordNet 3.0 (Princeton University; the notice is in
# LICENSE beside this script), lower case, sorted, one per line:
# - verbs.txt: the one-word verbs. The action-item lint reads it to tell an unlisted verb opening
#   an item ("Redact card numbers ...") from a noun.
# - person-nouns.txt: the one-word nouns whose commonest sense names a person ("producer",
#   "hire", "dispatcher"), none of whose senses is an artefact or a piece of writing or
#   software (so "server", "host", "editor" and "driver" stay out), and that is no adjective. The blame lint reads it to
#   know a role it has no word for as a person.
#
# WordNet comes from Debian's `wordnet-base` package, unpacked in a temporary folder (nothing is
# installed). Run from anywhere: bash plugins/review-lint/wordnet/words.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download wordnet-base >/dev/null)
dpkg-deb -x "$work"/wordnet-base_*.deb "$work/root"
dict="$work/root/usr/share/wordnet"
# Index lines start with the lemma; licence lines start with a space. Multi-word entries
# ("look_into") are left out: the lint reads one word at a time.
grep -v '^ ' "$dict/index.verb" | cut -d' ' -f1 | grep -E '^[a-z][a-z-]*$' | LC_ALL=C sort -u >"$here/verbs.txt"
# data.noun: "offset lexfile ... pointers"; index.noun: "lemma pos senses pointers [pointer...]
# senses tagged offset...", offsets in order of frequency. Lexicographer files: 06 noun.artifact,
# 10 noun.communication, 18 noun.person. A word that is an adjective too ("regular", "senior")
# is left out: in a sentence it mostly describes. So is a synset with an instance pointer
# ("@i"): it is one named person ("Edgar"), not a role.
awk 'FILENAME ~ /index.adj$/ { if ($0 !~ /^ /) adjective[$1] = 1; next }
     FILENAME ~ /data.noun$/ { if ($0 !~ /^ /) { file[$1] = $2; named[$1] = / @i / }; next }
     /^ / || $1 !~ /^[a-z][a-z-]*$/ || ($1 in adjective) { next }
     {
       first = 0; other = 0
       for (k = 4 + $4 + 3; k <= NF; k++) {
         f = file[$k]
         if (k == 4 + $4 + 3) first = named[$k] ? "" : f
         if (f == "06" || f == "10") other = 1
       }
       if (first == "18" && !other) print $1
     }' "$dict/index.adj" "$dict/data.noun" "$dict/index.noun" | LC_ALL=C sort -u >"$here/person-nouns.txt"
echo "wrote $(wc -l <"$here/verbs.txt") verbs and $(wc -l <"$here/person-nouns.txt") person nouns to $here"
