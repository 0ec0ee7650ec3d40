#!/usr/bin/env bash
# Installs everything Parlour needs to build and test, idempotently: a second run on a machine that
# already has the tools takes seconds. Only the package registries are used (see ../shared/TOOLCHAIN.md).
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# The widget's release build only (scripts/build-widget.sh): a pinned nightly that rebuilds the
# standard library for size with immediate-abort panics. Everything else builds on stable.
source scripts/widget-toolchain.env
# Must equal the wasm-bindgen version in Cargo.lock (pinned with `=` in Cargo.toml).
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')

log() { printf '[setup] %s\n' "$*"; }

# Root can install system packages; others get told what is missing.
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

apt_install chromium brotli postgresql

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! widget_toolchain_ready; then
  log "rustup toolchain install $WIDGET_TOOLCHAIN with rust-src (about a minute the first time)"
  # Not fatal: without it scripts/build-widget.sh warns and builds on stable (a bigger widget).
  rustup toolchain install "$WIDGET_TOOLCHAIN" --profile minimal --component rust-src --no-self-update \
    || log "WARNING: could not install $WIDGET_TOOLCHAIN; the widget will build on stable, ~20 KB larger"
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  log "cargo install trunk $TRUNK_VERSION (about 10 minutes the first time)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --quiet
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes the first time)"
  # Not --locked: its lock file names a webpki-roots version the registry does not serve.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force --quiet
fi

if [ ! -x tools/node_modules/.bin/wasm-opt ] || [ tools/package.json -nt tools/node_modules/.stamp ]; then
  log "npm install (binaryen, esbuild, playwright-core)"
  (cd tools && npm install --no-audit --no-fund --loglevel=error && touch node_modules/.stamp)
fi

# Browser-test dependencies (playwright-core, driving Debian's /usr/bin/chromium; never a downloaded browser).
for dir in tests/e2e; do
  [ -f "$dir/package.json" ] || continue
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package.json" -nt "$dir/node_modules/.stamp" ] \
     || { [ -f "$dir/package-lock.json" ] && [ "$dir/package-lock.json" -nt "$dir/node_modules/.stamp" ]; }; then
    log "npm install in $dir"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error && touch node_modules/.stamp)
  fi
done

log "ready"
