#!/usr/bin/env bash
# `make demo`: the example incident, as each person sees it. Run after `make build`.
# Usage: examples/demo.sh [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-data}
# The binary to run: `make demo` passes the one it built (target/demo/rhyme).
bin=${RHYME_BIN:-target/release/rhyme}
rhyme() { "$bin" --data "$data" "$@"; }
section() { if [ -t 1 ]; then printf '\n\033[1m━━ %s\033[0m\n' "$1"; else printf '\n━━ %s\n' "$1"; fi; }
mkdir -p "$data/demo"

# The operator's configuration for the example: approved suggested actions go to a JSON-lines
# file, approved drafts are published as Markdown files (the gate routes each draft kind to
# that sink). Written only where the data folder has no rhyme.toml of its own.
demo_config() {
    local file="$data/rhyme.toml" mark="# Written by examples/demo.sh"
    if [ -f "$file" ] && [ "$(head -c ${#mark} "$file")" != "$mark" ]; then
        echo "note: keeping your $file; the demo's sinks and routes may differ"
        return
    fi
    cat > "$file" <<EOF
$mark (delete this line to keep your edits).
[sinks]
default = "file:$data/demo/approved.jsonl"
published = "markdown:$data/demo/published"

[gate.routes]
draft-status-update = "published"
draft-postmortem = "published"

[audit]
key-file = "audit.key"
EOF
}
demo_config
# The key that seals the audit log (README, "The audit log"): made once, mode 0600, never
# printed; keygen refuses to replace an existing key, wherever rhyme.toml puts it. The server
# appends its seals to $data/audit-anchor.jsonl.
rhyme audit keygen >/dev/null 2>&1 || true

# The review page: `rhyme serve` (started here unless one already answers), the example
# incident sent through the API, a status update and a postmortem drafted and left pending.
# Interactive: the server stays up until Ctrl-C. Otherwise it is stopped at once.
review_page() {
    local data=$1 listen=${RHYME_DEMO_LISTEN:-127.0.0.1:7878} started=""
    local base="http://$listen"
    if ! curl -fsS "$base/healthz" >/dev/null 2>&1; then
        "$bin" --data "$data" serve --listen "$listen" >"$data/demo/serve.log" 2>&1 &
        started=$!
        for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
        curl -fsS "$base/healthz" >/dev/null || { echo "rhyme serve did not start; see $data/demo/serve.log"; return 1; }
    fi
    local suffix responder reviewer
    suffix=$(date +%s)
    responder=$(rhyme token create --role responder --name "demo-responder-$suffix" 2>/dev/null)
    reviewer=$(rhyme token create --role reviewer --name "demo-reviewer-$suffix" 2>/dev/null)
    python3 - "$base" "$responder" examples/incidents/checkout-outage.json <<'PY'
import json, sys, urllib.request
base, token, path = sys.argv[1:]
def call(method, route, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + route, data=data, method=method,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as answer:
        return json.load(answer)
timeline = json.load(open(path))
events = timeline["events"]
incident = timeline["id"]
call("POST", "/v1/incidents", {"id": incident, "title": timeline["title"], "severity": timeline["severity"], "started": events[0]["at"]})
# The same ids as the API section gave them: events already there are not stored twice.
keep = ("at", "actor", "role", "kind", "text")
batch = [dict({k: e[k] for k in keep if k in e}, id=f"ev-{i}") for i, e in enumerate(events)]
call("POST", f"/v1/incidents/{incident}/events", {"events": batch})
for name in ("checkout-rps", "db-pool-in-use"):  # the metrics graph-signature reads
    rows = [line.split(",") for line in open(f"examples/incidents/{name}.csv").read().split()[1:]]
    points = [{"at": int(t) * 1000, "value": float(v) if v else None} for t, v in rows]
    call("POST", f"/v1/incidents/{incident}/series", {"name": name, "points": points})
if not call("GET", f"/v1/proposals?state=pending&incident={incident}"):
    for kind in ("status-update", "postmortem"):
        call("POST", f"/v1/incidents/{incident}/drafts", {"kind": kind})
pending = call("GET", "/v1/proposals?state=pending")
print(f"{len(pending)} drafts wait for a reviewer:")
for p in pending:
    print(f"  - {p['title']}")
PY
    echo
    echo "Review page:    $base/review"
    echo "Reviewer token: $reviewer"
    echo "(paste the token into the page; a responder's token is refused when it tries to approve;"
    echo " an accepted draft is published as Markdown in $data/demo/published)"
    if [ -n "$started" ]; then
        if [ -t 0 ]; then
            echo "rhyme serve is running; press Ctrl-C to stop it."
            trap 'kill "$started" 2>/dev/null; wait "$started" 2>/dev/null; echo; echo "stopped rhyme serve"' INT
            wait "$started" || true
            trap - INT
        else
            kill "$started"; wait "$started" 2>/dev/null || true
            echo "(not a terminal, so rhyme serve was stopped; run it again with: $bin --data $data serve)"
        fi
    fi
}

section "Installed plugins (the operator's view)"
rhyme plugin list

section "Responder: what shape are the metrics? (graph-signature)"
rhyme signature examples/incidents/checkout-rps.csv --plot "$data/demo/checkout-rps.svg"
echo
rhyme signature examples/incidents/db-pool-in-use.csv --plot "$data/demo/db-pool-in-use.svg"

section "Responder: which metric moved first? (first-mover)"
rhyme movers examples/incidents/checkout-rps.csv examples/incidents/db-pool-in-use.csv --plot "$data/demo/movers.svg"
echo "(rhyme eval movers, 52 labelled server incidents, 5 folds held out: named metrics F1 0.63, median"
echo " onset error 1 min, 1.1 alarms per 24 h of quiet data; a plain z-score in the same run: 0.26, 14 min, 3.2)"

section "Incident commander: the incident replayed, nudges as they fire (anti-patterns)"
# --slack: each nudge also as the Slack app would send it to the IC (an ephemeral message in the
# incident's channel, with its buttons), rendered as text.
rhyme replay examples/incidents/checkout-outage.json --speed "${RHYME_DEMO_SPEED:-1200}" --show-events --slack C0DEMO

section "Responder: seen this before? (seen-before)"
rhyme corpus import examples/postmortems
if [ -f ../shared/data/postmortems/corpus.jsonl ]; then
    # Other companies' write-ups: their promises are not this team's to keep.
    rhyme corpus import ../shared/data/postmortems/corpus.jsonl --without-action-items
fi
rhyme ask "checkout requests dropped right after the cart-service deploy; db connection pool pinned at max but the database is idle" -k 3

section "After the incidents: mechanisms that recur (rhyme themes)"
# The example team's own postmortems only, in a data folder of their own (the public corpus
# imported above has dozens of groups of its own). The import keeps each write-up's action
# items in that folder's store; `rhyme themes` shows them under the group, with their status.
themes_data="$data/demo/themes"
"$bin" --data "$themes_data" corpus import examples/postmortems > /dev/null
"$bin" --data "$themes_data" corpus import examples/postmortems-earlier > /dev/null
"$bin" --data "$themes_data" themes
echo "(rhyme eval themes on the public corpus: same-mechanism pairs F1 0.54 held out against 0.29 for"
echo " TF-IDF k-means; ARI against the primary category 0.13 against 0.01, threshold tuned held out)"

section "The API: events in, findings out, a reviewer decides (rhyme serve)"
# Starts `rhyme serve` on a free loopback port in the background and sets $api to its URL;
# stopped when the script exits. Later sections reuse it.
api=""
start_server() {
    local log="$data/demo/serve.log"
    : > "$log"
    # Sinks and routes: $data/rhyme.toml (demo_config above).
    "$bin" --data "$data" serve --listen 127.0.0.1:0 --deliver-ms 200 \
        "$@" > "$data/demo/serve.out" 2> "$log" &
    server_pid=$!
    trap stop_server EXIT
    for _ in $(seq 1 100); do
        api=$(sed -n 's#^listening on ##p' "$data/demo/serve.out")
        [ -n "$api" ] && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "rhyme serve did not start; its log:"; cat "$log"; return 1
}
stop_server() { [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; server_pid=""; }
# call TOKEN METHOD PATH [JSON]: one API request, the answer's body on stdout.
call() { curl -sS -X "$2" -H "Authorization: Bearer $1" -H "Content-Type: application/json" ${4:+--data-binary "$4"} "$api$3"; }
# Prints a JSON answer through a short Python expression over `d`.
show() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

if ! command -v curl >/dev/null; then
    echo "(skipped: this part talks HTTP with curl, which is not installed; apt-get install curl)"
else
    start_server
    stamp=$(date +%s)
    responder=$(rhyme token create --role responder --name "demo-responder-$stamp" 2>/dev/null)
    reviewer=$(rhyme token create --role reviewer --name "demo-reviewer-$stamp" 2>/dev/null)
    admin=$(rhyme token create --role admin --name "demo-admin-$stamp" 2>/dev/null)
    echo "rhyme serve at $api; tokens made with: rhyme token create --role responder|reviewer|admin --name NAME"
    alert='{"version": "4", "groupKey": "{}:{alertname=\"CheckoutRpsDown\"}", "status": "firing",
      "commonLabels": {"alertname": "CheckoutRpsDown", "service": "checkout", "severity": "SEV1"},
      "commonAnnotations": {"summary": "checkout requests per second down 85% vs last week"},
      "alerts": [{"status": "firing", "labels": {"alertname": "CheckoutRpsDown", "service": "checkout"},
                  "annotations": {"summary": "checkout requests per second down 85% vs last week"},
                  "startsAt": "2026-03-09T10:15:00Z", "fingerprint": "5f1c0a"}]}'
    echo "POST /v1/ingest/alertmanager (Alertmanager's webhook):"
    call "$responder" POST /v1/ingest/alertmanager "$alert" \
        | show "print('  incident', d['incident'], 'opened' if d['opened'] else 'updated', '-', len(d['stored']), 'alert event(s) stored')"
    incident=$(python3 -c "import json; print(json.load(open('examples/incidents/checkout-outage.json'))['id'])")
    body=$(python3 - <<'PY'
import json
d = json.load(open("examples/incidents/checkout-outage.json"))
print(json.dumps({"id": d["id"], "title": d["title"], "severity": d["severity"], "started": d["events"][0]["at"]}))
PY
)
    call "$responder" POST /v1/incidents "$body" > /dev/null
    events=$(python3 - <<'PY'
import json
d = json.load(open("examples/incidents/checkout-outage.json"))
keep = ("at", "actor", "role", "kind", "text")
print(json.dumps({"events": [dict({k: e[k] for k in keep if k in e}, id=f"ev-{i}") for i, e in enumerate(d["events"])]}))
PY
)
    echo "POST /v1/incidents/$incident/events:"
    call "$responder" POST "/v1/incidents/$incident/events" "$events" \
        | show "s, dup = len(d['stored']), len(d['duplicates']); print(f'  {s} stored, {dup} already there')"
    sleep 2   # the plugins run off the request path
    echo "GET /v1/incidents/$incident/findings:"
    call "$responder" GET "/v1/incidents/$incident/findings" \
        | show "print('\\n'.join('  [%s] %s' % (f['plugin']['name'], f['title']) for f in d[:8]) or '  none')"
    echo "POST /v1/incidents/$incident/drafts (a status update, drafted by draft-summary):"
    call "$responder" POST "/v1/incidents/$incident/drafts" '{"kind": "status-update"}' \
        | show "print('\\n'.join('  queued for review: %s' % p['title'] for p in d) or '  nothing drafted')"
    echo "GET /v1/proposals?incident=$incident (pending, waiting for a reviewer):"
    pending=$(call "$reviewer" GET "/v1/proposals?incident=$incident")
    echo "$pending" | show "print('\\n'.join('  %s  %s: %s' % (p['id'], p['kind'], p['title']) for p in d) or '  none')"
    first=$(echo "$pending" | show 'print(d[0]["id"] if d else "")')
    if [ -n "$first" ]; then
        echo "POST /v1/proposals/$first/approve (as the reviewer):"
        call "$reviewer" POST "/v1/proposals/$first/approve" '{}' | show "print('  proposal is now', d['proposal']['state'])"
        published=""
        for _ in $(seq 1 50); do
            published=$(ls "$data"/demo/published/*.md 2>/dev/null | head -n 1) && [ -n "$published" ] && break
            sleep 0.1
        done
        if [ -n "$published" ]; then
            echo "Published once, through the outbox, to the Markdown sink: $published"
            sed -n '1,12p' "$published" | cut -c1-120 | sed 's/^/  | /'
        else
            echo "  (not delivered yet; the outbox retries)"
        fi
    else
        echo "  (no plugin proposed anything on these events, so there is nothing to approve)"
    fi
    echo "POST /v1/incidents/$incident/drafts (a postmortem); the reviewer writes in the team's action items and approves it as edited:"
    postmortem=$(call "$responder" POST "/v1/incidents/$incident/drafts" '{"kind": "postmortem"}' | show 'print(d[0]["id"] if d else "")')
    if [ -n "$postmortem" ]; then
        edited=$(call "$reviewer" GET "/v1/proposals/$postmortem" | python3 -c '
import json, sys
draft = json.load(sys.stdin)["proposal"]["body"]
head = draft.split("## Action items")[0].rstrip()
items = """## Action items
- Owner: Mei Tan. Alert when the cart-service connection pool stays above 80% for 5 minutes, checked by a load test (CART-212), due 2026-04-15
- Owner: Dario Costa. Set a 2 s timeout on the pricing client so cart-service frees its connections (CART-215), due 2027-06-30
- Canary cart-service deploys in one region for 10 minutes before the rest
"""
print(json.dumps({"body": head + "\n\n" + items}))')
        call "$reviewer" POST "/v1/proposals/$postmortem/edit" "$edited" | show "print('  postmortem', d['proposal']['state'], 'as edited by the reviewer')"
        echo "rhyme actions list (kept from the approved postmortem and the imported ones: owner, ticket, deadline; what an item lacks; overdue ones marked):"
        RHYME_TOKEN="$responder" rhyme actions list --server "$api" | sed 's/^/  /'
    fi
    echo "GET /v1/audit/verify (as an admin):"
    call "$admin" GET /v1/audit/verify | show 'print("  ", {k: v for k, v in d.items() if not isinstance(v, (list, dict))})'
    stop_server
    echo "rhyme audit verify (after the server's last seal):"
    rhyme audit verify | sed 's/^/  /'

    section "After the incidents: the numbers that matter (rhyme report)"
    # The example incident happened in March 2026, so the window is named rather than `--since 7d`.
    rhyme report --from 2026-03-01T00:00:00Z --to 2026-04-01T00:00:00Z | sed '/^How each is read/,$d'
fi

section "Reviewer: drafts waiting on the review page (rhyme serve, /review)"
echo "Plots: $data/demo/*.svg. Try: rhyme ask \"what you see\", rhyme signature FILE.csv, rhyme movers A.csv B.csv, rhyme replay TIMELINE.json, rhyme plugin --help"
review_page "$data"
