#!/usr/bin/env bash
# Installs the pinned cargo-fuzz into target/tools (once), for `make fuzz` and `make test`.
# Pinned so that every machine fuzzes with the same driver; stable Rust, no nightly.
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.13.2
root=target/tools
if "$root/bin/cargo-fuzz" --version 2>/dev/null | grep -qx "cargo-fuzz $version"; then
  exit 0
fi
echo "installing cargo-fuzz $version into $root" >&2
cargo install cargo-fuzz --locked --version "$version" --root "$root" --target-dir target/tools/build
