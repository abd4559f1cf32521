"""The demo network: four units in two regions, two years of synthetic history, and one
login per role (issue 2, items 2 and 12).

Everything except the observation history goes through the services. Two patients are
written into the story: a child with cystic fibrosis and an adult on home dialysis, both
cared for by the same carer; the adult is also the demo patient login.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction

from coproduce.access.models import CarerScope, ConsentKind, Relationship
from coproduce.access.services import carer_grant_create, consent_record
from coproduce.accounts.models import Profession, Role, User
from coproduce.accounts.services import totp_device_enrol_with_key, user_create
from coproduce.alerts.demo import demo_alerts_create
from coproduce.careplans.demo import demo_care_plan_create, demo_goals_create
from coproduce.decisions.demo import demo_decisions_create
from coproduce.interop.fhir.instrument_files import load_built_in_definitions
from coproduce.measures.demo import demo_measures_create
from coproduce.network.models import Network, Unit
from coproduce.network.services import unit_membership_add
from coproduce.observations.demo import demo_measurements_create
from coproduce.panel.demo import demo_panel_create
from coproduce.patients.models import CareTeamRole, Patient
from coproduce.patients.services import care_team_member_add, patient_login_link
from coproduce.questionnaires.demo import demo_questionnaires_create
from coproduce.reporting.demo import demo_reporting_create
from coproduce.seed import load
from coproduce.seed.course import DAYS_PER_YEAR
from coproduce.seed.registry import (
    EPOCH,
    FAMILY,
    GIVEN_FEMALE,
    GIVEN_MALE,
    PROGRAMME_CODES,
    PatientChunk,
    RegistryPlan,
    UnitPlan,
    patient_chunk,
    rng_for,
)
from coproduce.skills.demo import demo_skills_create
from coproduce.tasks.demo import demo_tasks_create
from coproduce.visits.demo import demo_visits_create

DEMO_SLUG = "demo"
DEMO_NAME = "Coproduce demo network"
DEMO_SEED = 2026
DEMO_PATIENTS = 320
# The registry cohort: patients with no logins, bulk-written into the same units with
# their process and experience rows, so that the QI pages show every measure for the
# network and each unit rather than hiding small counts (issue 7).
DEMO_COHORT_PATIENTS = 6000
DEMO_COHORT_PREFIX = "R"
IMPORT_ACCOUNT = "registry-import"
DEMO_YEARS = 2.0
TOTP_DEVICE_NAME = "Demo authenticator"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    profession: str
    first_name: str
    last_name: str
    what: str

    @property
    def password(self) -> str:
        # Fixed and printed: this is synthetic demo data (never a production account).
        return f"demo-{self.username}-2026"

    @property
    def totp_key_hex(self) -> str:
        """A fixed 20-byte TOTP key, so `coproduce totp USERNAME` can print codes."""
        return hashlib.sha1(f"coproduce-demo-totp:{self.username}".encode()).hexdigest()  # noqa: S324

    @property
    def needs_mfa(self) -> bool:
        return self.role in {Role.CLINICIAN, Role.QI_LEAD, Role.ADMINISTRATOR}


LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "clinician",
        Role.CLINICIAN,
        Profession.PHYSICIAN,
        "Asha",
        "Rahman",
        "physician, Northfield Hospital",
    ),
    DemoLogin(
        "nurse", Role.CLINICIAN, Profession.NURSE, "Tom", "Okoro", "nurse, Northfield Hospital"
    ),
    DemoLogin(
        "carer",
        Role.CARER,
        "",
        "Sam",
        "Morgan",
        "parent of a child with cystic fibrosis and partner of a dialysis patient",
    ),
    DemoLogin("patient", Role.PATIENT, "", "Owen", "Morgan", "adult on home dialysis"),
    DemoLogin("qilead", Role.QI_LEAD, "", "Mina", "Lopez", "quality-improvement lead"),
    DemoLogin("admin", Role.ADMINISTRATOR, "", "Alex", "Reid", "administrator"),
)

UNIT_NAMES = (
    "Northfield Hospital",
    "Riverside Health Centre",
    "Southbay Hospital",
    "Harbour Medical Practice",
)
CHILD_INDEX, ADULT_INDEX = 0, 1
HOME_UNIT = 0  # Northfield Hospital: where the demo clinician and nurse work


def demo_plan(*, end_date: dt.date) -> RegistryPlan:
    """Four units of different quality: Northfield does well; Riverside serves the most
    deprived area and starts an improvement half-way; Southbay is weaker and improves too."""
    days = round(DEMO_YEARS * DAYS_PER_YEAR)
    units = (
        UnitPlan(0, "northfield-hospital", UNIT_NAMES[0], True, 0.6, np.inf, 3.0),
        UnitPlan(0, "riverside-health-centre", UNIT_NAMES[1], False, -0.5, 0.55 * days, 1.9),
        UnitPlan(1, "southbay-hospital", UNIT_NAMES[2], True, -0.4, 0.5 * days, 2.6),
        UnitPlan(1, "harbour-medical-practice", UNIT_NAMES[3], False, 0.3, np.inf, 4.0),
    )
    return RegistryPlan(
        patients=DEMO_PATIENTS,
        seed=DEMO_SEED,
        end_date=end_date,
        years=DEMO_YEARS,
        regions=("North", "South"),
        units=units,
        local_id_prefix="D",
    )


def cohort_plan(*, end_date: dt.date) -> RegistryPlan:
    """The registry cohort: the demo's units, its own patients and random streams."""
    return dataclasses.replace(
        demo_plan(end_date=end_date),
        patients=DEMO_COHORT_PATIENTS,
        seed=DEMO_SEED + 1,
        local_id_prefix=DEMO_COHORT_PREFIX,
    )


def demo_cohort_chunk(plan: RegistryPlan, chunk: int) -> PatientChunk:
    """The cohort's patients, shaped for the QI pages: the depression service opened as
    the history begins (nine in ten of its patients join during it, so many reach their
    six-month score), and people with diabetes are about eight years older (more are 65
    and over, the overuse measure's population)."""
    people = patient_chunk(plan, chunk)
    rng = rng_for(plan.seed, 5, chunk)
    n = len(people.index)
    end_day = (plan.end_date - EPOCH).days
    depression = people.programme == PROGRAMME_CODES.index("depression-anxiety")
    joined = plan.window_start_day + rng.uniform(0, plan.window_days - 14, n)
    enrolled = np.where(depression & (rng.random(n) < 0.9), joined, people.enrolled_day)
    diabetes = people.programme == PROGRAMME_CODES.index("diabetes")
    oldest = end_day - int(95 * DAYS_PER_YEAR)
    birth = np.where(
        diabetes, np.maximum(people.birth_day - int(8 * DAYS_PER_YEAR), oldest), people.birth_day
    )
    return dataclasses.replace(
        people,
        birth_day=birth.astype(np.int64),
        enrolled_day=np.maximum(enrolled, birth + 1).astype(np.int64),
    )


def demo_patient_chunk(plan: RegistryPlan, chunk: int) -> PatientChunk:
    """The generated patients, with the two story patients written in at index 0 and 1."""
    people = patient_chunk(plan, chunk)
    if chunk != 0:
        return people
    end_day = (plan.end_date - EPOCH).days
    arrays = {f.name: getattr(people, f.name).copy() for f in dataclasses.fields(people)}
    story = {
        CHILD_INDEX: {
            "programme": PROGRAMME_CODES.index("cystic-fibrosis"),
            "age": 8.4,
            "sex": 0,
            "given": GIVEN_FEMALE.index("Isla"),
            "quintile": 3,
            "enrolled_years": 6.0,
        },
        ADULT_INDEX: {
            "programme": PROGRAMME_CODES.index("kidney-dialysis"),
            "age": 67.2,
            "sex": 1,
            "given": GIVEN_MALE.index("Owen"),
            "quintile": 2,
            "enrolled_years": 3.0,
        },
    }
    for i, s in story.items():
        arrays["programme"][i] = s["programme"]
        arrays["unit"][i] = HOME_UNIT
        arrays["birth_day"][i] = end_day - int(s["age"] * DAYS_PER_YEAR)
        arrays["sex"][i] = s["sex"]
        arrays["given"][i] = s["given"]
        arrays["family"][i] = FAMILY.index("Morgan")
        arrays["quintile"][i] = s["quintile"]
        arrays["enrolled_day"][i] = end_day - int(s["enrolled_years"] * DAYS_PER_YEAR)
        arrays["engagement"][i] = 0.92
    return PatientChunk(**arrays)


def demo_exists() -> bool:
    return Network.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def planner_statistics_refresh() -> None:
    """On PostgreSQL, gather planner statistics after the bulk loads, as autovacuum would
    once they commit: the rollups' grouped queries run in the same transaction, and with
    statistics from when the tables were small the planner picks nested loops that take
    minutes instead of seconds. (ANALYZE sees this transaction's own new rows.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def demo_create(*, end_date: dt.date, with_cohort: bool = True) -> int:
    """Build the demo network; returns the number of observations written. Call only when
    `demo_exists()` is false (the network slug is unique, so a race fails cleanly).
    `with_cohort=False` leaves out the 6,000-patient registry cohort that the QI pages need
    (tests of the story's pages use it to build in half the time)."""
    plan = demo_plan(end_date=end_date)
    users = {login.username: _login_create(login) for login in LOGINS}
    admin = users["admin"]
    organisation = load.organisation_create(
        plan=plan, actor=admin, slug=DEMO_SLUG, name=DEMO_NAME, unit_names=UNIT_NAMES
    )
    for login in LOGINS:
        users[login.username].network = organisation.network
        users[login.username].save(update_fields=["network"])
    programme_ids = load.programmes_ensure(actor=admin)
    patient_ids = load.patients_create_with_services(
        plan=plan,
        organisation=organisation,
        programme_ids=programme_ids,
        actor=admin,
        chunk_of=demo_patient_chunk,
    )
    _staff_and_care_teams(plan, organisation, users, patient_ids)
    _carer_and_patient_logins(users, patient_ids)
    _story_data_create(users, patient_ids, end_date)
    timing = load.observations_create(
        plan=plan,
        patient_ids=patient_ids,
        unit_ids=organisation.unit_ids,
        actor=admin,
        chunk_of=demo_patient_chunk,
    )
    cohort_rows = _cohort_create(end_date, organisation, programme_ids, admin) if with_cohort else 0
    planner_statistics_refresh()
    demo_measures_create(
        qi_lead=users["qilead"],
        units=[Unit.objects.get(pk=int(pk)) for pk in organisation.unit_ids],
        end_date=end_date,
        days=round(DEMO_YEARS * DAYS_PER_YEAR),
    )
    return timing.rows + cohort_rows


def _cohort_create(end_date, organisation, programme_ids, admin) -> int:
    """The registry cohort with the bulk writer; returns its observation count."""
    cohort = cohort_plan(end_date=end_date)
    ids, _ = load.patients_create_in_bulk(
        plan=cohort,
        organisation=organisation,
        programme_ids=programme_ids,
        actor=admin,
        chunk_of=demo_cohort_chunk,
    )
    timing = load.observations_create(
        plan=cohort,
        patient_ids=ids,
        unit_ids=organisation.unit_ids,
        actor=admin,
        chunk_of=demo_cohort_chunk,
    )
    recorder = load.import_account_create(
        actor=admin, network=organisation.network, username=IMPORT_ACCOUNT
    )
    load.process_create(
        plan=cohort,
        organisation=organisation,
        patient_ids=ids,
        recorder=recorder,
        actor=admin,
        chunk_of=demo_cohort_chunk,
    )
    return timing.rows


def _story_data_create(users, patient_ids, end_date: dt.date) -> None:
    """What the demo patient and carer see between visits: home measurements, completed and
    in-progress questionnaires, reports due and reminders, and goals in their own words;
    and what the demo nurse's unit sees of them: alerts open, escalated and closed."""
    load_built_in_definitions()  # `coproduce instruments load`; unchanged rows are skipped
    story = {
        "patient": Patient.objects.get(pk=int(patient_ids[ADULT_INDEX])),
        "child": Patient.objects.get(pk=int(patient_ids[CHILD_INDEX])),
        "carer": users["carer"],
        "end_date": end_date,
    }
    demo_measurements_create(**story)
    demo_questionnaires_create(**story)
    demo_reporting_create(**story)
    demo_goals_create(**story)
    demo_care_plan_create(**story, nurse=users["nurse"])
    demo_decisions_create(**story, clinician=users["clinician"])
    demo_alerts_create(**story, nurse=users["nurse"], clinician=users["clinician"])
    demo_visits_create(**story, clinician=users["clinician"])
    demo_skills_create(**story, nurse=users["nurse"])
    demo_tasks_create(**story, nurse=users["nurse"])
    demo_panel_create(**story, nurse=users["nurse"], clinician=users["clinician"])


def _login_create(login: DemoLogin) -> User:
    user = user_create(
        actor=None,
        username=login.username,
        password=login.password,
        role=login.role,
        network=None,
        email=f"{login.username}@demo.coproduce.invalid",
        first_name=login.first_name,
        last_name=login.last_name,
        profession=login.profession,
    )
    if login.needs_mfa:
        totp_device_enrol_with_key(actor=None, user=user, key_hex=login.totp_key_hex)
    return user


def _staff_and_care_teams(plan, organisation, users, patient_ids) -> None:
    start = plan.end_date - dt.timedelta(days=round(plan.years * DAYS_PER_YEAR))
    units = list(Unit.objects.filter(pk__in=organisation.unit_ids.tolist()).order_by("pk"))
    home = units[HOME_UNIT]
    clinician, nurse, qilead, admin = (users[n] for n in ("clinician", "nurse", "qilead", "admin"))
    unit_membership_add(actor=admin, unit=home, user=clinician, started_on=start, is_lead=True)
    unit_membership_add(actor=admin, unit=home, user=nurse, started_on=start)
    for unit in units:
        unit_membership_add(actor=admin, unit=unit, user=qilead, started_on=start)
    for patient in Patient.objects.filter(home_unit=home, pk__in=patient_ids.tolist()):
        care_team_member_add(
            actor=admin, patient=patient, user=clinician, role=CareTeamRole.CLINICIAN, is_lead=True
        )
        care_team_member_add(actor=admin, patient=patient, user=nurse, role=CareTeamRole.CLINICIAN)


def _carer_and_patient_logins(users, patient_ids) -> None:
    child = Patient.objects.get(pk=int(patient_ids[CHILD_INDEX]))
    adult = Patient.objects.get(pk=int(patient_ids[ADULT_INDEX]))
    carer, patient_user, clinician = users["carer"], users["patient"], users["clinician"]
    patient_login_link(actor=users["admin"], patient=adult, user=patient_user)
    adult.refresh_from_db()
    # A clinician grants a parent access for a child; an adult patient grants their own.
    carer_grant_create(
        actor=clinician,
        patient=child,
        carer=carer,
        relationship=Relationship.PARENT,
        scopes={
            CarerScope.VIEW_REPORTS,
            CarerScope.REPORT_FOR_PATIENT,
            CarerScope.REPORT_OWN,
            CarerScope.CARE_PLAN,
        },
    )
    carer_grant_create(
        actor=patient_user,
        patient=adult,
        carer=carer,
        relationship=Relationship.PARTNER,
        # The care plan too: he orders the dialysis supplies (a carer's task in the plan).
        scopes={CarerScope.VIEW_REPORTS, CarerScope.REPORT_FOR_PATIENT, CarerScope.CARE_PLAN},
    )
    for patient in (child, adult):
        care_team_member_add(actor=clinician, patient=patient, user=carer, role=CareTeamRole.CARER)
    consent_record(actor=patient_user, patient=adult, kind=ConsentKind.RESEARCH, given=True)


def login_lines() -> list[str]:
    """One line per demo login: role, username, password, and how to get an MFA code."""
    lines = []
    for login in LOGINS:
        lines.append(f"  {login.role:<14} {login.username:<10} {login.password:<22}({login.what})")
    lines.append("")
    lines.append("  Staff log-ins ask for a six-digit code after the password (two-step")
    lines.append("  verification). Get the current code with `make totp LOGIN=<username>`,")
    lines.append("  or add the key to an authenticator app:")
    for login in LOGINS:
        if login.needs_mfa:
            key = base64.b32encode(bytes.fromhex(login.totp_key_hex)).decode()
            lines.append(f"    {login.username:<10} {key}")
    return lines
