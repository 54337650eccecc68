#!/usr/bin/env bash
# Headless Chromium for the review page's end-to-end tests, driven through chromedriver.
#
#   tests/scripts/chromium.sh [start]   installs Debian's chromium and chromium-driver when
#                                       /usr/bin/chromium or /usr/bin/chromedriver is missing,
#                                       starts chromedriver on a free port of 127.0.0.1 (or
#                                       finds the running one) and prints its WebDriver URL
#   tests/scripts/chromium.sh stop      stops it and deletes its files
#
# Use: export RHYME_TEST_WEBDRIVER_URL="$(tests/scripts/chromium.sh)"
# Everything but the URL goes to stderr. The tests start each browser themselves (headless,
# with a fresh profile); chromedriver's state lives in $RHYME_CHROMIUM_STATE (default
# ${TMPDIR:-/tmp}/rhyme-chromium).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

STATE="${RHYME_CHROMIUM_STATE:-${TMPDIR:-/tmp}/rhyme-chromium}"
CHROMIUM=/usr/bin/chromium
DRIVER=/usr/bin/chromedriver

install_chromium() {
    if [ -x "$CHROMIUM" ] && [ -x "$DRIVER" ]; then return; fi
    say "installing Debian's chromium and chromium-driver"
    apt_install chromium chromium-driver
    [ -x "$CHROMIUM" ] && [ -x "$DRIVER" ] || { say "installed, but $CHROMIUM or $DRIVER is still missing"; exit 1; }
}

running() {
    [ -f "$STATE/url" ] && pid_alive "$STATE/pid"
}

start() {
    install_chromium
    if running; then cat "$STATE/url"; return; fi
    rm -rf "$STATE"
    mkdir -p "$STATE"
    local port url
    port="$(free_port 9515 9715)"
    url="http://127.0.0.1:$port"
    # setsid: chromedriver outlives this script (make runs it in a subshell) until `stop`.
    setsid "$DRIVER" --port="$port" --allowed-ips=127.0.0.1 --log-path="$STATE/chromedriver.log" \
        </dev/null >/dev/null 2>&1 &
    echo $! > "$STATE/pid"
    for _ in $(seq 1 100); do
        if ! port_is_free "$port"; then
            printf '%s\n' "$url" > "$STATE/url"
            say "$("$DRIVER" --version | awk '{print $1, $2}') is up on 127.0.0.1:$port, driving $("$CHROMIUM" --version 2>/dev/null | awk '{print $1, $2}')"
            echo "$url"
            return
        fi
        sleep 0.1
    done
    say "chromedriver did not listen on port $port within 10 s; its log:"
    cat "$STATE/chromedriver.log" >&2 || true
    exit 1
}

stop() {
    if [ -f "$STATE/pid" ]; then
        kill "$(cat "$STATE/pid")" 2>/dev/null || true
    fi
    rm -rf "$STATE"
    say "stopped"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    *) say "usage: $0 [start|stop]"; exit 2 ;;
esac
