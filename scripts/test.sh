#!/usr/bin/env bash
# Install govhall with its test tools and run the whole suite: ruff, then pytest (browser tests
# included). The database is SQLite unless DATABASE_URL names PostgreSQL. Extra arguments go to
# pytest.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
ensure_venv "[test]"

# Browser tests drive the system Chromium (Playwright never downloads a browser here); Chinese
# fonts make screenshots and PDFs readable.
need_packages=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_packages+=(chromium)
fc-list 2>/dev/null | grep -qi "noto.*cjk" || need_packages+=(fonts-noto-cjk)
if [ ${#need_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "Please install: ${need_packages[*]} (Debian/Ubuntu: sudo apt-get install ${need_packages[*]})" >&2
    exit 1
  fi
  echo "installing ${need_packages[*]} ..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi

export GOVHALL_DATA_DIR="${GOVHALL_DATA_DIR:-$(mktemp -d -t govhall-test-XXXXXX)}"
echo "== ruff"
.venv/bin/ruff check src
.venv/bin/ruff format --check --quiet src
echo "== pytest on ${DATABASE_URL:-SQLite}"
exec .venv/bin/pytest src "$@"
