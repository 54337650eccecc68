#!/usr/bin/env bash
# Schemathesis against a running `rhyme serve`, once per role: the OpenAPI document the server
# serves (`/v1/openapi.json`) must describe every answer it gives. Every check schemathesis has
# runs (`--checks all`: no 5xx, every status, content type, header and body as documented,
# valid data accepted, invalid data refused, authentication not ignored, undocumented methods
# refused), in positive and negative mode; the exceptions, each narrow and with its reason, are
# in tests/scripts/schemathesis.toml. Exits non-zero on any failed check.
#
#   tests/scripts/schemathesis.sh install   makes target/schemathesis/venv with the versions
#                                           pinned in schemathesis-requirements.txt (once)
#   tests/scripts/schemathesis.sh [run]     installs when missing, then starts target/release/rhyme
#                                           serve on a temporary data folder with a token of each
#                                           role and runs schemathesis with each token
#
# Environment: RHYME (the binary, default target/release/rhyme), RHYME_SCHEMATHESIS_EXAMPLES
# (test cases per operation and phase, default 20), RHYME_SCHEMATHESIS_SEED (to replay a run;
# each run prints its seed), RHYME_SCHEMATHESIS_ROLES (default "responder ic reviewer admin"),
# PYTHON (the interpreter for the venv, default python3). Each role's run is kept in
# target/schemathesis/<role>.log (what schemathesis printed) and <role>.ndjson (every request,
# response and check); the server's log in target/schemathesis/serve.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
state="$repo/target/schemathesis"
venv="$state/venv"
requirements="$here/schemathesis-requirements.txt"
rhyme="${RHYME:-$repo/target/release/rhyme}"
examples="${RHYME_SCHEMATHESIS_EXAMPLES:-20}"
roles="${RHYME_SCHEMATHESIS_ROLES:-responder ic reviewer admin}"

install() {
    local interpreter stamp
    interpreter="${PYTHON:-python3}"
    stamp="$(cat "$requirements"; "$interpreter" --version 2>&1)"
    if [[ -x "$venv/bin/schemathesis" && -f "$venv/stamp" && "$(cat "$venv/stamp")" == "$stamp" ]]; then
        return
    fi
    say "installing schemathesis into $venv with $interpreter"
    rm -rf "$venv"
    mkdir -p "$state"
    if ! "$interpreter" -m venv "$venv"; then
        say "could not make a virtual environment with $interpreter (on Debian or Ubuntu: apt-get install python3-venv)"
        exit 1
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$requirements" >&2
    echo "$stamp" > "$venv/stamp"
}

data=""
server=""
cleanup() {
    if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    if [[ -n "$data" ]]; then rm -rf "$data"; fi
}

run() {
    install
    [[ -x "$rhyme" ]] || { say "no $rhyme: build it first (cargo build --release -p rhyme)"; exit 1; }
    data="$(mktemp -d "${TMPDIR:-/tmp}/rhyme-schemathesis.XXXXXX")"
    trap cleanup EXIT
    local -A token
    for role in $roles; do
        token[$role]="$(RHYME_DATABASE_URL= "$rhyme" --data "$data" token create --role "$role" --name "schemathesis-$role")"
    done
    # With a Slack signing secret (for /v1/ingest/slack, /v1/slack/interactions and
    # /v1/slack/commands) and the webhooks' secrets (GitHub's and Jira's signatures, Argo CD's
    # shared secret), so that each signed route checks them (401) rather than
    # answering 404 for a route that is off.
    RHYME_DATABASE_URL= RHYME_SLACK_SIGNING_SECRET=schemathesis-slack-secret \
        RHYME_GITHUB_WEBHOOK_SECRET=schemathesis-github-secret \
        RHYME_ARGOCD_WEBHOOK_SECRET=schemathesis-argocd-secret \
        RHYME_JIRA_WEBHOOK_SECRET=schemathesis-jira-secret \
        "$rhyme" --data "$data" serve --listen 127.0.0.1:0 >"$data/serve.out" 2>"$state/serve.log" &
    server=$!
    local addr=""
    for _ in $(seq 1 300); do
        addr="$(sed -n 's|^listening on http://||p' "$data/serve.out" | head -n1)"
        [[ -n "$addr" ]] && break
        kill -0 "$server" 2>/dev/null || { say "rhyme serve stopped; see $state/serve.log"; exit 1; }
        sleep 0.1
    done
    [[ -n "$addr" ]] || { say "rhyme serve did not say where it listens"; exit 1; }
    say "rhyme serve on $addr (data $data), $examples examples per operation"

    local failed=0 started=$SECONDS
    for role in $roles; do
        local log="$state/$role.log" seed=()
        [[ -n "${RHYME_SCHEMATHESIS_SEED:-}" ]] && seed=(--seed "$RHYME_SCHEMATHESIS_SEED")
        say "role $role"
        local began=$SECONDS
        # --config-file: the narrow exceptions. No `--exclude-checks`: every check runs.
        # --workers 1: Hypothesis describes its strategies with `ast.parse`, which before
        # CPython 3.13 keeps its recursion count in module-wide state; two workers parsing at
        # once fail with `SystemError: AST constructor recursion depth mismatch`
        # (python/cpython#106905). Generation holds the GIL anyway.
        if (cd "$state" && "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run \
                "http://$addr/v1/openapi.json" \
                --header "Authorization: Bearer ${token[$role]}" \
                --checks all --max-examples "$examples" "${seed[@]}" \
                --report ndjson --report-ndjson-path "$state/$role.ndjson" \
                --workers 1 --request-timeout 10 --no-color >"$log" 2>&1); then
            say "role $role: no failed check: $(summary "$log"), $((SECONDS - began)) s"
        else
            failed=1
            say "role $role: FAILED: $(summary "$log"), $((SECONDS - began)) s; the failures follow, the whole run is in $log"
            sed -n '/FAILURES/,$p' "$log" >&2
        fi
    done
    say "done in $((SECONDS - started)) s"
    return "$failed"
}

# The run's figures, from its event log (target/schemathesis/<role>.ndjson): requests sent,
# checks run and failed (by check), and the seed that replays it.
summary() {
    "$venv/bin/python" - "$state/$role.ndjson" "$1" <<'PY' || true
import collections, json, re, sys
requests = checks = 0
failed = collections.Counter()
for line in open(sys.argv[1]):
    event = json.loads(line)
    recorder = event.get("ScenarioFinished", {}).get("recorder", {})
    requests += len(recorder.get("interactions", {}))
    for results in recorder.get("checks", {}).values():
        for check in results:
            checks += 1
            if check["status"] == "failure":
                failed[check["name"]] += 1
seed = re.search(r"^Seed: (\d+)", open(sys.argv[2]).read(), re.M)
print(f"{requests} requests, {checks} checks, {sum(failed.values())} failed"
      + "".join(f", {name}: {n}" for name, n in failed.items())
      + (f"; seed {seed.group(1)}" if seed else ""))
PY
}

case "${1:-run}" in
    install) install ;;
    run) run ;;
    *) say "usage: $0 [install|run]"; exit 2 ;;
esac
