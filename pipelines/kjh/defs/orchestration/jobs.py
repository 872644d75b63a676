"""The one job that runs the whole pipeline, as the command line and the UI see it."""
import dagster as dg

JOB_NAME = "kjh_pipeline"

# In one process, one step after the other: DuckDB allows a single writer.
kjh_pipeline = dg.define_asset_job(
    JOB_NAME,
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Ingest every delivery, build the marts with dbt, check, report.",
    tags={"kjh/warehouse": "writer"},
)
