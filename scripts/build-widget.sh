#!/usr/bin/env bash
# Builds the chat widget and the demo host pages into dist/ (trunk, release profile
# `widget-release`, wasm-opt -Oz): the loader at dist/widget/loader.js (alias dist/chat-widget.js),
# the content-hashed glue and wasm beside it; precompresses every text asset (.br and .gz siblings,
# which the server sends when the browser accepts them), and reports what a host page downloads
# (scripts/size-report.sh). Honours CARGO_TARGET_DIR.
#
#   scripts/build-widget.sh                    # build + size report
#   WIDGET_BUDGET_ENFORCE=1 scripts/build-widget.sh   # also fail when over the brotli budget
#   PARLOUR_DIST=/tmp/d scripts/build-widget.sh       # build elsewhere than dist/
#   WIDGET_DEV=1 scripts/build-widget.sh       # unoptimised debug build (fast, large): no
#                                              # precompression, no size report
#
# Needs the tools of scripts/setup.sh (trunk, wasm-bindgen-cli at the Cargo.lock version, npm
# binaryen's wasm-opt in tools/node_modules/.bin, esbuild, brotli). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm binaryen first on PATH: Debian's wasm-opt breaks wasm-bindgen output (see TOOLCHAIN.md).
export PATH="$PWD/tools/node_modules/.bin:$PATH"
for tool in trunk wasm-bindgen wasm-opt brotli gzip node; do
  command -v "$tool" >/dev/null || { echo "build-widget: $tool not found; run scripts/setup.sh" >&2; exit 1; }
done

DIST=${PARLOUR_DIST:-dist}
if [ "${WIDGET_DEV:-0}" = 1 ]; then
  trunk build --dist "$DIST"
  exit 0
fi
# The release build on the pinned nightly of scripts/widget-toolchain.env (a smaller wasm), or on
# stable with a warning when that toolchain is missing.
source scripts/widget-toolchain.env
if widget_toolchain_ready; then
  RUSTUP_TOOLCHAIN="$WIDGET_TOOLCHAIN" \
  CARGO_UNSTABLE_BUILD_STD="$WIDGET_BUILD_STD" \
  CARGO_UNSTABLE_BUILD_STD_FEATURES="$WIDGET_BUILD_STD_FEATURES" \
  RUSTFLAGS="$WIDGET_RUSTFLAGS" \
    trunk build --release --dist "$DIST"
else
  echo "build-widget: WARNING: $WIDGET_TOOLCHAIN is not installed (scripts/setup.sh); building on stable, ~20 KB larger" >&2
  trunk build --release --dist "$DIST"
fi

# Precompress text assets (trunk replaced dist/, so there is nothing stale to remove).
while IFS= read -r -d '' file; do
  brotli -q 11 -f -k -o "$file.br" "$file"
  gzip -9 -n -f -c "$file" >"$file.gz"
done < <(find "$DIST" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \) -print0)

# What a host page downloads for the widget, against the budget (scripts/size-report.sh fails
# when over; here that is only a warning unless WIDGET_BUDGET_ENFORCE=1).
if ! scripts/size-report.sh "$DIST"; then
  [ "${WIDGET_BUDGET_ENFORCE:-0}" = 1 ] && exit 1
fi
exit 0
