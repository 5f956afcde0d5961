"""When the build job runs: the nightly schedule and the new-landing-files sensor."""

import hashlib
import os
from pathlib import Path

from dagster import (
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from orchestration.defs.resources import WarehouseResource
from orchestration.ingestion.loader import discover_files
from orchestration.ingestion.raw_schema import ENTITIES

DEFAULT_CRON = "0 2 * * *"


def nightly_schedule(job) -> ScheduleDefinition:
    """02:00 UTC by default; MMSREPORT_SCHEDULE_CRON / MMSREPORT_SCHEDULE_TIMEZONE change it."""
    return ScheduleDefinition(
        name="nightly_build",
        job=job,
        cron_schedule=os.environ.get("MMSREPORT_SCHEDULE_CRON", DEFAULT_CRON),
        execution_timezone=os.environ.get("MMSREPORT_SCHEDULE_TIMEZONE", "UTC"),
        default_status=DefaultScheduleStatus.RUNNING,
        description="Load what is new, build, test and publish the warehouse every night.",
    )


def landing_fingerprint(landing: Path) -> str:
    """A digest of every landing file's path, size and modification time."""
    digest = hashlib.sha256()
    for entity in ENTITIES:
        for relative, path in discover_files(landing, entity):
            stat = path.stat()
            digest.update(f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def landing_sensor(job):
    """Starts a build when landing files appear or change (off by default: the schedule suffices)."""

    @sensor(
        name="new_landing_files",
        job=job,
        minimum_interval_seconds=300,
        default_status=DefaultSensorStatus.STOPPED,
        description="Start a build when files in the landing folder appear or change.",
    )
    def _sensor(context: SensorEvaluationContext, warehouse: WarehouseResource):
        fingerprint = landing_fingerprint(Path(warehouse.landing_dir))
        if fingerprint == context.cursor:
            return SkipReason("no new or changed landing files")
        context.update_cursor(fingerprint)
        return RunRequest(run_key=fingerprint)

    return _sensor
