"""Test data, created only through the services (DESIGN.md §2 rule 2), so every test row
passed the same checks and wrote the same audit events as real data.

Functions here are plain: tests call them directly or through the fixtures in conftest.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.access import services as access_services
from coproduce.access.models import CarerGrant
from coproduce.accounts import services as account_services
from coproduce.accounts.models import STAFF_ROLES, Profession, Role, User
from coproduce.core.clock import today
from coproduce.interop.fhir.instrument_files import (
    built_in_definition_paths,
    load_definition_file,
)
from coproduce.network import services as network_services
from coproduce.network.models import Network, Region, Unit
from coproduce.patients import services as patient_services
from coproduce.patients.models import CareTeamRole, Enrolment, Patient, Sex
from coproduce.programmes.definition import built_in_programme_paths, parse_programme
from coproduce.programmes.models import Programme
from coproduce.programmes.services import programme_load
from coproduce.questionnaires.models import DefinitionOrigin, QuestionnaireDefinition

# Long enough and uncommon enough for every password validator in settings.
PASSWORD = "Tangerine-orbit-1729"
# RFC 6238 appendix B's test secret: a known key lets tests compute the current code.
TOTP_KEY_HEX = "3132333435363738393031323334353637383930"

_sequence = itertools.count(1)


def next_number() -> int:
    """A number never handed out before in this test process (unique names and ids)."""
    return next(_sequence)


@dataclass(frozen=True)
class NetworkTree:
    """A network with its regions and units, in creation order."""

    network: Network
    regions: tuple[Region, ...]
    units: tuple[Unit, ...]


def make_network(*, regions: int = 2, units: int = 3, slug: str = "") -> NetworkTree:
    """A network with `regions` regions and `units` units dealt round-robin over them:
    with the defaults, region 1 holds units 1 and 3, region 2 holds unit 2."""
    number = next_number()
    network = network_services.network_create(
        actor=None, slug=slug or f"network-{number}", name=f"Test network {number}"
    )
    region_list = tuple(
        network_services.region_create(actor=None, network=network, name=f"Region {r + 1}")
        for r in range(regions)
    )
    unit_list = tuple(
        network_services.unit_create(
            actor=None,
            region=region_list[u % regions],
            code=f"unit-{u + 1}",
            name=f"Unit {u + 1}",
        )
        for u in range(units)
    )
    return NetworkTree(network=network, regions=region_list, units=unit_list)


def make_user(
    *,
    role: str,
    network: Network,
    units: tuple[Unit, ...] = (),
    profession: str = "",
    password: str | None = None,
    username: str = "",
    with_totp: bool | None = None,
) -> User:
    """A login with `role`, member of `units` (staff). Staff get a confirmed TOTP device
    with TOTP_KEY_HEX unless `with_totp=False`.

    `password=None` gives an unusable password: Argon2 takes about 0.2 s per hash, so only
    tests that log in through the form should pay for one (others use `client.force_login`).
    """
    if role == Role.CLINICIAN and not profession:
        profession = Profession.PHYSICIAN
    user = account_services.user_create(
        actor=None,
        username=username or f"{role}-{next_number()}",
        password=password,
        role=role,
        network=network,
        email=f"{username or role}@example.org",
        first_name=role.replace("_", " ").title(),
        last_name="Tester",
        profession=profession,
    )
    for unit in units:
        network_services.unit_membership_add(
            actor=None, unit=unit, user=user, started_on=today() - dt.timedelta(days=365)
        )
    if with_totp is None:
        with_totp = role in STAFF_ROLES
    if with_totp:
        account_services.totp_device_enrol_with_key(actor=None, user=user, key_hex=TOTP_KEY_HEX)
    return user


def totp_code(user: User) -> str:
    """The code the user's authenticator app shows now."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


def make_patient(
    *,
    tree: NetworkTree,
    unit: Unit | None = None,
    with_login: bool = False,
    password: str | None = None,
    birth_date: dt.date = dt.date(1970, 6, 15),
    sex: str = Sex.FEMALE,
    clinicians: tuple[User, ...] = (),
    deprivation_quintile: int | None = 3,
) -> Patient:
    """A patient at `unit` (the first unit by default), optionally with their own login
    and with `clinicians` on the care team."""
    number = next_number()
    user = None
    if with_login:
        user = make_user(role=Role.PATIENT, network=tree.network, password=password)
    patient = patient_services.patient_create(
        actor=None,
        network=tree.network,
        home_unit=unit or tree.units[0],
        local_id=f"P{number:06d}",
        given_name="Alex",
        family_name=f"Patient{number}",
        birth_date=birth_date,
        sex=sex,
        deprivation_quintile=deprivation_quintile,
        user=user,
    )
    for clinician in clinicians:
        patient_services.care_team_member_add(
            actor=None, patient=patient, user=clinician, role=CareTeamRole.CLINICIAN
        )
    return patient


def load_programme(code: str = "rheumatoid-arthritis") -> Programme:
    """A built-in programme loaded through the loader, as `load_programmes` does."""
    paths = {path.stem: path for path in built_in_programme_paths()}
    programme, _ = programme_load(actor=None, definition=parse_programme(paths[code]))
    return programme


def load_instrument(code: str = "phq-9") -> QuestionnaireDefinition:
    """A built-in instrument definition loaded through the file loader, as
    `coproduce instruments load` does."""
    paths = {path.stem: path for path in built_in_definition_paths()}
    definition, _ = load_definition_file(paths[code], actor=None, origin=DefinitionOrigin.BUILT_IN)
    return definition


def form_answers(
    definition: QuestionnaireDefinition, scores: dict[str, float]
) -> dict[str, object]:
    """Answers as a form posts them (option codes), from the numeric codes the scoring core
    takes: each choice item's option whose weight is the number."""
    by_id = {item["link_id"]: item for item in definition.form["items"]}
    answers: dict[str, object] = {}
    for link_id, value in scores.items():
        options = by_id[link_id]["options"]
        if options and value is not None:
            answers[link_id] = next(o["code"] for o in options if o["weight"] == value)
        else:
            answers[link_id] = value
    return answers


def make_enrolment(
    *, patient: Patient, programme: Programme, unit: Unit | None = None, days_ago: int = 365
) -> Enrolment:
    """Enrol `patient` in `programme` at their home unit (or `unit`), `days_ago` days ago."""
    return patient_services.enrolment_start(
        actor=None,
        patient=patient,
        programme=programme,
        unit=unit or patient.home_unit,
        started_on=today() - dt.timedelta(days=days_ago),
    )


def make_carer_grant(
    *,
    patient: Patient,
    carer: User,
    granted_by: User,
    scopes: frozenset[str] = frozenset({"view_reports", "report_for_patient"}),
    relationship: str = "parent",
) -> CarerGrant:
    """Give `carer` access to `patient`. `granted_by` is the patient's own user, or a
    clinician when the patient is a child (the service enforces which)."""
    return access_services.carer_grant_create(
        actor=granted_by,
        patient=patient,
        carer=carer,
        relationship=relationship,
        scopes=set(scopes),
    )


@dataclass(frozen=True)
class Cast:
    """One person per role in a two-region, three-unit network, plus people in another
    unit for cross-unit and cross-patient checks.

    - `clinician` (physician) and `nurse` work in unit 1 and are on `patient`'s care team;
    - `patient` (adult, own login) and `child` (age 8, no login) are cared for in unit 1;
    - `carer` has grants for both `patient` (granted by the patient) and `child` (granted
      by the clinician), so switches between two patients;
    - `other_clinician` works in unit 2 and cares for `other_patient` there;
    - `qi_lead` works in unit 1; `administrator` is network-wide.
    """

    tree: NetworkTree
    clinician: User
    nurse: User
    qi_lead: User
    administrator: User
    patient: Patient
    child: Patient
    carer: User
    other_clinician: User
    other_patient: Patient

    @property
    def network(self) -> Network:
        return self.tree.network

    def logins(self) -> dict[str, User]:
        """One login per role, keyed by role."""
        return {
            Role.PATIENT: self.patient.user,
            Role.CARER: self.carer,
            Role.CLINICIAN: self.clinician,
            Role.QI_LEAD: self.qi_lead,
            Role.ADMINISTRATOR: self.administrator,
        }


def make_cast(*, password: str | None = None) -> Cast:
    """The standard cast (see Cast). With `password`, every login can use the login form."""
    tree = make_network()
    unit_1, unit_2 = tree.units[0], tree.units[1]
    staff = {"network": tree.network, "password": password}
    clinician = make_user(role=Role.CLINICIAN, units=(unit_1,), **staff)
    nurse = make_user(role=Role.CLINICIAN, profession=Profession.NURSE, units=(unit_1,), **staff)
    qi_lead = make_user(role=Role.QI_LEAD, units=(unit_1,), **staff)
    administrator = make_user(role=Role.ADMINISTRATOR, **staff)
    other_clinician = make_user(role=Role.CLINICIAN, units=(unit_2,), **staff)
    patient = make_patient(
        tree=tree, unit=unit_1, with_login=True, password=password, clinicians=(clinician, nurse)
    )
    child = make_patient(
        tree=tree,
        unit=unit_1,
        birth_date=today().replace(year=today().year - 8, day=1),
        clinicians=(clinician,),
    )
    other_patient = make_patient(tree=tree, unit=unit_2, clinicians=(other_clinician,))
    carer = make_user(role=Role.CARER, **staff)
    make_carer_grant(patient=patient, carer=carer, granted_by=patient.user, relationship="partner")
    make_carer_grant(patient=child, carer=carer, granted_by=clinician)
    return Cast(
        tree=tree,
        clinician=clinician,
        nurse=nurse,
        qi_lead=qi_lead,
        administrator=administrator,
        patient=patient,
        child=child,
        carer=carer,
        other_clinician=other_clinician,
        other_patient=other_patient,
    )
