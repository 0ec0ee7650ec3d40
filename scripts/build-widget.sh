#!/usr/bin/env bash
# Builds the chat widget and the demo host pages into dist/ (trunk, release profile
# `widget-release`, wasm-opt -Oz), precompresses every text asset (.br and .gz siblings, which the
# server sends when the browser accepts them), and reports what a host page downloads.
#
#   scripts/build-widget.sh                    # build + size report
#   WIDGET_BUDGET_ENFORCE=1 scripts/build-widget.sh   # also fail when over the brotli budget
#
# Needs the tools of scripts/setup.sh (trunk, wasm-bindgen-cli at the Cargo.lock version, npm
# binaryen's wasm-opt in tools/node_modules/.bin, esbuild, brotli). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

# Budget for everything a host downloads (loader + JS glue + wasm with its CSS), brotli bytes.
BUDGET=${WIDGET_BUDGET_BROTLI:-122880}

# npm binaryen first on PATH: Debian's wasm-opt breaks wasm-bindgen output (see TOOLCHAIN.md).
export PATH="$PWD/tools/node_modules/.bin:$PATH"
for tool in trunk wasm-bindgen wasm-opt brotli gzip node; do
  command -v "$tool" >/dev/null || { echo "build-widget: $tool not found; run scripts/setup.sh" >&2; exit 1; }
done

trunk build --release

# Precompress text assets (trunk replaced dist/, so there is nothing stale to remove).
while IFS= read -r -d '' file; do
  brotli -q 11 -f -k -o "$file.br" "$file"
  gzip -9 -n -f -c "$file" >"$file.gz"
done < <(find dist -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \) -print0)

# What a host page downloads for the widget: the loader, the JS glue, wasm-bindgen snippets and
# the wasm (the widget's CSS is inside the wasm).
mapfile -t shipped < <(cd dist && { echo chat-widget.js; ls parlour-widget-*.js parlour-widget-*_bg.wasm; find snippets -name '*.js' 2>/dev/null; } | sort -u)
size() { stat -c %s "$1"; }
total_raw=0 total_gz=0 total_br=0
printf '\n%-58s %9s %9s %9s\n' "widget file (dist/)" raw gzip brotli
for f in "${shipped[@]}"; do
  raw=$(size "dist/$f") gz=$(size "dist/$f.gz") br=$(size "dist/$f.br")
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  printf '%-58s %9d %9d %9d\n' "$f" "$raw" "$gz" "$br"
done
printf '%-58s %9d %9d %9d\n' "total" "$total_raw" "$total_gz" "$total_br"
printf 'budget: %d bytes brotli (%d KiB); total is %d KiB\n' "$BUDGET" $((BUDGET / 1024)) $(((total_br + 1023) / 1024))
if [ "$total_br" -gt "$BUDGET" ]; then
  echo "build-widget: over the size budget by $((total_br - BUDGET)) bytes" >&2
  [ "${WIDGET_BUDGET_ENFORCE:-0}" = 1 ] && exit 1
fi
exit 0
