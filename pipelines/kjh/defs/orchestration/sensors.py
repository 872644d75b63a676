"""Start a run when a new export lands in the inbox (the sources folder).

Each file once: the cursor remembers name, size and modification time of every
file seen. A file still being written (changed in the last seconds) waits for
the next tick. kjh never moves, edits or deletes an input file.
"""
import json
import time
from hashlib import sha256

import dagster as dg

from kjh.defs.orchestration.jobs import kjh_pipeline
from kjh.settings import RunSettings

SETTLE_SECONDS = 10


def new_files(folder, seen: dict[str, str], now: float) -> dict[str, str]:
    """Files in `folder` not in `seen` (or changed), that have settled."""
    found = {}
    if not folder.is_dir():
        return found
    for p in sorted(folder.glob("*.csv")):
        st = p.stat()
        if now - st.st_mtime < SETTLE_SECONDS:
            continue
        signature = f"{st.st_size}:{st.st_mtime_ns}"
        if seen.get(p.name) != signature:
            found[p.name] = signature
    return found


@dg.sensor(job=kjh_pipeline, name="eingang_neue_exporte", minimum_interval_seconds=60,
           description="Runs the pipeline when a new export file arrives in the sources folder.")
def inbox_sensor(context: dg.SensorEvaluationContext):
    seen = json.loads(context.cursor) if context.cursor else {}
    fresh = new_files(RunSettings.from_env().sources, seen, time.time())
    if not fresh:
        return dg.SkipReason("Keine neuen Exporte im Eingang.")
    seen.update(fresh)
    run_key = sha256(json.dumps(sorted(fresh.items())).encode()).hexdigest()[:16]
    context.update_cursor(json.dumps(seen))
    return dg.RunRequest(run_key=run_key, tags={"kjh/neue_dateien": str(len(fresh))})
