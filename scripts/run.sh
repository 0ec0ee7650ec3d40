#!/usr/bin/env bash
# THE run command: installs what is missing, builds the widget and the server, and runs Parlour on
# SQLite with the demo project seeded. Open the printed URLs: the demo page and the agent inbox.
#
#   bash scripts/run.sh            # http://127.0.0.1:8080
#   PARLOUR_ADDR=0.0.0.0:9000 bash scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build-widget.sh
cargo build --release -p parlour-server

mkdir -p data
# The demo agent's token: made once, kept in data/ (git-ignored) so the inbox link stays valid.
if [ ! -s data/agent-token ]; then
  head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' > data/agent-token
  chmod 600 data/agent-token
fi
token=$(cat data/agent-token)
addr=${PARLOUR_ADDR:-127.0.0.1:8080}
base=${PARLOUR_BASE_URL:-http://$addr}

cat <<MSG

  Parlour is starting on $base
    demo page (the widget):  $base/
    agent inbox:             $base/agent#token=$token
    database:                data/parlour.db (SQLite)
  Stop with Ctrl-C.

MSG
exec target/release/parlour-server \
  --addr "$addr" \
  --base-url "$base" \
  --database-url "${DATABASE_URL:-sqlite://data/parlour.db}" \
  --assets-dir dist \
  --agent-token="$token"
