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
    chunk_of: ChunkOf = patient_chunk,
) -> tuple[np.ndarray, Timing]:
    """Patients, their (empty) care teams and enrolments with the bulk writer, with one
    audit event for the import; database id per patient index."""
    started = time.perf_counter()
    network_id = organisation.network.pk

    def batches() -> Iterator[dict]:
        for chunk in range(plan.chunks):
            yield _patient_columns(plan, chunk_of(plan, chunk), organisation)

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
        Patient.objects.filter(network_id=network_id, local_id__startswith=plan.local_id_prefix)
        .values_list("local_id", "pk")
        .iterator(chunk_size=50_000)
    ):
        ids[int(local_id[prefix:])] = pk
    progress(f"patients: {plan.patients}")

    def teams() -> Iterator[dict]:
        for chunk in range(plan.chunks):
            people = chunk_of(plan, chunk)
            yield {
                "patient_id": Ints(ids[people.index]),
                "unit_id": Ints(organisation.unit_ids[people.unit]),
            }

    def enrolments() -> Iterator[dict]:
        for chunk in range(plan.chunks):
            people = chunk_of(plan, chunk)
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


# --- Process and experience rows (coproduce/seed/process.py) -------------------------------

OWN_GOAL_WORDS = (
    "Walk to the shops and back without stopping",
    "Sleep through the night most nights",
    "Go back to work three days a week",
    "Play with my grandchildren in the park",
    "Cook a proper meal for myself again",
    "Swim once a week",
)
PROCESS_BATCH = 2000


def _instant(seconds) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(seconds), tz=dt.UTC)


def _process_lookups(plan: RegistryPlan):
    """Per PROGRAMMES entry: the instrument reported monthly, the programme version and
    its first alert rule (as the alert records it)."""
    from dataclasses import asdict

    from coproduce.programmes.definition import built_in_programme_paths, parse_programme

    definitions = {d.code: d for d in map(parse_programme, built_in_programme_paths())}
    lookups = []
    for spec in PROGRAMMES:
        definition = definitions[spec.code]
        instruments = [s.instrument for s in definition.schedules if s.instrument]
        rule = definition.alert_rules[0]
        rule_json = asdict(rule)
        rule_json["compare_with"] = list(rule.compare_with)
        lookups.append(
            (instruments[0] if instruments else "eq-5d-5l", definition.version, rule, rule_json)
        )
    return lookups


def import_account_create(*, actor: User | None, network: Network, username: str) -> User:
    """The account that rows a person would have written in a registry import (agendas,
    questionnaire answers, goals) are attributed to: registry patients have no logins. It
    has no password and is inactive, so no one can log in as it."""
    from coproduce.accounts.models import Role
    from coproduce.accounts.services import user_create

    account = user_create(
        actor=actor,
        username=username,
        password=None,
        role=Role.ADMINISTRATOR,
        network=network,
        first_name="Registry",
        last_name="import",
    )
    account.is_active = False
    account.save(update_fields=["is_active"])
    return account


@dataclass(frozen=True)
class ProcessCounts:
    due_reports: int = 0
    visits: int = 0
    agendas: int = 0
    responses: int = 0
    alerts: int = 0
    goals: int = 0
    screenings: int = 0
    seconds: float = 0.0


def process_create(
    *,
    plan: RegistryPlan,
    organisation: Organisation,
    patient_ids: np.ndarray,
    recorder: User,
    actor: User | None,
    progress: Progress = _quiet,
    chunk_of: ChunkOf = patient_chunk,
) -> ProcessCounts:
    """The registry's process and experience rows with bulk inserts (no per-row service
    calls), keeping the models' constraints: reports due (completed or missed), visits
    done or cancelled with patient agendas, visit-experience responses, closed alerts with
    acknowledgement times, goals in the patient's own words (with their version 1), and
    repeat screening of women over 65 as a coded-observation import. Rows a person would
    have written (agendas, responses, goals) are attributed to `recorder`, the import's
    account: registry patients have no logins. One audit event per import."""
    from coproduce.alerts.models import Alert, AlertAction, AlertStatus
    from coproduce.careplans.models import Goal, GoalKind, GoalStatus, GoalVersion, ProposedBy
    from coproduce.questionnaires.demo import scaled_answers
    from coproduce.questionnaires.models import (
        QuestionnaireDefinition,
        QuestionnaireResponse,
        ReporterKind,
        ResponseStatus,
    )
    from coproduce.reporting.models import DueReport, DueStatus
    from coproduce.seed.codes import CERVICAL_SCREENING, LAB
    from coproduce.seed.process import DAY, REPORT_CLOSE_DAYS, REPORT_OPEN_DAYS, process_chunk
    from coproduce.visits.models import Visit, VisitAgenda, VisitStatus

    started = time.perf_counter()
    lookups = _process_lookups(plan)
    experience = (
        QuestionnaireDefinition.objects.filter(instrument_code="visit-experience")
        .order_by("-loaded_at", "-pk")
        .first()
    )
    if experience is None:
        raise RuntimeError("Load the instruments first: coproduce instruments load")
    items = [i["link_id"] for i in experience.form["items"] if i.get("options")]
    answers_for = {
        level: scaled_answers(experience, dict.fromkeys(items, level)) for level in range(5)
    }
    network_id = organisation.network.pk
    enrolment_of = dict(
        Enrolment.objects.filter(patient__network_id=network_id).values_list("patient_id", "pk")
    )
    counts = dict.fromkeys(
        ("due_reports", "visits", "agendas", "responses", "alerts", "goals", "screenings"), 0
    )
    screening_code = CODED_CODES.index(CERVICAL_SCREENING)
    screening_value = CODED_VALUES.index("negative")
    screening_batches = []
    with transaction.atomic():
        for chunk in range(plan.chunks):
            people = chunk_of(plan, chunk)
            rows = process_chunk(plan, people, chunk)
            first = int(people.index[0]) if len(people.index) else 0
            due = rows.due
            reports = []
            for i in range(len(due.patient)):
                index = int(due.patient[i])
                pk = int(patient_ids[index])
                at = int(due.due_at[i])
                done = bool(due.completed[i])
                reports.append(
                    DueReport(
                        patient_id=pk,
                        enrolment_id=enrolment_of[pk],
                        instrument_code=lookups[int(people.programme[index - first])][0],
                        opens_at=_instant(at - REPORT_OPEN_DAYS * DAY),
                        due_at=_instant(at),
                        closes_at=_instant(at + REPORT_CLOSE_DAYS * DAY),
                        status=DueStatus.COMPLETED if done else DueStatus.MISSED,
                        completed_at=_instant(due.completed_at[i]) if done else None,
                        created_at=_instant(at - REPORT_OPEN_DAYS * DAY),
                    )
                )
            DueReport.objects.bulk_create(reports, batch_size=PROCESS_BATCH)
            counts["due_reports"] += len(reports)

            v = rows.visits
            visits = []
            for i in range(len(v.patient)):
                at = _instant(v.starts_at[i])
                visits.append(
                    Visit(
                        patient_id=int(patient_ids[v.patient[i]]),
                        unit_id=int(organisation.unit_ids[v.unit[i]]),
                        starts_at=at,
                        status=VisitStatus.DONE if v.done[i] else VisitStatus.CANCELLED,
                        status_changed_at=at + dt.timedelta(hours=1),
                        created_at=at - dt.timedelta(days=21),
                    )
                )
            visits = Visit.objects.bulk_create(visits, batch_size=PROCESS_BATCH)
            agendas, responses = [], []
            for i, visit in enumerate(visits):
                if v.agenda[i]:
                    written = visit.starts_at - dt.timedelta(days=2)
                    agendas.append(
                        VisitAgenda(
                            visit_id=visit.pk,
                            patient_id=visit.patient_id,
                            concerns=["symptoms"],
                            written_by=recorder,
                            created_at=written,
                            updated_at=written,
                        )
                    )
                if v.experience[i]:
                    authored = visit.starts_at + dt.timedelta(hours=6)
                    responses.append(
                        QuestionnaireResponse(
                            patient_id=visit.patient_id,
                            definition=experience,
                            status=ResponseStatus.COMPLETED,
                            reporter=ReporterKind.PATIENT,
                            author=recorder,
                            author_role="registry-import",
                            answers=answers_for[int(v.listened[i])],
                            authored_at=authored,
                            submitted_at=authored,
                            idempotency_key=f"registry-{network_id}-visit-{visit.pk}",
                        )
                    )
            VisitAgenda.objects.bulk_create(agendas, batch_size=PROCESS_BATCH)
            QuestionnaireResponse.objects.bulk_create(responses, batch_size=PROCESS_BATCH)
            counts["visits"] += len(visits)
            counts["agendas"] += len(agendas)
            counts["responses"] += len(responses)

            a = rows.alerts
            alerts = []
            for i in range(len(a.patient)):
                index = int(a.patient[i])
                programme = int(people.programme[index - first])
                _instrument, version, rule, rule_json = lookups[programme]
                opened = _instant(a.opened_at[i])
                acknowledged = _instant(a.acknowledged_at[i])
                alerts.append(
                    Alert(
                        patient_id=int(patient_ids[index]),
                        unit_id=int(organisation.unit_ids[a.unit[i]]),
                        programme_code=PROGRAMMES[programme].code,
                        programme_version=version,
                        rule_id=rule.id,
                        rule=rule_json,
                        title=rule.title,
                        severity=rule.severity,
                        status=AlertStatus.CLOSED,
                        opened_at=opened,
                        respond_by=opened + dt.timedelta(hours=rule.respond_within_hours),
                        last_triggered_at=opened,
                        acknowledged_at=acknowledged,
                        closed_at=acknowledged + dt.timedelta(hours=1),
                        action=AlertAction.ADVICE,
                    )
                )
            Alert.objects.bulk_create(alerts, batch_size=PROCESS_BATCH)
            counts["alerts"] += len(alerts)

            g = rows.goals
            goals = []
            for i in range(len(g.patient)):
                at = _instant(g.proposed_at[i])
                goals.append(
                    Goal(
                        patient_id=int(patient_ids[g.patient[i]]),
                        description=OWN_GOAL_WORDS[int(g.patient[i]) % len(OWN_GOAL_WORDS)],
                        kind=GoalKind.OWN,
                        status=GoalStatus.ACTIVE,
                        proposed_by=recorder,
                        proposed_by_role=ProposedBy.PATIENT,
                        proposed_at=at,
                        updated_at=at,
                        version=1,
                    )
                )
            goals = Goal.objects.bulk_create(goals, batch_size=PROCESS_BATCH)
            GoalVersion.objects.bulk_create(
                [
                    GoalVersion(
                        goal_id=goal.pk,
                        version=1,
                        changed_by=recorder,
                        changed_by_role=ProposedBy.PATIENT,
                        changed_at=goal.proposed_at,
                        description=goal.description,
                        kind=goal.kind,
                        status=goal.status,
                    )
                    for goal in goals
                ],
                batch_size=PROCESS_BATCH,
            )
            counts["goals"] += len(goals)

            s = rows.screening
            if len(s.patient):
                screening_batches.append(
                    CodedObservationBatch(
                        patient_id=patient_ids[s.patient],
                        unit_id=organisation.unit_ids[s.unit],
                        code_index=np.full(len(s.patient), screening_code),
                        codes=CODED_CODES,
                        value_index=np.full(len(s.patient), screening_value),
                        values=CODED_VALUES,
                        effective_at=s.effective_at,
                        recorded_at=np.minimum(
                            s.effective_at + 7 * DAY, (plan.end_date - EPOCH).days * DAY
                        ),
                        source_index=np.full(len(s.patient), LAB),
                        sources=SOURCES,
                    )
                )
                counts["screenings"] += len(s.patient)
            progress(f"process rows: chunk {chunk + 1}/{plan.chunks}")
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity_type="ProcessImport",
            entity_id=network_id,
            purpose="registry-import",
            detail={k: v for k, v in counts.items() if k != "screenings"},
        )
    if screening_batches:
        observations_bulk_import(actor=actor, batches=iter(screening_batches))
    return ProcessCounts(**counts, seconds=time.perf_counter() - started)
