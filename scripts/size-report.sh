#!/usr/bin/env bash
# Prints raw / gzip / brotli bytes of every file a host page downloads for the chat widget — the
# loader (widget/loader.js), the JS glue, wasm-bindgen snippets and the wasm (the widget's CSS is
# inside the wasm and the loader) — and fails when the brotli total exceeds the budget recorded in
# README.md (`WIDGET_BUDGET_BROTLI=<bytes>`; the environment variable of that name overrides it).
#
#   scripts/size-report.sh [dist-dir]        # default: dist
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${1:-dist}

budget=${WIDGET_BUDGET_BROTLI:-}
if [ -z "$budget" ] && [ -f README.md ]; then
  budget=$(grep -oE 'WIDGET_BUDGET_BROTLI=[0-9]+' README.md | head -n1 | cut -d= -f2 || true)
fi
budget=${budget:-122880}

for tool in brotli gzip; do
  command -v "$tool" >/dev/null || { echo "size-report: $tool not found (apt-get install -y brotli)" >&2; exit 1; }
done
[ -f "$DIST/widget/loader.js" ] || { echo "size-report: $DIST/widget/loader.js missing; run scripts/build-widget.sh" >&2; exit 1; }

mapfile -t shipped < <(cd "$DIST" && {
  echo widget/loader.js
  find widget -maxdepth 1 -type f \( -name 'parlour-widget-*.js' -o -name '*_bg.wasm' -o -name '*.css' \)
  find widget/snippets -type f -name '*.js' 2>/dev/null || true
} | sort -u)

# Measured from the files themselves (brotli -q 11, gzip -9), like the precompressed siblings.
total_raw=0 total_gz=0 total_br=0
printf '%-60s %9s %9s %9s\n' "widget file ($DIST/)" raw gzip brotli
for f in "${shipped[@]}"; do
  raw=$(stat -c %s "$DIST/$f")
  gz=$(gzip -9 -n -c "$DIST/$f" | wc -c)
  br=$(brotli -q 11 -c "$DIST/$f" | wc -c)
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  printf '%-60s %9d %9d %9d\n' "$f" "$raw" "$gz" "$br"
done
printf '%-60s %9d %9d %9d\n' "total" "$total_raw" "$total_gz" "$total_br"
printf 'budget: %d bytes brotli; total %d bytes (%d%% of budget)\n' "$budget" "$total_br" $((total_br * 100 / budget))
if [ "$total_br" -gt "$budget" ]; then
  echo "size-report: over the widget size budget by $((total_br - budget)) bytes brotli" >&2
  exit 1
fi
