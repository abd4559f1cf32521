"""The worker job that writes a registry extract's file (ADR 0008). Idempotent, loads by id."""

from coproduce.core.tasks import task
from coproduce.extracts import services


@task()
def build_registry_extract(extract_id: int) -> str:
    extract = services.registry_extract_build(extract_id=extract_id)
    return extract.status if extract is not None else "missing"
