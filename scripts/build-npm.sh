#!/usr/bin/env bash
# Assembles the npm package @parlour/chat-widget from the built widget and packs it:
#   dist/widget/{loader.js, parlour-widget-<hash>.js, parlour-widget-<hash>_bg.wasm, snippets/}
#   + widget/npm/{package.json, index.d.ts, README.md}  →  target/npm/parlour-chat-widget-<v>.tgz
# The last line of output is the tarball's path.
#
#   scripts/build-npm.sh               # builds the widget first when dist/ has none
#   PARLOUR_DIST=/tmp/d scripts/build-npm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${PARLOUR_DIST:-dist}
[ -f "$DIST/widget/loader.js" ] || scripts/build-widget.sh >&2

out=target/npm
stage="$out/chat-widget"
rm -rf "$stage"
mkdir -p "$stage"
cp widget/npm/package.json widget/npm/index.d.ts widget/npm/README.md "$stage/"
cp "$DIST"/widget/loader.js "$DIST"/widget/parlour-widget-*.js "$DIST"/widget/parlour-widget-*_bg.wasm "$stage/"
[ -d "$DIST/widget/snippets" ] && cp -r "$DIST/widget/snippets" "$stage/"

# The workspace version.
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
node -e '
  const fs = require("fs"); const file = process.argv[1];
  const pkg = JSON.parse(fs.readFileSync(file, "utf8")); pkg.version = process.argv[2];
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");' "$stage/package.json" "${version:-0.0.0}"

tarball=$(cd "$stage" && npm pack --silent --pack-destination .. | tail -n1)
echo "build-npm: $(du -h "$out/$tarball" | cut -f1) $out/$tarball" >&2
echo "$PWD/$out/$tarball"
