import dagster as dg

from kjh.defs.orchestration.jobs import kjh_pipeline
from kjh.defs.orchestration.protokoll import kjh_protokoll
from kjh.defs.orchestration.schedules import monthly
from kjh.defs.orchestration.sensors import inbox_sensor


def defs() -> dg.Definitions:
    # the job's logger: named `console` to replace Dagster's default (log file + progress lines)
    return dg.Definitions(jobs=[kjh_pipeline], schedules=[monthly], sensors=[inbox_sensor],
                          loggers={"console": kjh_protokoll})
