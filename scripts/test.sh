#!/usr/bin/env bash
# Installs what the test suite needs and runs it: uv and the locked packages, the
# linters first (ruff, sqlfluff), Debian's chromium for
# the browser tests of the reports (if missing), then every test with pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q uv==0.13.9
uv run --frozen ruff check .
bash scripts/lint_sql.sh  # sqlfluff on the dbt models and macros (.sqlfluff)
if ! command -v chromium >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
# -n 0: the whole suite one test after the other (pyproject's addopts spread the inner loop over every
# core; the slow tests share one demo county and the machine's memory)
uv run --frozen pytest -n 0 "$@"
