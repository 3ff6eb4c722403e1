#!/usr/bin/env bash
# Install govhall and start the demo city: SQLite in ./govhall-data, demo data, web server and
# worker on http://127.0.0.1:8000/. Extra arguments go to `govhall demo` (--port, --host, --persons).
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
ensure_venv ""
exec .venv/bin/govhall demo "$@"
