"""Monthly run: the finance system closes the month in its first days."""
import dagster as dg

from kjh.defs.orchestration.jobs import kjh_pipeline

monthly = dg.ScheduleDefinition(
    name="monatlich",
    job=kjh_pipeline,
    cron_schedule="0 6 3 * *",  # 06:00 on the 3rd of every month
    execution_timezone="Europe/Berlin",
    description="Whole pipeline once a month, after the month's bookings are exported.",
)
