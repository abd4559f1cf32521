"""Writing a synthetic registry to the database.

Organisation, programmes and (for small registries) patients go through the services, so
they get the same checks and audit events as data entered by people. Large registries write
patients, care teams and enrolments with the bulk writer, and every registry writes its
observation history as one bulk import (one audit event per import).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction

from coproduce.accounts.models import User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.network.models import Network, Unit
from coproduce.network.services import network_create, region_create, unit_create
from coproduce.observations.bulk import (
    Categories,
    CodedObservationBatch,
    Dates,
    FixedTexts,
    ForeignKeyCheck,
    Instants,
    Ints,
    ObservationBatch,
    observations_bulk_import,
    table_bulk_write,
)
from coproduce.patients.models import CareTeam, Enrolment, Patient
from coproduce.patients.services import enrolment_start, patient_create
from coproduce.programmes.definition import built_in_programme_paths, parse_programme
from coproduce.programmes.models import Programme
from coproduce.programmes.services import programme_load
from coproduce.seed.codes import ALL_CODES, CODED_CODES, CODED_VALUES, SOURCES
from coproduce.seed.registry import (
    EPOCH,
    ETHNICITIES,
    FAMILY,
    GIVEN_FEMALE,
    GIVEN_MALE,
    LANGUAGES,
    PROGRAMMES,
    SEXES,
    PatientChunk,
    RegistryPlan,
    coded_chunk,
    observation_chunk,
    patient_chunk,
)

Progress = Callable[[str], None]
ChunkOf = Callable[[RegistryPlan, int], PatientChunk]


def _quiet(_message: str) -> None:
    return None


@dataclass(frozen=True)
class Organisation:
    network: Network
    unit_ids: np.ndarray  # database id of each plan unit, by plan index


def organisation_create(
    *,
    plan: RegistryPlan,
    actor: User | None,
    slug: str,
    name: str,
    unit_names: tuple[str, ...] | None = None,
) -> Organisation:
    """The network, its regions and units, through the services."""
    with transaction.atomic():
        network = network_create(actor=actor, slug=slug, name=name)
        regions = [region_create(actor=actor, network=network, name=r) for r in plan.regions]
        units = [
            unit_create(
                actor=actor,
                region=regions[u.region],
                code=u.code,
                name=(unit_names[i] if unit_names else u.name),
            )
            for i, u in enumerate(plan.units)
        ]
    return Organisation(network=network, unit_ids=np.array([u.pk for u in units]))


def programmes_ensure(*, actor: User | None) -> np.ndarray:
    """Load the built-in programme files if needed; database id per PROGRAMMES entry."""
    loaded = dict(Programme.objects.values_list("code", "pk"))
    if any(spec.code not in loaded for spec in PROGRAMMES):
        for path in built_in_programme_paths():
            programme_load(actor=actor, definition=parse_programme(path))
        loaded = dict(Programme.objects.values_list("code", "pk"))
    return np.array([loaded[spec.code] for spec in PROGRAMMES])


def _date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def patients_create_with_services(
    *,
    plan: RegistryPlan,
    organisation: Organisation,
    programme_ids: np.ndarray,
    actor: User | None,
    progress: Progress = _quiet,
    chunk_of: ChunkOf = patient_chunk,
) -> np.ndarray:
    """Every patient and enrolment through the services; database id per patient index."""
    ids = np.zeros(plan.patients, dtype=np.int64)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=organisation.unit_ids.tolist())}
    programmes = {p.pk: p for p in Programme.objects.filter(pk__in=programme_ids.tolist())}
    for chunk in range(plan.chunks):
        people = chunk_of(plan, chunk)
        with transaction.atomic():
            for i, index in enumerate(people.index.tolist()):
                unit = units[int(organisation.unit_ids[people.unit[i]])]
                patient = patient_create(
                    actor=actor,
                    network=organisation.network,
                    home_unit=unit,
                    local_id=plan.local_id(index),
                    given_name=people.given_name(i),
                    family_name=FAMILY[people.family[i]],
                    birth_date=_date(people.birth_day[i]),
                    sex=SEXES[people.sex[i]],
                    preferred_language=LANGUAGES[people.language[i]],
                    ethnicity=ETHNICITIES[people.ethnicity[i]],
                    deprivation_quintile=int(people.quintile[i]),
                )
                enrolment_start(
                    actor=actor,
                    patient=patient,
                    programme=programmes[int(programme_ids[people.programme[i]])],
                    unit=unit,
                    started_on=_date(people.enrolled_day[i]),
                )
                ids[index] = patient.pk
        progress(f"patients: {min((chunk + 1) * len(people.index), plan.patients)}")
    return ids


def _patient_columns(plan: RegistryPlan, people: PatientChunk, organisation: Organisation):
    n = len(people.index)
    width = len(plan.local_id(0))
    local_ids = np.char.add(
        plan.local_id_prefix,
        np.char.zfill(people.index.astype("U"), width - len(plan.local_id_prefix)),
    ).astype(f"S{width}")
    male = np.array(SEXES)[people.sex] == "male"
    given = np.where(
        male, people.given % len(GIVEN_MALE), len(GIVEN_MALE) + people.given % len(GIVEN_FEMALE)
    )
    return {
        "network_id": Categories(np.zeros(n, dtype=np.int64), (organisation.network.pk,)),
        "home_unit_id": Ints(organisation.unit_ids[people.unit]),
        "local_id": FixedTexts(local_ids),
        "given_name": Categories(given, GIVEN_MALE + GIVEN_FEMALE),
        "family_name": Categories(people.family, FAMILY),
        "birth_date": Dates(people.birth_day),
        "sex": Categories(people.sex, SEXES),
        "preferred_language": Categories(people.language, LANGUAGES),
        "ethnicity": Categories(people.ethnicity, ETHNICITIES),
        "deprivation_quintile": Ints(people.quintile),
        # Registered on the day of enrolment, at nine in the morning.
        "created_at": Instants(people.enrolled_day * 86400 + 9 * 3600),
    }


@dataclass(frozen=True)
class Timing:
    rows: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def patients_create_in_bulk(
    *,
    plan: RegistryPlan,
    organisation: Organisation,
    programme_ids: np.ndarray,
    actor: User | None,
    progress: Progress = _quiet,
) -> tuple[np.ndarray, Timing]:
    """Patients, their (empty) care teams and enrolments with the bulk writer, with one
    audit event for the import; database id per patient index."""
    started = time.perf_counter()
    network_id = organisation.network.pk

    def batches() -> Iterator[dict]:
        for chunk in range(plan.chunks):
            yield _patient_columns(plan, patient_chunk(plan, chunk), organisation)

    def audit(rows: int) -> None:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity_type="PatientImport",
            entity_id=organisation.network.pk,
            purpose="registry-import",
            detail={"rows": rows},
        )

    table_bulk_write(
        model=Patient,
        batches=batches(),
        within_transaction=audit,
        foreign_keys=[
            ForeignKeyCheck("home_unit_id", Unit),
            ForeignKeyCheck("network_id", Network),
        ],
    )
    ids = np.zeros(plan.patients, dtype=np.int64)
    prefix = len(plan.local_id_prefix)
    for local_id, pk in (
        Patient.objects.filter(network_id=network_id)
        .values_list("local_id", "pk")
        .iterator(chunk_size=50_000)
    ):
        ids[int(local_id[prefix:])] = pk
    progress(f"patients: {plan.patients}")

    def teams() -> Iterator[dict]:
        for chunk in range(plan.chunks):
            people = patient_chunk(plan, chunk)
            yield {
                "patient_id": Ints(ids[people.index]),
                "unit_id": Ints(organisation.unit_ids[people.unit]),
            }

    def enrolments() -> Iterator[dict]:
        for chunk in range(plan.chunks):
            people = patient_chunk(plan, chunk)
            yield {
                "patient_id": Ints(ids[people.index]),
                "programme_id": Ints(programme_ids[people.programme]),
                "unit_id": Ints(organisation.unit_ids[people.unit]),
                "started_on": Dates(people.enrolled_day),
            }

    table_bulk_write(model=CareTeam, batches=teams())
    table_bulk_write(model=Enrolment, batches=enrolments())
    return ids, Timing(rows=plan.patients, seconds=time.perf_counter() - started)


def observation_batches(
    *,
    plan: RegistryPlan,
    patient_ids: np.ndarray,
    unit_ids: np.ndarray,
    progress: Progress = _quiet,
    chunk_of: ChunkOf = patient_chunk,
) -> Iterator[ObservationBatch | CodedObservationBatch]:
    """The registry's observations as bulk-import batches, one per patient chunk."""
    total = 0
    for chunk in range(plan.chunks):
        people = chunk_of(plan, chunk)
        obs = observation_chunk(plan, people, chunk)
        total += len(obs)
        yield ObservationBatch(
            patient_id=patient_ids[obs.patient],
            unit_id=unit_ids[obs.unit],
            code_index=obs.code,
            codes=ALL_CODES,
            value=obs.value,
            effective_at=obs.effective_at,
            recorded_at=obs.recorded_at,
            source_index=obs.source,
            sources=SOURCES,
        )
        coded = coded_chunk(plan, people, chunk)
        total += len(coded)
        yield CodedObservationBatch(
            patient_id=patient_ids[coded.patient],
            unit_id=unit_ids[coded.unit],
            code_index=coded.code,
            codes=CODED_CODES,
            value_index=coded.value,
            values=CODED_VALUES,
            effective_at=coded.effective_at,
            recorded_at=coded.recorded_at,
            source_index=coded.source,
            sources=SOURCES,
        )
        progress(f"observations: {total} (chunk {chunk + 1}/{plan.chunks})")


def observations_create(
    *,
    plan: RegistryPlan,
    patient_ids: np.ndarray,
    unit_ids: np.ndarray,
    actor: User | None,
    progress: Progress = _quiet,
    chunk_of: ChunkOf = patient_chunk,
) -> Timing:
    """The whole observation history as one audited bulk import."""
    job = observations_bulk_import(
        actor=actor,
        batches=observation_batches(
            plan=plan,
            patient_ids=patient_ids,
            unit_ids=unit_ids,
            progress=progress,
            chunk_of=chunk_of,
        ),
    )
    for phase, seconds in job.result.phases.items():
        progress(f"observations {phase}: {seconds:.1f} s")
    return Timing(rows=job.result.rows, seconds=job.result.seconds)


def database_vendor() -> str:
    return connection.vendor
