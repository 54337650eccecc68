# Shared by the service scripts beside it (postgres.sh, prometheus.sh, chromium.sh), which
# source it with `. "$(dirname "$0")/lib.sh"`. Messages go to stderr, prefixed with the
# sourcing script's name; stdout is left to the script (it prints only the service's URL).

SCRIPT_NAME="$(basename "$0")"

say() { echo "$SCRIPT_NAME: $*" >&2; }

# apt_install PKG...: installs Debian packages, through sudo when not root. Exits the script
# when that is impossible or `apt-get update` fails; returns apt-get install's status.
apt_install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { say "$1 is missing and I am not root (no sudo)"; exit 1; }
        sudo="sudo"
    fi
    $sudo apt-get update -qq >&2 || exit
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port LO HI: prints the first free port of 127.0.0.1 in LO..HI, or exits.
free_port() {
    local port
    for port in $(seq "$1" "$2"); do
        if port_is_free "$port"; then echo "$port"; return; fi
    done
    say "no free port in $1..$2"; exit 1
}

# pid_alive FILE: whether FILE exists and names a live process.
pid_alive() {
    [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}
