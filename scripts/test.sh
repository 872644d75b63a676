#!/usr/bin/env bash
# Installs what the test suite needs and runs it: Debian's chromium for the
# browser tests of the reports (if missing), uv, the locked packages, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
python3 -m pip install -q uv==0.13.9
uv run --frozen pytest "$@"
