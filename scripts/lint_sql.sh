#!/usr/bin/env bash
# Lints the SQL of the dbt project (models and macros) with sqlfluff; config in .sqlfluff.
# Exit status 0 when clean. Extra arguments go to `sqlfluff lint` (e.g. a single file's path).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
    set -- dbt_project/models dbt_project/macros
fi
exec uv run --frozen sqlfluff lint "$@"
