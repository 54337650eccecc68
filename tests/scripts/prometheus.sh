#!/usr/bin/env bash
# A throwaway Prometheus for the tests, on a free port of 127.0.0.1, scraping every second the
# targets that tests list in its file_sd folder (a test writes `<folder>/<name>.json` with the
# address of the `rhyme serve` it started).
#
#   tests/scripts/prometheus.sh [start]   installs Debian's prometheus if missing, starts it (or
#                                         finds the running one) and prints its URL
#   tests/scripts/prometheus.sh targets   prints the folder tests write their targets into
#   tests/scripts/prometheus.sh stop      stops it and deletes its files
#
# Use: export RHYME_TEST_PROMETHEUS_URL="$(tests/scripts/prometheus.sh)"
#      export RHYME_TEST_PROMETHEUS_TARGETS="$(tests/scripts/prometheus.sh targets)"
# Everything but the URL goes to stderr. Its files live in $RHYME_PROM_STATE (default
# ${TMPDIR:-/tmp}/rhyme-prometheus). The package's own service is not used (it needs systemd).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

STATE="${RHYME_PROM_STATE:-${TMPDIR:-/tmp}/rhyme-prometheus}"
BIN=/usr/bin/prometheus

install_prometheus() {
    if [ -x "$BIN" ]; then return; fi
    say "installing Debian's prometheus"
    # The package's post-install tries to start its service; without systemd that step fails
    # harmlessly, and we run the binary ourselves below.
    apt_install prometheus || true
    [ -x "$BIN" ] || { say "installing prometheus failed: no $BIN"; exit 1; }
}

running() {
    [ -f "$STATE/url" ] && pid_alive "$STATE/pid"
}

write_config() {
    cat > "$STATE/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: rhyme
    metrics_path: /metrics
    file_sd_configs:
      - files: ["$STATE/targets/*.json"]
        refresh_interval: 1s
YAML
}

# Ready when it answers /-/ready (checked with curl when there is one), else when it listens.
ready() {
    port_is_free "$2" && return 1
    if command -v curl >/dev/null; then curl -fsS "$1/-/ready" >/dev/null 2>&1; fi
}

start() {
    install_prometheus
    if running; then cat "$STATE/url"; return; fi
    rm -rf "$STATE"
    mkdir -p "$STATE/targets" "$STATE/tsdb"
    write_config
    local port; port="$(free_port 19090 19290)"
    nohup "$BIN" --config.file="$STATE/prometheus.yml" --storage.tsdb.path="$STATE/tsdb" \
        --web.listen-address="127.0.0.1:$port" --log.level=warn >"$STATE/prometheus.log" 2>&1 &
    echo $! > "$STATE/pid"
    local url="http://127.0.0.1:$port"
    for _ in $(seq 1 120); do
        if ready "$url" "$port"; then
            printf '%s\n' "$url" > "$STATE/url"
            say "Prometheus $("$BIN" --version 2>&1 | awk 'NR==1{print $3}') is up on 127.0.0.1:$port (files in $STATE)"
            echo "$url"
            return
        fi
        pid_alive "$STATE/pid" || break
        sleep 0.5
    done
    say "Prometheus did not become ready; its log:"; cat "$STATE/prometheus.log" >&2; exit 1
}

stop() {
    if [ -f "$STATE/pid" ]; then
        local pid; pid="$(cat "$STATE/pid")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    fi
    rm -rf "$STATE"
    say "stopped"
}

case "${1:-start}" in
    start) start ;;
    targets) echo "$STATE/targets" ;;
    stop) stop ;;
    *) say "usage: $0 [start|targets|stop]"; exit 2 ;;
esac
