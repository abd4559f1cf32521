"""The rollup job, run by the worker's scheduler every few minutes
(coproduce/core/scheduler.py). Idempotent: it recomputes whole periods from the data."""

from coproduce.core.tasks import task
from coproduce.measures import services


@task()
def update_rollups() -> int:
    """Recompute the rollup cells that new or changed data touched."""
    return services.rollups_update()
