"""Registry extracts made through the services, as a QI lead would."""

from __future__ import annotations

import csv
import datetime as dt
import io

from coproduce.accounts.models import Role
from coproduce.core.clock import now, today
from coproduce.extracts import services
from coproduce.extracts.models import RegistryExtract
from coproduce.network.models import Unit
from coproduce.observations import services as observation_services
from coproduce.patients.models import Patient
from coproduce.programmes.models import Programme
from tests import factories

CRP = "loinc:1988-5"


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def measured(patient: Patient, *, days_ago: int = 20, value: float = 12.0) -> None:
    """A CRP result (a rheumatoid-arthritis measure) `days_ago` days ago."""
    observation_services.observation_record(
        actor=None,
        patient=patient,
        code=CRP,
        effective_at=now() - dt.timedelta(days=days_ago),
        source="lab",
        quantity=value,
        unit="mg/L",
    )


def extract_made(
    actor,
    *,
    purpose: str = "registry",
    units=None,
    programmes=("rheumatoid-arthritis",),
    equity: bool = False,
    months_back: int = 3,
    build: bool = True,
) -> RegistryExtract:
    """An extract of the last `months_back` months of the actor's network, built at once
    (as the worker would) unless `build=False`."""
    if units is None:
        units = Unit.objects.filter(region__network=actor.network).values_list("pk", flat=True)
    day = today()
    first = dt.date(day.year, day.month, 1)
    for _ in range(months_back):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    extract = services.registry_extract_request(
        actor=actor,
        purpose=purpose,
        programme_codes=list(programmes),
        unit_ids=list(units),
        first_month=month_of(first),
        last_month=month_of(day),
        reason="Quarterly review of CRP control",
        include_equity=equity,
    )
    if build:
        services.registry_extract_build(extract_id=extract.pk)
        extract.refresh_from_db()
    return extract


def extract_text(extract: RegistryExtract) -> str:
    return (services.extracts_dir() / extract.file_name).read_text(encoding="utf-8")


def extract_rows(extract: RegistryExtract) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(extract_text(extract))))


# --- For the authorization matrix ---------------------------------------------------------


def ready_extract(actor) -> RegistryExtract:
    """A built extract of the actor's network, of the first programme loaded."""
    code = Programme.objects.order_by("pk").values_list("code", flat=True).first()
    return extract_made(actor, programmes=(code,))


def extract_kwargs(world) -> dict:
    return {"extract_id": ready_extract(world.cast.qi_lead).pk}


def colleague_extract_kwargs(world) -> dict:
    """Another QI lead's extract in the same network: not theirs to download."""
    colleague = factories.make_user(role=Role.QI_LEAD, network=world.cast.network)
    return {"extract_id": ready_extract(colleague).pk}


def other_network_extract_kwargs(world) -> dict:
    tree = factories.make_network()
    lead = factories.make_user(role=Role.QI_LEAD, network=tree.network)
    return {"extract_id": ready_extract(lead).pk}
